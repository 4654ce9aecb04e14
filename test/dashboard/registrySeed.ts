// A model registry and campaign plans as the dashboard expects to find them.
import type { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { CAMPAIGN_PLANS_CONTAINER } from '../../src/dashboard/campaignPlanSummary';

async function putJson(blobs: BlobServiceClient, container: string, name: string, value: unknown): Promise<void> {
  const client = blobs.getContainerClient(container);
  await client.createIfNotExists();
  const body = typeof value === 'string' ? value : JSON.stringify(value);
  await client.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' } });
}

/**
 * ranker: current → v3 with metrics and off-policy estimates in the manifest (v2 is older);
 * scorer: estimates in report.json; draft: a pointer to a version without a manifest.
 */
export async function seedModelRegistry(connectionString: string, container: string): Promise<void> {
  const blobs = BlobServiceClient.fromConnectionString(connectionString);
  await putJson(blobs, container, 'ranker/v2/manifest.json', { version: 'v2', metrics: { auc: 0.61 } });
  await putJson(blobs, container, 'ranker/v3/manifest.json', {
    version: 'v3',
    createdAt: '2025-03-05T06:00:00Z',
    metrics: { auc: 0.734, logLoss: 0.412, trainingEvents: 182340, features: { count: 42 } },
    offPolicy: [
      { estimator: 'IPS', policy: 'v3', value: 0.0812, ci: [0.074, 0.088], samples: 50000 },
      { estimator: 'SNIPS', policy: 'v3', value: 0.0795, lower: 0.075, upper: 0.084 },
      { estimator: 'DR', policy: 'v3', value: 0.0801 },
    ],
  });
  await putJson(blobs, container, 'ranker/current', { version: 'v3', updatedAt: '2025-03-05T06:05:00Z' });
  await putJson(blobs, container, 'scorer/2025-03-01/manifest.json', { metrics: { rmse: 1.9 } });
  await putJson(blobs, container, 'scorer/2025-03-01/report.json', { offPolicy: { ips: 0.051, dm: { estimate: 0.049, interval: [0.04, 0.058] } } });
  await putJson(blobs, container, 'scorer/current', '2025-03-01');
  await putJson(blobs, container, 'draft/current', { version: 'v1' });
}

export async function seedCampaignPlans(client: CosmosClient, database: string): Promise<void> {
  await client.databases.createIfNotExists({ id: database });
  const { container } = await client.database(database).containers.createIfNotExists({ id: CAMPAIGN_PLANS_CONTAINER, partitionKey: { paths: ['/campaignId'] } });
  const plans = [
    { id: 'spring-sale', campaignId: 'spring-sale', name: 'Spring sale', status: 'active', updatedAt: '2025-03-04T10:00:00Z', budget: 12000, arms: ['a', 'b', 'c'], expectedLift: 0.042 },
    { id: 'free-shipping', campaignId: 'free-shipping', status: 'draft', updatedAt: '2025-03-05T09:00:00Z', budget: 3000, channels: ['email'] },
    { id: 'winter', campaignId: 'winter', name: 'Winter clearance', status: 'finished', updatedAt: '2025-01-20T08:00:00Z', nested: { ignored: true } },
  ];
  for (const plan of plans) await container.items.upsert(plan);
}
