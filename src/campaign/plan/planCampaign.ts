// One plan run as the HTTP function, the timer and the CLI start it: find the campaign's
// definition, open the model (the current one, or a given version), plan, release the model.
import type { Container } from '@azure/cosmos';
import type { ModelRegistry } from '../../models/modelRegistry';
import type { ScoringEngine } from '../model/combinationScorer';
import { loadCampaignModelVersion } from '../model/loadCampaignModel';
import { readCampaign } from '../recommend/cosmosLookups';
import { cosmosLeadSource, type LeadSource } from './leadSource';
import type { CampaignSettings } from '../../config/campaignSettings';
import { runCampaignPlan, type PlanRunResult } from './runCampaignPlan';
import { capacityNodes } from './capacityNodes';
import { contactEconomics } from './contactEconomics';

/** The money and capacity settings a plan uses (CampaignProductRevenue, CampaignContactCost, CampaignContactCapacity). */
export type PlanMoneySettings = Pick<CampaignSettings, 'productRevenue' | 'contactCost' | 'contactCapacity'>;

/** `call=300/slot, email=20000/day`, or `unlimited`. */
export function capacityRule(limits: PlanMoneySettings['contactCapacity']): string {
  const parts = Object.entries(limits).map(([channel, l]) => `${channel}=${l!.limit}/${l!.per}`);
  return parts.length > 0 ? parts.join(', ') : 'unlimited';
}

export interface PlanJobDeps {
  registry: ModelRegistry;
  modelName: string;
  engine: ScoringEngine;
  leads: Container;
  plans: Container;
  money: PlanMoneySettings;
  log: (message: string) => void;
  progress?: (p: { step: string; done: number }) => void;
  /** Defaults to every document of the leads container. */
  leadSource?: LeadSource;
  pruneStale?: boolean;
}

export class PlanJobError extends Error {
  constructor(readonly status: number, readonly field: string, message: string) {
    super(message);
  }
}

export async function planCampaign(campaignId: string, deps: PlanJobDeps, opts: { modelVersion?: string } = {}): Promise<PlanRunResult> {
  const campaign = await readCampaign(deps.plans, campaignId);
  if (!campaign) throw new PlanJobError(404, 'campaignId', `no campaign "${campaignId}" is defined; import it with campaigns.csv first`);
  const model = await loadCampaignModelVersion(deps.registry, deps.modelName, opts.modelVersion);
  try {
    if (!model.layout.products.includes(campaign.product)) {
      throw new PlanJobError(409, 'product', `campaign "${campaignId}" sells "${campaign.product}", which model ${model.version} was not trained on (known: ${model.layout.products.join(', ')}); retrain with touches of this product`);
    }
    if (deps.engine === 'trees' && !model.trees) deps.log(`plan ${campaignId}: scoring with onnxruntime: ${model.treesUnavailable}`);
    return await runCampaignPlan({
      model,
      engine: deps.engine,
      leads: deps.leadSource ?? cosmosLeadSource(deps.leads),
      plans: deps.plans,
      campaign: { campaignId, name: campaign.name, product: campaign.product },
      economics: contactEconomics(campaign, deps.money.productRevenue, deps.money.contactCost),
      capacity: capacityNodes(deps.money.contactCapacity),
      capacityRule: capacityRule(deps.money.contactCapacity),
      log: deps.log,
      progress: deps.progress,
      pruneStale: deps.pruneStale,
    });
  } finally {
    await model.release();
  }
}
