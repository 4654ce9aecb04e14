// Lookups the recommend API makes in Cosmos DB: leads by id (point reads, a few at a time) and
// campaign definitions (cached for a short while: they rarely change).
import type { Container } from '@azure/cosmos';
import { forEachConcurrently } from '../../common/boundedConcurrency';
import { withRetry } from '../../common/retry';
import { CAMPAIGN_DOCUMENT_ID } from '../data/campaignDocuments';
import { checkLeadAttributes } from '../data/leadRules';
import type { LeadAttributes } from '../data/records';
import { RecommendError, type CampaignInfo } from './recommender';

const READ_CONCURRENCY = 16;

export async function findLeads(container: Container, ids: readonly string[]): Promise<Map<string, LeadAttributes>> {
  const found = new Map<string, LeadAttributes>();
  await forEachConcurrently(ids, READ_CONCURRENCY, async (id) => {
    const { resource, statusCode } = await withRetry(() => container.item(id, id).read<Record<string, unknown>>());
    if (statusCode === 404 || !resource) return;
    const checked = checkLeadAttributes(resource, true);
    if (!checked.ok) {
      throw new RecommendError(422, undefined, `lead "${id}" in the leads container is not valid: ${checked.issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`);
    }
    found.set(id, checked.value);
  });
  return found;
}

export async function readCampaign(plans: Container, campaignId: string): Promise<CampaignInfo | undefined> {
  const { resource, statusCode } = await withRetry(() => plans.item(CAMPAIGN_DOCUMENT_ID, campaignId).read<Record<string, unknown>>());
  if (statusCode === 404 || !resource) return undefined;
  if (typeof resource.product !== 'string') throw new Error(`campaign "${campaignId}": its document has no product`);
  const info: CampaignInfo = { name: typeof resource.name === 'string' ? resource.name : campaignId, product: resource.product };
  const revenue = resource.revenuePerConversion;
  if (revenue !== undefined && revenue !== null) {
    if (typeof revenue !== 'number' || !Number.isFinite(revenue) || revenue < 0) throw new Error(`campaign "${campaignId}": revenuePerConversion must be a number ≥ 0; got ${JSON.stringify(revenue)}`);
    info.revenuePerConversion = revenue;
  }
  // The template's Product terms on the campaign document: premium per payment period.
  const perYear = { monthly: 12, quarterly: 4, yearly: 1 }[String(resource.paymentFrequency ?? '').toLowerCase()];
  if (typeof resource.premium === 'number' && Number.isFinite(resource.premium) && resource.premium >= 0 && perYear !== undefined) {
    info.annualPremium = resource.premium * perYear;
  }
  return info;
}

export class CampaignCache {
  private readonly entries = new Map<string, { value: Promise<CampaignInfo | undefined>; expires: number }>();

  constructor(private readonly read: (campaignId: string) => Promise<CampaignInfo | undefined>, private readonly ttlMs: number, private readonly maxEntries = 1000) {}

  get(campaignId: string): Promise<CampaignInfo | undefined> {
    const now = Date.now();
    const hit = this.entries.get(campaignId);
    if (hit && hit.expires > now) return hit.value;
    const value = this.read(campaignId);
    if (this.ttlMs > 0) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(campaignId, { value, expires: now + this.ttlMs });
      value.catch(() => this.entries.delete(campaignId));
    }
    return value;
  }
}
