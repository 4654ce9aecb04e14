// The configuration, learning modes and multi-slot ranking through the real HTTP API: a change
// stored through one instance is served by another within its refresh time, with no read of the
// store on the rank path; Apprentice and LoggingOnly serve the baseline; multi-slot decisions never
// show an action twice and log each slot's propensity.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createCosmosClient } from '../../src/clients/cosmosClients';
import { IdKeyedStore } from '../../src/clients/idKeyedStore';
import { ConfigurationStore } from '../../src/ranking/configuration/configurationStore';
import { ConfigurationCache } from '../../src/ranking/configuration/configurationCache';
import { defaultConfiguration } from '../../src/ranking/configuration/serviceConfiguration';
import { Ranker } from '../../src/ranking/ranker';
import { apprenticeMetrics } from '../../src/ranking/configuration/apprenticeMetrics';
import { seededRandom } from '../../src/learners/epsilonGreedy';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { promoteRandomOfferModel, startRankingStack, type RankingStack } from './fixtures/rankingStack';

const actions = ['shoes', 'bags', 'hats', 'socks', 'belts', 'scarves'].map((category, i) => ({ id: `offer-${i}`, features: [{ category, price: 10 + i }] }));
const settingsDefaults = { exploration: 0.2, rewardWaitSeconds: 600, defaultReward: 0, rewardAggregation: 'earliest' as const };
const baseService = { rewardWaitTime: 'PT10M', defaultReward: 0, rewardAggregation: 'earliest', explorationPercentage: 0.2, modelExportFrequency: 'PT5M', logRetentionDays: -1 };

describe('Personalizer configuration, learning modes and multi-slot', () => {
  let stack: RankingStack;
  const api = (method: string, path: string, body?: unknown) => stack.personalizer(method, path, body);
  const decisionOf = (eventId: string) => stack.decisionOf(eventId);
  const secondInstance = (refreshMs: number) => {
    const client = createCosmosClient({ connectionString: stack.cosmos.connectionString });
    const documents = new IdKeyedStore(client.database('personalization'), 'personalizer');
    let reads = 0;
    const store = new ConfigurationStore(() => documents.container(), () => defaultConfiguration(settingsDefaults));
    const counting = { read: () => (reads++, store.read()) };
    const cache = new ConfigurationCache(counting, defaultConfiguration(settingsDefaults), { refreshMs });
    return { cache, reads: () => reads, close: () => (cache.stop(), client.dispose()) };
  };

  beforeAll(async () => {
    stack = await startRankingStack({
      beforeStart: promoteRandomOfferModel(11),
      env: { RankingConfigRefreshSeconds: '1' },
    });
  }, 60_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('stores a configuration change durably and serves it on another instance within its refresh time, with no store read per rank', async () => {
    const other = secondInstance(300);
    try {
      await other.cache.start();
      expect(other.cache.current.exploration).toBe(0.2);
      const put = await api('PUT', 'configurations/service', { ...baseService, explorationPercentage: 0.05, rewardWaitTime: 'PT20M' });
      expect(put.status).toBe(200);
      expect(put.json).toMatchObject({ explorationPercentage: 0.05, rewardWaitTime: 'PT20M', learningMode: 'Online' });
      const started = Date.now();
      while (other.cache.current.exploration !== 0.05) {
        expect(Date.now() - started).toBeLessThan(10_000);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(other.cache.current.rewardWaitSeconds).toBe(1200);
      expect(other.cache.current.policy.arguments).toContain('--epsilon 0.05');

      // The ranker reads the cached value: 200 ranks, no read beyond the background refresh.
      other.cache.stop();
      const logged: TrackedEvent[] = [];
      const ranker = new Ranker({
        settings: { signingKeys: [stack.signingKey], rewardMin: 0, rewardMax: 1 },
        configuration: () => other.cache.current,
        model: () => undefined,
        priors: () => ({ computedAt: new Date().toISOString(), strength: 20, globalRate: 0.1, offers: {}, segments: {} }),
        logDecision: (e) => void logged.push(e),
        random: seededRandom(3),
      });
      const readsBefore = other.reads();
      for (let i = 0; i < 200; i++) await ranker.rank({ contextFeatures: [], actions, excludedActions: new Set(), deferActivation: false, source: 'rank' });
      expect(other.reads()).toBe(readsBefore);
      expect(logged.every((e) => (e.decision as { epsilon: number; reward: { waitSeconds: number } }).epsilon === 0.05)).toBe(true);
      expect((logged[0].decision as { reward: { waitSeconds: number } }).reward.waitSeconds).toBe(1200);
    } finally {
      other.close();
    }
    // And through the API instance itself: exploration 0 makes every answer greedy.
    expect((await api('PUT', 'configurations/service', { ...baseService, explorationPercentage: 0 })).status).toBe(200);
    const ranked = await api('POST', 'rank', { actions });
    expect(ranked.json.ranking[0].probability).toBe(1);
    expect((await decisionOf(ranked.json.eventId)).epsilon).toBe(0);
  });

  it('refuses a bad configuration with 400 naming the field and keeps the stored one', async () => {
    const bad = await api('PUT', 'configurations/service', { ...baseService, explorationPercentage: 3 });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'BadRequest', target: 'explorationPercentage', innerError: { code: 'InvalidServiceConfiguration' } });
    const policy = await api('PUT', 'configurations/policy', { name: 'p', arguments: '--cb_explore_adf --epsilon nope' });
    expect(policy.status).toBe(400);
    expect(policy.json.error).toMatchObject({ target: 'arguments', innerError: { code: 'InvalidPolicyConfiguration' } });
    expect((await api('GET', 'configurations/service')).json.explorationPercentage).toBe(0);
  });

  it('takes Vowpal Wabbit learning settings: applies --epsilon, reports the rest as ignored, and resets', async () => {
    const put = await api('PUT', 'configurations/policy', { name: 'migrated', arguments: '--cb_explore_adf --epsilon 0.1 --dsjson --cb_type ips -l 0.5' });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: 'migrated', appliedArguments: ['--cb_explore_adf', '--epsilon 0.1', '--dsjson'] });
    expect(put.json.ignoredArguments).toHaveLength(2);
    expect((await api('GET', 'configurations/service')).json.explorationPercentage).toBe(0.1);
    const reset = await api('DELETE', 'configurations/policy');
    expect(reset.json).toMatchObject({ name: 'default', arguments: '--cb_explore_adf --epsilon 0.2 --dsjson' });
    expect((await api('GET', 'configurations/service')).json.explorationPercentage).toBe(0.2);
  });

  it('Apprentice serves the baseline (the first eligible action) with probability 1 and logs the learner beside it; LoggingOnly serves it without the learner', async () => {
    const modeChangeWithReward = await api('PUT', 'configurations/service', { ...baseService, learningMode: 'Apprentice', defaultReward: 0.5 });
    expect(modeChangeWithReward.status).toBe(400);
    expect(modeChangeWithReward.json.error.innerError.code).toBe('InvalidLearningModeServiceConfiguration');
    expect((await api('PUT', 'configurations/service', { ...baseService, learningMode: 'Apprentice' })).status).toBe(200);
    const ranked = await api('POST', 'rank', { actions, excludedActions: ['offer-0'] });
    expect(ranked.json.rewardActionId).toBe('offer-1');
    expect(ranked.json.ranking[0]).toEqual({ id: 'offer-1', probability: 1 });
    expect(ranked.json.ranking.slice(1).every((r: { probability: number }) => r.probability === 0)).toBe(true);
    const d = await decisionOf(ranked.json.eventId);
    expect(d).toMatchObject({ policy: 'baseline', learningMode: 'Apprentice', rewardActionId: 'offer-1', probability: 1, epsilon: 0, model: { version: 'v1' } });
    expect(actions.slice(1).map((a) => a.id)).toContain(d.learnerActionId);

    // The learner's comparison with the baseline, once written, is in the configuration.
    const metrics = apprenticeMetrics([{ issuedAtMs: Date.parse(d.issuedAt), baselineActionId: d.rewardActionId, learnerActionId: d.learnerActionId, reward: 1, learnerScore: 0.5 }])!;
    const client = createCosmosClient({ connectionString: stack.cosmos.connectionString });
    try {
      const documents = new IdKeyedStore(client.database('personalization'), 'personalizer');
      await new ConfigurationStore(() => documents.container(), () => defaultConfiguration(settingsDefaults)).writeApprenticeMetrics({ ...metrics });
    } finally {
      client.dispose();
    }
    expect((await api('GET', 'configurations/service')).json.latestApprenticeModeMetrics).toEqual(metrics);

    expect((await api('PUT', 'configurations/service', { ...baseService, learningMode: 'LoggingOnly' })).status).toBe(200);
    const logged = await api('POST', 'rank', { actions });
    expect(logged.json.rewardActionId).toBe('offer-0');
    expect(await decisionOf(logged.json.eventId)).toMatchObject({ policy: 'baseline', learningMode: 'LoggingOnly', model: null });
    expect((await api('PUT', 'configurations/service', { ...baseService, learningMode: 'Online' })).status).toBe(200);
  });

  it('multi-slot: never one action twice, exclusions kept, per-slot propensities logged, rewards per slot', async () => {
    const slots = [
      { id: 'hero', baselineAction: 'offer-2', excludedActions: ['offer-0'], features: [{ size: 'large' }] },
      { id: 'side', baselineAction: 'offer-0' },
      { id: 'footer', baselineAction: 'offer-5', excludedActions: ['offer-1', 'offer-3'] },
    ];
    for (let i = 0; i < 30; i++) {
      const ranked = await api('POST', 'multislot/rank', { actions, slots });
      expect(ranked.status).toBe(201);
      const chosen = ranked.json.slots.map((s: { rewardActionId: string }) => s.rewardActionId);
      expect(ranked.json.slots.map((s: { id: string }) => s.id)).toEqual(['hero', 'side', 'footer']);
      expect(new Set(chosen).size).toBe(3);
      expect(chosen[0]).not.toBe('offer-0');
      expect(['offer-1', 'offer-3']).not.toContain(chosen[2]);
    }
    const ranked = await api('POST', 'multislot/rank', { actions, slots, eventId: 'layout-1' });
    expect(ranked.json.eventId).toBe('layout-1');
    const d = await decisionOf('layout-1');
    expect(d.slots).toHaveLength(3);
    for (const [i, s] of (d.slots as { id: string; rewardActionId: string; probability: number; baselineActionId: string; scores: number[] }[]).entries()) {
      expect(s.id).toBe(slots[i].id);
      expect(s.rewardActionId).toBe(ranked.json.slots[i].rewardActionId);
      expect(s.probability).toBeGreaterThan(0);
      expect(s.probability).toBeLessThanOrEqual(1);
      expect(s.baselineActionId).toBe(slots[i].baselineAction);
      expect(s.scores).toHaveLength(actions.length);
    }
    // One batched model run scores every slot as a single-slot rank with the slot's features in the context would.
    expect(d.model).toMatchObject({ version: 'v1' });
    const heroAlone = await api('POST', 'rank', { contextFeatures: [{ size: 'large' }], actions, excludedActions: ['offer-0'] });
    const heroScores = (await decisionOf(heroAlone.json.eventId)).actions.map((a: { score: number }) => a.score);
    expect(d.slots[0].scores.map((v: number) => Math.fround(v))).toEqual(heroScores.map((v: number) => Math.fround(v)));

    const rewarded = await api('POST', 'multislot/events/layout-1/reward', { reward: [{ slotId: 'hero', value: 1 }, { slotId: 'footer', value: 0.5 }] });
    expect(rewarded.status).toBe(204);
    expect((await api('POST', 'multislot/events/layout-1/activate')).status).toBe(204);
    // A request's events of one key travel as one envelope message (an array body).
    const slotRewards = (all: { body: TrackedEvent | TrackedEvent[] }[]) =>
      all.flatMap((e) => (Array.isArray(e.body) ? e.body : [e.body])).filter((b) => b.type === 'reward' && (b.decision as { eventId?: string }).eventId === 'layout-1');
    const events = await stack.waitForEvents((all) => slotRewards(all).length === 2);
    const rewards = slotRewards(events).map((b) => [(b.decision as { slotId: string }).slotId, b.value]);
    expect(rewards.sort()).toEqual([['footer', 0.5], ['hero', 1]]);

    const bad = await api('POST', 'multislot/rank', { actions, slots: [{ id: 'a', baselineAction: 'offer-0' }, { id: 'b', baselineAction: 'offer-0' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ target: 'slots[1].baselineAction', innerError: { code: 'InvalidRankRequest' } });
    const excludedBaseline = await api('POST', 'multislot/rank', { actions, slots: [{ id: 'a', baselineAction: 'offer-0', excludedActions: ['offer-0'] }] });
    expect(excludedBaseline.json.error.target).toBe('slots[0].baselineAction');
    const badReward = await api('POST', 'multislot/events/layout-1/reward', { reward: [{ slotId: 'hero', value: 7 }] });
    expect(badReward.json.error.target).toBe('reward[0].value');
  });

  it('multi-slot in Apprentice mode serves each slot its baseline', async () => {
    expect((await api('PUT', 'configurations/service', { ...baseService, learningMode: 'Apprentice' })).status).toBe(200);
    const ranked = await api('POST', 'multislot/rank', { actions, slots: [{ id: 'a', baselineAction: 'offer-4' }, { id: 'b', baselineAction: 'offer-1' }] });
    expect(ranked.json.slots).toEqual([{ id: 'a', rewardActionId: 'offer-4' }, { id: 'b', rewardActionId: 'offer-1' }]);
    const d = await decisionOf(ranked.json.eventId);
    expect(d.slots.map((s: { probability: number }) => s.probability)).toEqual([1, 1]);
    expect((await api('PUT', 'configurations/service', { ...baseService, learningMode: 'Online' })).status).toBe(200);
  });
});
