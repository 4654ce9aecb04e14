// Recommendations in the closed loop on the local runtime: products into the catalog, the
// shoppers' history through the pipeline into the archive, a product model trained from it and
// served, then sessions that ask GET /api/recommendations, click by the truth and reward: CTR
// from actual clicks, every click rewarded and every list logged as a 'recommendations' decision,
// and the served lists well above a random list and below the oracle's.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { CosmosClient } from '@azure/cosmos';
import type { LocalRuntime } from '../../../tools/local/localRuntime';
import { startDemoStack, type DemoStack } from '../../../tools/demo/demoStack';
import { readLoggedEvents } from '../../../src/training/offers/readLoggedEvents';
import { runProductTraining } from '../../../src/training/products/runProductTraining';
import { createWorld } from '../../../tools/simulator/simWorld';
import type { ShopApi } from '../../../tools/simulator/shopApi';
import { seedCatalog, seedProducts, sendHistory } from '../../../tools/simulator/seedShop';
import { fetchPopularList } from '../../../tools/simulator/recommendationSlot';
import { runTraffic } from '../../../tools/simulator/traffic';
import { waitForPipeline } from '../../../tools/demo/pipelineDrain';
import { waitForProductModel } from '../../../tools/demo/modelServed';

const appRoot = path.resolve(__dirname, '..', '..', '..');

describe('recommendations in a small closed loop on the local runtime', () => {
  const world = createWorld({ seed: 11, users: 150, offers: 6, products: 96, newShare: 0.1 });
  let stack: DemoStack;
  let runtime: LocalRuntime;
  let api: ShopApi;

  beforeAll(async () => {
    stack = await startDemoStack({
      appRoot,
      eventHubPartitions: 2,
      overrides: {
        ProductModelPollSeconds: '1',
        ProductCatalogCacheSeconds: '1',
        RankingRewardWaitSeconds: '3',
        AggregationWindowsMinutes: '1440',
        'AzureWebJobs.retrainModel.Disabled': 'true',
        'AzureWebJobs.retrainProducts.Disabled': 'true',
      },
    });
    ({ runtime, api } = stack);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('serves a model trained on the shoppers’ history, and measures its CTR from actual clicks', async () => {
    const blobs = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage);
    const archive = blobs.getContainerClient('archive');
    expect(await seedCatalog(world, api)).toBe(6);
    expect(await seedProducts(world, api)).toBe(96);
    await sendHistory(world, api);
    await waitForPipeline(runtime.env, { timeoutMs: 90_000 });
    const trained = await runProductTraining({ archive: { container: archive }, registry: blobs.getContainerClient('models') });
    expect(trained.status).toBe('promoted');
    const returning = world.users.find((u) => !u.isNew)!;
    await waitForProductModel(api, returning.id, 30_000);

    const popular = await fetchPopularList(api, world.catalog, 4);
    expect(popular).toHaveLength(4);
    const trafficStart = Date.now();
    const traffic = await runTraffic(world, api, {
      decisions: 200,
      concurrency: 8,
      regulars: world.users.filter((u) => !u.isNew),
      label: 'rec-test',
      recommendations: { share: 1, n: 4, popular },
    });
    const rec = traffic.recommendations!;
    const s = rec.tally.summary();
    expect(rec.errors).toBe(0);
    expect(s.decisions).toBe(traffic.sessions);
    expect(s.sources.model).toBe(s.decisions); // every shopper here has a history in the model
    expect(s.clicks).toBeGreaterThan(5);
    expect(s.observedCtr).toBe(s.clicks / s.decisions);
    expect(rec.rewardsSent).toBe(s.clicks);
    // The truth says how good the served lists were: personalised from the history, well above a
    // random list and the system's own popularity list, below the shopper's best list.
    expect(s.expectedCtr).toBeGreaterThan(1.5 * s.randomCtr);
    expect(s.expectedCtr).toBeGreaterThan(s.popularityCtr);
    expect(s.oracleCtr).toBeGreaterThan(s.expectedCtr);
    expect(s.oracleCtr).toBeGreaterThan(s.bestFixedCtr);

    // Every list was logged as a decision of source 'recommendations', every click as its reward.
    await new Promise((r) => setTimeout(r, 1000));
    await waitForPipeline(runtime.env, { timeoutMs: 90_000 });
    const log = await readLoggedEvents({ container: archive });
    const recDecisions = [...log.decisions.values()].filter((d) => d.source === 'recommendations' && d.issuedAtMs >= trafficStart);
    expect(recDecisions).toHaveLength(s.decisions);
    const rewarded = recDecisions.filter((d) => log.rewards.has(d.eventId));
    expect(rewarded).toHaveLength(s.clicks);

    // What Power BI reads: the aggregation counted the lists and their clicks under their source
    // (the signed event id carried it into the rewards). Decisions also include the probes above.
    const cosmos = new CosmosClient(runtime.env.CosmosDB);
    try {
      const container = cosmos.database(runtime.env.CosmosDatabaseName || 'personalization').container('aggregates');
      const { resources } = await container.items
        .query<{ source: string; decisions: number; positiveRewards: number; rewards: number }>("SELECT * FROM c WHERE c.kind = 'decisionSource' AND c.windowMinutes = 1440")
        .fetchAll();
      const recs = resources.filter((d) => d.source === 'recommendations');
      const sum = (f: (d: (typeof recs)[number]) => number) => recs.reduce((t, d) => t + f(d), 0);
      expect(sum((d) => d.decisions)).toBe([...log.decisions.values()].filter((d) => d.source === 'recommendations').length);
      expect(sum((d) => d.positiveRewards)).toBe(s.clicks);
      expect(sum((d) => d.rewards)).toBe(s.clicks);
      expect(resources.filter((d) => d.source === 'unknown')).toEqual([]);
      // The offer slots' decisions count under the rank API's source.
      expect(resources.filter((d) => d.source === 'rank').reduce((t, d) => t + d.decisions, 0)).toBe(traffic.decisions);
    } finally {
      cosmos.dispose();
    }
  }, 240_000);
});
