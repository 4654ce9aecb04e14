// The Cosmos DB containers of campaign optimization (infra/app/cosmos.bicep declares the same):
// `leads` (one document per lead, partitioned by /leadId) and `campaignPlans` (campaign
// definitions and plans, partitioned by /campaignId). Locally they are created on first use.
import type { CosmosClient, Database } from '@azure/cosmos';

export const LEADS_CONTAINER = 'leads';
export const CAMPAIGN_PLANS_CONTAINER = 'campaignPlans';

const statusOf = (error: unknown) => (error as { code?: unknown; statusCode?: unknown } | null)?.statusCode ?? (error as { code?: unknown } | null)?.code;

async function ensure(db: Database, id: string, path: string): Promise<void> {
  try {
    await db.containers.createIfNotExists({ id, partitionKey: { paths: [path] } });
  } catch (error) {
    // 403: Entra ID data-plane roles may not create; the infra has created it in Azure.
    if (statusOf(error) !== 403) throw error;
    await db.container(id).read();
  }
}

export async function ensureCampaignContainers(client: CosmosClient, databaseName: string, names = { leads: LEADS_CONTAINER, plans: CAMPAIGN_PLANS_CONTAINER }): Promise<void> {
  try {
    await client.databases.createIfNotExists({ id: databaseName });
  } catch (error) {
    if (statusOf(error) !== 403) throw error;
  }
  const db = client.database(databaseName);
  await ensure(db, names.leads, '/leadId');
  await ensure(db, names.plans, '/campaignId');
}
