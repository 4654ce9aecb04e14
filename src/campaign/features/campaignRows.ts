// Model rows for (lead, product, combination), written straight into typed arrays. Equal to the
// project's buildFeatureRow on the same contract (test/campaign/features.test.ts checks it);
// this path skips the per-row maps so 6.3 M rows can be built quickly.
import { COMBINATIONS, COMBINATION_COUNT } from '../../events/contactCombinations';
import { incomeLevel } from '../data/leadRules';
import type { LeadAttributes } from '../data/records';
import type { FeatureMap } from '../../features/flattenFeatures';
import type { CampaignLayout } from './campaignContract';

/** Writes the lead's columns (0 … leadWidth-1) at out[offset …]; the region/product columns must be zero. */
export function writeLeadColumns(layout: CampaignLayout, out: Float32Array, offset: number, lead: LeadAttributes, product: string): void {
  out[offset] = lead.age;
  out[offset + 1] = lead.creditScore;
  out[offset + 2] = lead.householdSize;
  out[offset + 3] = incomeLevel(lead.incomeBand);
  const r = layout.regions.indexOf(lead.region);
  if (r >= 0) out[offset + layout.regionOffset + r] = 1;
  const p = layout.products.indexOf(product);
  if (p >= 0) out[offset + layout.productOffset + p] = 1;
}

/** Writes the one-hot columns of combination k at out[offset …] (they must be zero). */
export function writeCombinationColumns(layout: CampaignLayout, out: Float32Array, offset: number, channel: number, day: number, slot: number): void {
  out[offset + layout.channelOffset + channel] = 1;
  out[offset + layout.dayOffset + day] = 1;
  out[offset + layout.slotOffset + slot] = 1;
}

/** Lead columns of many leads, row-major [leads.length, leadWidth]. */
export function leadMatrix(layout: CampaignLayout, leads: readonly LeadAttributes[], product: string): Float32Array {
  const w = layout.leadWidth;
  const out = new Float32Array(leads.length * w);
  for (let i = 0; i < leads.length; i++) writeLeadColumns(layout, out, i * w, leads[i], product);
  return out;
}

/**
 * Full rows of every combination for leads [from, to) of a lead matrix: row (i·63 + k) is lead i
 * with combination k — the batch the ONNX scorer feeds.
 */
export function expandCombinations(layout: CampaignLayout, leadRows: Float32Array, from: number, to: number, out?: Float32Array): Float32Array {
  const w = layout.width;
  const lw = layout.leadWidth;
  const rows = (to - from) * COMBINATION_COUNT;
  const buf = out && out.length >= rows * w ? out.subarray(0, rows * w) : new Float32Array(rows * w);
  buf.fill(0);
  let at = 0;
  for (let i = from; i < to; i++) {
    const lead = leadRows.subarray(i * lw, (i + 1) * lw);
    for (const c of COMBINATIONS) {
      buf.set(lead, at);
      writeCombinationColumns(layout, buf, at, c.c, c.d, c.s);
      at += w;
    }
  }
  return buf;
}

/** The lead and product as the context features the contract names (for buildFeatureRow). */
export function leadContext(lead: LeadAttributes, product: string): FeatureMap {
  return new Map<string, string | number>([
    ['lead.age', lead.age],
    ['lead.creditScore', lead.creditScore],
    ['lead.householdSize', lead.householdSize],
    ['lead.incomeLevel', incomeLevel(lead.incomeBand)],
    ['lead.region', lead.region],
    ['campaign.product', product],
  ]);
}
