// The latest campaign plans (Cosmos DB container `campaignPlans`, partitioned by /campaignId),
// summarized without assuming more of their shape than campaignId, status and updatedAt.
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

const MAX_HIGHLIGHTS = 6;
const SHOWN_APART = new Set(['id', 'campaignId', 'name', 'title', 'status', 'updatedAt', 'createdAt', 'ttl', 'kind', 'schemaVersion']);

type Doc = Record<string, unknown>;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 120) : undefined);

export function summarizePlan(doc: Doc): CampaignPlanSummary {
  const highlights: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (Object.keys(highlights).length >= MAX_HIGHLIGHTS) break;
    if (key.startsWith('_') || SHOWN_APART.has(key)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) highlights[key] = value;
    else if (typeof value === 'boolean') highlights[key] = value;
    else if (typeof value === 'string' && value.length <= 80) highlights[key] = value;
    else if (Array.isArray(value)) highlights[key] = `${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  }
  const summary: CampaignPlanSummary = { campaignId: text(doc.campaignId) ?? text(doc.id) ?? '(unnamed)', highlights };
  const name = text(doc.name) ?? text(doc.title);
  if (name) summary.name = name;
  const status = text(doc.status);
  if (status) summary.status = status;
  const updatedAt = text(doc.updatedAt) ?? text(doc.createdAt);
  if (updatedAt) summary.updatedAt = updatedAt;
  return summary;
}

/** The most recently updated plans; [] when the container does not exist yet. */
export async function readCampaignPlans(container: Container, limit = 10): Promise<CampaignPlanSummary[]> {
  const top = Math.max(1, Math.min(100, Math.floor(limit)));
  try {
    // updatedAt is indexed (infra/app/cosmos.bicep); a plan without it sorts last.
    const docs = (await container.items.query<Doc>(`SELECT TOP ${top} * FROM c ORDER BY c.updatedAt DESC`).fetchAll()).resources;
    return docs.map(summarizePlan);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
