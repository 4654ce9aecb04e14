// Apprentice mode end to end through the host and the configuration API: shoppers get the client's
// baseline while the learner trains; each continuous-learning run (wired as the retrainModel timer
// wires it) adds the new apprentice decisions to latestApprenticeModeMetrics, which GET
// configurations/service shows, and with --auto_online_margin the learner switches the resource to
// Online once it beats the baseline over enough events, recording why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureClients } from '../../../src/clients/azureClients';
import { appServices } from '../../../src/app/appServices';
import { ArchiveWriter } from '../../../src/archive/archiveWriter';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { learningTick } from '../../../src/training/continuousLearning/learningCycle';
import { accumulate, autoOnlineVerdict, type ApprenticeModeMetrics } from '../../../src/training/continuousLearning/apprenticeProgress';
import { seededRandom } from '../../../src/learners/epsilonGreedy';
import { archiveTrackedEvents } from '../../../tools/synthetic/decisions/archiveTrackedEvents';
import { startRankingStack, type RankingStack } from '../../ranking/fixtures/rankingStack';

const MINUTE = 60_000;
const baseService = { rewardWaitTime: 'PT10M', defaultReward: 0, rewardAggregation: 'earliest', explorationPercentage: 0.2, modelExportFrequency: 'PT5M', logRetentionDays: -1 };
// Three offers by level; a visitor of tier t clicks the offer of level t 3 times in 4, others 1 in 10.
const actions = [0, 1, 2].map((level) => ({ id: `offer-${level}`, features: [{ level }] }));
const clickRate = (tier: number, actionId: string) => (actionId === `offer-${tier}` ? 0.75 : 0.1);

describe('Apprentice mode: metrics and the automatic switch to Online', () => {
  let stack: RankingStack;
  let writer: ArchiveWriter;
  let next: Record<string, number> = {};
  const random = seededRandom(17);
  const api = (method: string, path: string, body?: unknown) => stack.personalizer(method, path, body);
  const env = () => ({ ...(process.env as Record<string, string>) });
  // As functions/retrainModel.ts wires it, at a clock `aheadMs` past now (the rewards have waited).
  const tick = (aheadMs: number, logs: string[]) => {
    const store = appServices().ranking().configurationStore;
    return learningTick({
      app: new AzureClients(env()),
      env: env(),
      log: (m) => logs.push(m),
      now: () => new Date(Date.now() + aheadMs),
      learningConfig: () => store.learningConfig(300),
      apprentice: store,
    });
  };

  /** `n` rank calls with the client's own order (its current logic: a shuffle), a reward for each click; archived. */
  const traffic = async (n: number) => {
    const ids: string[] = [];
    let clicks = 0;
    for (let i = 0; i < n; i++) {
      const tier = Math.floor(random() * 3);
      const order = [...actions].sort(() => random() - 0.5);
      const ranked = await api('POST', 'rank', { contextFeatures: [{ visitor: { tier } }], actions: order });
      expect(ranked.status).toBe(201);
      // Apprentice: the client's first action is what the shopper gets.
      expect(ranked.json.rewardActionId).toBe(order[0].id);
      ids.push(ranked.json.eventId);
      if (random() < clickRate(tier, ranked.json.rewardActionId)) {
        clicks++;
        expect((await api('POST', `events/${encodeURIComponent(ranked.json.eventId)}/reward`, { value: 1 })).status).toBe(204);
      }
    }
    const wanted = new Set(ids);
    const received = await stack.waitForEvents((all) => {
      const decisions = all.filter((e) => e.body.type === 'decision' && wanted.has((e.body.decision as { eventId: string }).eventId)).length;
      const rewards = all.filter((e) => e.body.type === 'reward' && wanted.has((e.body.decision as { eventId: string }).eventId)).length;
      return decisions === n && rewards === clicks;
    }, 60_000);
    const events = received.map((e) => e.body).filter((b) => wanted.has((b.decision as { eventId: string } | undefined)?.eventId ?? ''));
    next = await archiveTrackedEvents(writer, events as TrackedEvent[], { partitions: 2, firstSequence: next });
    const decisions = events.filter((e) => e.type === 'decision').map((e) => e.decision as { rewardActionId: string; learnerActionId: string; eventId: string });
    const imitated = decisions.filter((d) => d.learnerActionId === d.rewardActionId).length;
    return { clicks, imitated };
  };

  beforeAll(async () => {
    stack = await startRankingStack({ env: { RankingConfigRefreshSeconds: '1', RetrainMinDecisions: '200', RetrainMinPositives: '20', ModelsContainer: 'models' } });
    const archive = new AzureClients(env()).archiveContainer('archive');
    await archive.createIfNotExists();
    writer = new ArchiveWriter(archive, { windowMinutes: 60 });
  }, 60_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('accumulates a period without counting a decision twice, and starts afresh after it ended', () => {
    const at = (m: number) => ({ issuedAtMs: Date.UTC(2026, 0, 1, 0, m), baselineActionId: 'a', reward: m % 2 });
    const first = accumulate(undefined, [{ ...at(1), learnerActionId: 'a' }, { ...at(2), learnerActionId: 'b', learnerScore: 0.5 }], null)!;
    expect(first).toMatchObject({ numberOfEvents: 2, sumOfRewards: 1, numberOfImitatedEvents: 1, sumOfImitatedRewards: 1, sumOfLearnerEstimatedRewards: 1.5, lastBatchMetrics: { numberOfEvents: 2 } });
    const second = accumulate(first, [{ ...at(3), learnerActionId: 'b' }], null)!;
    expect(second).toMatchObject({ numberOfEvents: 3, sumOfRewards: 2, startTime: first.startTime, learnerEstimatedAverageReward: null, lastBatchMetrics: { numberOfEvents: 1, sumOfRewards: 1 } });
    const fresh = accumulate({ ...second, endedAt: second.endTime }, [{ ...at(9), learnerActionId: 'a' }], null)!;
    expect(fresh).toMatchObject({ numberOfEvents: 1, startTime: new Date(at(9).issuedAtMs).toISOString() });
    const evaluation = { modelVersion: 'v', decisions: 100, learnerValue: 0.3, baselineValue: 0.25, estimatedLift: 0.05, evaluatedAt: '' };
    const verdict = (m: ApprenticeModeMetrics, margin: number) => autoOnlineVerdict(m, evaluation, { margin, minEvents: 3 }, new Date(0)).decision;
    expect(verdict(first, 0.01)).toBe('waiting');
    expect(verdict(second, 0.1)).toBe('waiting');
    expect(verdict(second, 0.05)).toBe('switched');
    expect(autoOnlineVerdict(second, null, { margin: 0, minEvents: 1 }, new Date(0)).reason).toMatch(/evaluated no model/);
  });

  it('closes an open Apprentice period when the operator chose LoggingOnly, so the next period starts afresh', async () => {
    let stored: Record<string, unknown> | undefined = { ...accumulate(undefined, [{ issuedAtMs: 0, baselineActionId: 'a', learnerActionId: 'a', reward: 1 }], null)! };
    const store = {
      apprenticeMetrics: async () => stored,
      writeApprenticeMetrics: async (m: Record<string, unknown>) => void (stored = m),
      switchApprenticeToOnline: async () => false,
    };
    const at = new Date(Date.UTC(2026, 0, 2));
    const tick = await learningTick({ app: new AzureClients({}), env: {}, log: () => {}, now: () => at, learningConfig: async () => ({ modelUpdateFrequencySeconds: 300, learningMode: 'LoggingOnly' }), apprentice: store });
    expect(tick.ran).toBe(false);
    expect(stored).toMatchObject({ numberOfEvents: 1, endedAt: at.toISOString() });
  });

  it('reports the learner against the baseline in GET configurations/service and switches to Online once it wins by the margin', async () => {
    expect((await api('PUT', 'configurations/service', { ...baseService, learningMode: 'Apprentice' })).status).toBe(200);
    expect((await api('PUT', 'configurations/service', { ...baseService, learningMode: 'Apprentice', rewardWaitTime: 'PT5S' })).status).toBe(200);
    // Opted in, but asking for more events than the first batch has.
    const policy = await api('PUT', 'configurations/policy', { name: 'apprentice', arguments: '--cb_explore_adf --epsilon 0.2 --auto_online_margin 0.1 --auto_online_min_events 5000' });
    expect(policy.json.appliedArguments).toEqual(['--cb_explore_adf', '--epsilon 0.2', '--auto_online_margin 0.1', '--auto_online_min_events 5000']);

    const b1 = await traffic(600);
    const logs: string[] = [];
    const t1 = await tick(MINUTE, logs);
    if (!t1.ran) throw new Error(t1.reason);
    expect(t1.result.status).toBe('promoted');
    const m1 = (await api('GET', 'configurations/service')).json;
    expect(m1.learningMode).toBe('Apprentice');
    expect(m1.latestApprenticeModeMetrics).toMatchObject({
      numberOfEvents: 600,
      sumOfRewards: b1.clicks,
      numberOfImitatedEvents: b1.imitated,
      lastBatchMetrics: { numberOfEvents: 600, sumOfRewards: b1.clicks },
      autoOnline: { decision: 'waiting', reason: '600 of the 5000 apprentice events needed have been compared', margin: 0.1, minEvents: 5000 },
      latestEvaluation: { modelVersion: t1.result.version },
    });
    expect(m1.latestApprenticeModeMetrics.baselineAverageReward).toBeCloseTo(b1.clicks / 600, 12);
    // Trained on the baseline's varied choices, the model already knows which level suits which tier.
    expect(m1.latestApprenticeModeMetrics.latestEvaluation.estimatedLift).toBeGreaterThan(0.1);
    expect(logs).toContain('retrainModel: apprentice → Online: waiting: 600 of the 5000 apprentice events needed have been compared');

    // The served model now makes the learner's choices; fewer events needed.
    const version = t1.result.version!;
    const probe = async () => (await api('POST', 'rank', { contextFeatures: [{ visitor: { tier: 0 } }], actions })).json.eventId as string;
    const started = Date.now();
    for (;;) {
      const id = await probe();
      await stack.waitForEvents((all) => all.some((x) => x.body.type === 'decision' && (x.body.decision as { eventId: string }).eventId === id));
      const d = stack.received.find((x) => x.body.type === 'decision' && (x.body.decision as { eventId: string }).eventId === id)!.body.decision as { model: { version: string } | null };
      if (d.model?.version === version) break;
      expect(Date.now() - started).toBeLessThan(20_000);
      await new Promise((r) => setTimeout(r, 200));
    }
    await api('PUT', 'configurations/policy', { name: 'apprentice', arguments: '--cb_explore_adf --epsilon 0.2 --auto_online_margin 0.1 --auto_online_min_events 1000' });
    const b2 = await traffic(600);
    const t2 = await tick(6 * MINUTE + MINUTE, logs);
    if (!t2.ran) throw new Error(t2.reason);
    const m2 = (await api('GET', 'configurations/service')).json;
    expect(m2.learningMode).toBe('Online');
    const metrics = m2.latestApprenticeModeMetrics;
    // Both batches once each (the window re-read the first: it was not counted again).
    expect(metrics).toMatchObject({ numberOfEvents: 1200, sumOfRewards: b1.clicks + b2.clicks, numberOfImitatedEvents: b1.imitated + b2.imitated, lastBatchMetrics: { numberOfEvents: 600 } });
    expect(metrics.autoOnline.decision).toBe('switched');
    expect(metrics.autoOnline.reason).toMatch(/^the learner beats the baseline over 1200 events: model \S+ on \d+ held-out decisions: .* \(lift \+0\.\d+, margin 0\.1\)$/);
    expect(metrics.endedAt).toBeDefined();
    expect(logs.some((l) => l.startsWith('retrainModel: apprentice → Online: switched: the learner beats the baseline'))).toBe(true);
    // The learner explores again: this instance serves Online within its refresh.
    const until = Date.now() + 10_000;
    for (;;) {
      const ranked = await api('POST', 'rank', { contextFeatures: [{ visitor: { tier: 2 } }], actions });
      if (ranked.json.ranking[0].probability < 1) break;
      expect(Date.now()).toBeLessThan(until);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 240_000);
});
