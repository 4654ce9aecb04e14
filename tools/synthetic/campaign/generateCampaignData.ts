// Seeded synthetic campaign history: leads, campaigns and past touches whose outcomes are drawn
// from the known conversion function (trueConversion.ts), so a model and its plans can be
// scored against the truth. Same options and seed → identical data.
import { CHANNELS } from '../../../src/events/contactCombinations';
import { INCOME_BANDS, type Campaign, type Lead, type Touch } from '../../../src/campaign/data/records';
import { SeededRandom } from '../../../src/learners/random';
import { REGION_OFFSET, SYNTHETIC_PRODUCTS, SYNTHETIC_REGIONS, trueConversionProbability } from './trueConversion';

export interface GeneratorOptions {
  leads?: number;
  touches?: number;
  seed?: number;
  /** First day of the history (YYYY-MM-DD, a Monday by default). */
  startDate?: string;
  days?: number;
}

export interface SyntheticCampaignData {
  leads: Lead[];
  campaigns: Campaign[];
  /** Ordered by time. */
  touches: Touch[];
  /** True conversion probability of each touch (same order). */
  touchProbability: Float64Array;
}

export const GENERATOR_DEFAULTS = { leads: 100_000, touches: 500_000, seed: 42, startDate: '2025-01-06', days: 182 };

// How the (synthetic) past campaigns chose contacts: not uniform, as real ones would not be.
const CHANNEL_POLICY = [0.5, 0.3, 0.2];
const SLOT_POLICY = [0.4, 0.35, 0.25];
const SLOT_HOURS: readonly [number, number][] = [[8, 12], [12, 17], [17, 21]];
const REGION_WEIGHTS = [0.25, 0.25, 0.2, 0.15, 0.15];

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function pick(rng: SeededRandom, weights: readonly number[]): number {
  let u = rng.next();
  for (let i = 0; i < weights.length - 1; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

function makeLead(rng: SeededRandom, i: number): Lead {
  const age = Math.round(clamp(45 + 15 * rng.normal(), 18, 90));
  const level = Math.round(clamp(2 + 0.4 * ((age - 45) / 15) + rng.normal(), 0, 4));
  const creditScore = Math.round(clamp(680 + 60 * rng.normal() + 20 * (level - 2), 300, 850));
  const householdSize = 1 + Math.min(7, Math.floor(-Math.log(1 - rng.next()) * 1.5));
  return {
    leadId: `L${pad(i + 1, 7)}`,
    age,
    incomeBand: INCOME_BANDS[level],
    creditScore,
    householdSize,
    region: SYNTHETIC_REGIONS[pick(rng, REGION_WEIGHTS)],
  };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function generateCampaignData(options: GeneratorOptions = {}): SyntheticCampaignData {
  const o = { ...GENERATOR_DEFAULTS, ...options };
  for (const [name, v] of [['leads', o.leads], ['touches', o.touches], ['days', o.days]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`generateCampaignData: ${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(o.seed)) throw new RangeError(`generateCampaignData: seed must be an integer, got ${o.seed}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.startDate) || Number.isNaN(Date.parse(o.startDate))) {
    throw new RangeError(`generateCampaignData: startDate must be YYYY-MM-DD, got ${o.startDate}`);
  }
  const rng = new SeededRandom(o.seed);
  const leads = Array.from({ length: o.leads }, (_, i) => makeLead(rng, i));
  const endDate = addDays(o.startDate, o.days - 1);
  const campaigns: Campaign[] = SYNTHETIC_PRODUCTS.map((product, i) => ({
    campaignId: `C${pad(i + 1, 3)}`,
    name: `${product.replace(/-/g, ' ')} campaign`,
    product,
    startDate: o.startDate,
    endDate,
  }));

  const drafts: { touch: Touch; p: number }[] = new Array(o.touches);
  const startMs = Date.parse(`${o.startDate}T00:00:00Z`);
  for (let i = 0; i < o.touches; i++) {
    const lead = leads[rng.int(leads.length)];
    const campaign = campaigns[rng.int(campaigns.length)];
    const channel = pick(rng, CHANNEL_POLICY);
    const slot = pick(rng, SLOT_POLICY);
    const dayOffset = rng.int(o.days);
    const [h0, h1] = SLOT_HOURS[slot];
    const hour = h0 + rng.int(h1 - h0);
    const minute = rng.int(60);
    const dateMs = startMs + dayOffset * 86_400_000;
    const date = new Date(dateMs).toISOString().slice(0, 10);
    const offset = REGION_OFFSET[lead.region] ?? '+00:00';
    const touchedAt = `${date}T${pad(hour)}:${pad(minute)}:00${offset}`;
    const day = (new Date(dateMs).getUTCDay() + 6) % 7;
    const p = trueConversionProbability(lead, campaign.product, channel, day, slot);
    const converted = rng.next() < p;
    const timeMs = Date.parse(touchedAt);
    drafts[i] = {
      touch: { touchId: '', leadId: lead.leadId, campaignId: campaign.campaignId, channel: CHANNELS[channel], day, slot, touchedAt, timeMs, converted },
      p,
    };
  }
  drafts.sort((a, b) => a.touch.timeMs - b.touch.timeMs);
  const touches = drafts.map((d, i) => ({ ...d.touch, touchId: `T${pad(i + 1, 8)}` }));
  const touchProbability = Float64Array.from(drafts, (d) => d.p);
  return { leads, campaigns, touches, touchProbability };
}
