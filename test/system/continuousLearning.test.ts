// Continuous learning through the local host, as `npm start` runs it: nobody trains by hand. The
// retrainModel timer ticks every minute; with ModelUpdateFrequency PT1M it trains on the traffic's
// decisions once their reward wait is over, promotes, and the ranker serves the new model within
// a minute of the promotion.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/models/modelRegistry';
import { readLearningState, type LearningState } from '../../src/training/continuousLearning/learningState';
import { waitForModelVersion } from '../../tools/demo/modelServed';
import { waitForPipeline } from '../../tools/demo/pipelineDrain';
import { startDemoStack, type DemoStack } from '../../tools/demo/demoStack';
import { seedCatalog, sendHistory } from '../../tools/simulator/seedShop';
import { createWorld } from '../../tools/simulator/simWorld';
import { runTraffic } from '../../tools/simulator/traffic';

const appRoot = path.resolve(__dirname, '..', '..');

describe('continuous learning on the local host', () => {
  const world = createWorld({ seed: 11, users: 150, offers: 6 });
  let stack: DemoStack;

  beforeAll(async () => {
    stack = await startDemoStack({
      appRoot,
      eventHubPartitions: 2,
      overrides: {
        'AzureWebJobs.retrainModel.Disabled': 'false',
        ModelUpdateFrequency: 'PT1M',
        RankingRewardWaitSeconds: '2',
        RankingModelPollSeconds: '2',
        // The loop's mechanics, not the model's quality: small gates, promotion whatever the estimate.
        RetrainMinDecisions: '200',
        RetrainMinPositives: '10',
        RetrainPolicyValueMargin: '1',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('trains, promotes and serves a model from the traffic with no manual step', async () => {
    const { api, runtime, models } = stack;
    await seedCatalog(world, api);
    await sendHistory(world, api);
    const traffic = await runTraffic(world, api, { decisions: 1000, concurrency: 8, regulars: world.users.filter((u) => !u.isNew), label: 'continuous' });
    expect(traffic.rankErrors).toBe(0);
    // A tick may already train on the traffic's first decisions while it runs: no fixed split of versions.
    expect(traffic.decisions).toBe(1000);
    await new Promise((r) => setTimeout(r, 1000));
    await waitForPipeline(runtime.env, { timeoutMs: 90_000 });

    // At most two ticks: one may have come before the traffic reached the archive.
    const deadline = Date.now() + 180_000;
    let state: LearningState | undefined;
    for (;;) {
      state = (await readLearningState(models, 'offer-ranker')).state;
      if (state && state.promotions > 0) break;
      if (Date.now() > deadline) throw new Error(`no model promoted by continuous learning within 3 minutes; learning state: ${JSON.stringify(state)}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(state.window!.decisions).toBeGreaterThan(0);
    // The promoted model (a later tick may have registered or promoted another meanwhile).
    const current = await new ModelRegistry(models).readCurrent('offer-ranker');
    expect(current).toBeDefined();
    const servedAfter = await waitForModelVersion(api, world, current!.version, 60_000);
    expect(servedAfter).toBeLessThan(60);
    const after = await runTraffic(world, api, { decisions: 50, concurrency: 5, regulars: world.users, label: 'continuous-2' });
    expect(Object.keys(after.modelVersions)).not.toContain('priors');
  }, 300_000);
});
