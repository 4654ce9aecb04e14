// The latest campaign plans: the plan documents (`kind: "plan"`) the campaign plan job writes to
// `campaignPlans` (partitioned by /campaignId; src/campaign/plan/planDocuments.ts, which this
// capability may not import: test/campaign/planJob.test.ts checks these names against the
// documents the real job writes). Campaign definitions and the per-lead and per-combination
// documents beside them are not plans and are not listed.
import type { Container } from '@azure/cosmos';
import { isNotFound } from './cosmosStatus';

export const CAMPAIGN_PLANS_CONTAINER = 'campaignPlans';

export interface CampaignPlanSummary {
  campaignId: string;
  name?: string;
  status?: string;
  updatedAt?: string;
  /** A few other top-level values, lists shown by their length. */
  highlights: Record<string, string | number | boolean>;
}

/** The plan document's fields the panel shows, in this order, when present. */
export const PLAN_SUMMARY_FIELDS = [
  'modelVersion', 'leads', 'contactedLeads', 'expectedConversions', 'expectedProfit', 'expectedRoi',
  'oneBestExpectedRoi', 'randomExpectedRoi', 'optimalityGap',
] as const;
export const PLAN_KIND = 'plan';

type Doc = Record<string, unknown>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 120) : undefined);

export function summarizePlan(doc: Doc): CampaignPlanSummary {
  const highlights: Record<string, string | number | boolean> = {};
  for (const key of PLAN_SUMMARY_FIELDS) {
    const value = doc[key];
    if (typeof value === 'number' && Number.isFinite(value)) highlights[key] = value;
    else if (typeof value === 'string' && value.length <= 80) highlights[key] = value;
  }
  const summary: CampaignPlanSummary = { campaignId: text(doc.campaignId) ?? text(doc.id) ?? '(unnamed)', highlights };
  const name = text(doc.name);
  if (name) summary.name = name;
  const status = text(doc.status);
  if (status) summary.status = status;
  const updatedAt = text(doc.updatedAt);
  if (updatedAt) summary.updatedAt = updatedAt;
  return summary;
}

/** The most recently updated plans; [] when the container does not exist yet. */
export async function readCampaignPlans(container: Container, limit = 10): Promise<CampaignPlanSummary[]> {
  const top = Math.max(1, Math.min(100, Math.floor(limit)));
  try {
    // updatedAt is indexed (infra/app/cosmos.bicep); every plan document has it.
    const query = { query: `SELECT TOP ${top} * FROM c WHERE c.kind = @kind ORDER BY c.updatedAt DESC`, parameters: [{ name: '@kind', value: PLAN_KIND }] };
    const docs = (await container.items.query<Doc>(query).fetchAll()).resources;
    return docs.map(summarizePlan);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
