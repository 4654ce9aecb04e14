// Recommendations for a checked request: resolve the product (from the campaign when only its
// id is given) and the leads (inline, or looked up by id), score all 63 combinations of every
// lead in one call, and answer each lead's best combination with every probability.
import { bestCombination, COMBINATIONS, COMBINATION_COUNT, type Channel, type Day, type TimeSlot } from '../../events/contactCombinations';
import type { LeadAttributes } from '../data/records';
import { leadMatrix } from '../features/campaignRows';
import type { CampaignModel } from '../model/campaignModel';
import type { ScoringEngine } from '../model/combinationScorer';
import type { RecommendRequest } from './recommendRequest';

export interface CampaignInfo {
  name: string;
  product: string;
  /** Revenue of one conversion when the campaign document carries it. */
  revenuePerConversion?: number;
  /** The product's premium per year, when the import put the product's terms on the campaign (template Product table). */
  annualPremium?: number;
}

export interface RecommendDeps {
  model: () => CampaignModel | undefined;
  engine: ScoringEngine;
  /** Attributes of the leads with these ids that exist. */
  findLeads: (ids: readonly string[]) => Promise<Map<string, LeadAttributes>>;
  findCampaign: (campaignId: string) => Promise<CampaignInfo | undefined>;
}

/** A request that cannot be answered; `status` is the HTTP status, `field` the culprit. */
export class RecommendError extends Error {
  constructor(readonly status: number, readonly field: string | undefined, message: string) {
    super(message);
  }
}

export interface LeadRecommendation {
  leadId: string | null;
  channel: Channel;
  day: Day;
  timeSlot: TimeSlot;
  probability: number;
  /** Probability of every combination, in the order of the response's `combinations`. */
  probabilities: number[];
}

export interface RecommendResponse {
  modelVersion: string;
  campaignId: string | null;
  product: string;
  combinations: { channel: Channel; day: Day; timeSlot: TimeSlot }[];
  results: LeadRecommendation[];
}

const COMBINATION_LIST = COMBINATIONS.map((c) => ({ channel: c.channel, day: c.day, timeSlot: c.timeSlot }));
const round6 = (p: number) => Math.round(p * 1e6) / 1e6;

export async function recommend(request: RecommendRequest, deps: RecommendDeps): Promise<RecommendResponse> {
  const model = deps.model();
  if (!model) throw new RecommendError(503, undefined, 'no campaign model is loaded yet (none promoted, or still loading); try again later');

  let product = request.product;
  if (request.campaignId !== undefined) {
    const campaign = await deps.findCampaign(request.campaignId);
    if (!campaign && product === undefined) throw new RecommendError(404, 'campaignId', `no campaign "${request.campaignId}" is defined`);
    product ??= campaign?.product;
  }
  if (product === undefined || !model.layout.products.includes(product)) {
    throw new RecommendError(400, 'product', `"${product}" is not a product the model ${model.version} was trained on (known: ${model.layout.products.join(', ')})`);
  }

  const lookupIds = [...new Set(request.leads.filter((l) => !l.attributes).map((l) => l.leadId as string))];
  const found = lookupIds.length > 0 ? await deps.findLeads(lookupIds) : new Map<string, LeadAttributes>();
  const attributes: LeadAttributes[] = request.leads.map((ref, i) => {
    if (ref.attributes) return ref.attributes;
    const lead = found.get(ref.leadId);
    if (!lead) throw new RecommendError(404, request.single ? 'lead.leadId' : `leads[${i}].leadId`, `no lead "${ref.leadId}" in the leads container`);
    return lead;
  });

  const rows = leadMatrix(model.layout, attributes, product);
  const probs = new Float32Array(attributes.length * COMBINATION_COUNT);
  await model.scorer(deps.engine).score(rows, 0, attributes.length, probs);
  const results = request.leads.map((ref, i): LeadRecommendation => {
    const best = COMBINATIONS[bestCombination(probs, i)];
    const base = i * COMBINATION_COUNT;
    return {
      leadId: ref.leadId ?? null,
      channel: best.channel,
      day: best.day,
      timeSlot: best.timeSlot,
      probability: round6(probs[base + best.index]),
      probabilities: Array.from(probs.subarray(base, base + COMBINATION_COUNT), round6),
    };
  });
  return { modelVersion: model.version, campaignId: request.campaignId ?? null, product, combinations: COMBINATION_LIST, results };
}
