// A model registry as the dashboard expects to find it, and campaign plans made by the real plan job.
import type { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { CAMPAIGN_PLANS_CONTAINER } from '../../src/dashboard/campaignPlanSummary';
import { ensureCampaignContainers } from '../../src/campaign/data/campaignContainers';
import { importCampaignData } from '../../src/campaign/data/importCampaignData';
import { openCampaignModel } from '../../src/campaign/model/campaignModel';
import { capacityNodes } from '../../src/campaign/plan/capacityNodes';
import { contactEconomics } from '../../src/campaign/plan/contactEconomics';
import { cosmosLeadSource } from '../../src/campaign/plan/leadSource';
import { capacityRule } from '../../src/campaign/plan/planCampaign';
import type { PlanDocument } from '../../src/campaign/plan/planDocuments';
import { runCampaignPlan } from '../../src/campaign/plan/runCampaignPlan';
import { sha256Hex } from '../../src/models/modelRegistry';
import { trainCampaignModel } from '../../src/training/campaign/trainCampaignModel';
import { campaignDataToCsv } from '../../tools/synthetic/campaign/campaignCsv';
import { generateCampaignData } from '../../tools/synthetic/campaign/generateCampaignData';

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

/**
 * Campaign plans written by the real plan job (runCampaignPlan) from a small trained campaign
 * model into `campaignPlans` of the database, beside the campaign definitions the import writes:
 * the dashboard is tested against what the job writes, not against documents made by hand.
 * Returns the plan documents, oldest first.
 */
export async function seedCampaignPlans(client: CosmosClient, database: string): Promise<PlanDocument[]> {
  await ensureCampaignContainers(client, database);
  const db = client.database(database);
  const plans = db.container(CAMPAIGN_PLANS_CONTAINER);
  const data = generateCampaignData({ leads: 150, touches: 3000, seed: 3, days: 28 });
  const trained = await trainCampaignModel(data, { gbdt: { nEstimators: 15, earlyStoppingRounds: 0 } });
  const model = await openCampaignModel(trained.result.onnx, { ...trained.manifest, name: 'campaign', version: 'v-seed', sha256: sha256Hex(trained.result.onnx) });
  const csv = campaignDataToCsv(data);
  await importCampaignData({ leads: csv.leads, campaigns: csv.campaigns }, { leads: db.container('leads'), plans });
  const written: PlanDocument[] = [];
  const limits = { call: { limit: 2, per: 'slot' as const } };
  try {
    for (const campaign of data.campaigns.slice(0, 3)) {
      const result = await runCampaignPlan({
        model, engine: 'trees', leads: cosmosLeadSource(db.container('leads')), plans,
        campaign: { campaignId: campaign.campaignId, name: campaign.name, product: campaign.product },
        economics: contactEconomics(campaign, { '*': 500 }, { email: 0.05, sms: 0.2, call: 5 }),
        capacity: capacityNodes(limits), capacityRule: capacityRule(limits),
      });
      written.push(result.plan);
    }
  } finally {
    await model.release();
  }
  return written;
}
