// SquareCB selected in the learning settings (--squarecb --gamma_scale --gamma_exponent): the
// settings round-trip through the configuration API and the running instance serves with them at
// once (no restart); single- and multi-slot decisions log the exact probability of what was served,
// which the ranker's choices follow empirically.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Ranker, type RankerConfiguration } from '../../src/ranking/ranker';
import { seededRandom } from '../../src/learners/epsilonGreedy';
import { squareCb, squareCbGamma } from '../../src/learners/squareCb';
import { parsePolicyArguments } from '../../src/ranking/configuration/policyArguments';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { promoteRandomOfferModel, startRankingStack, type RankingStack } from './fixtures/rankingStack';

const actions = ['shoes', 'bags', 'hats', 'socks', 'belts', 'scarves'].map((category, i) => ({ id: `offer-${i}`, features: [{ category, price: 10 + i }] }));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
// The fixture model's manifest says it learnt from 100 000 decisions.
const TRAINED = 100_000;

describe('SquareCB exploration from the learning settings', () => {
  let stack: RankingStack;
  const api = (method: string, path: string, body?: unknown) => stack.personalizer(method, path, body);
  const decisionOf = (eventId: string) => stack.decisionOf(eventId);

  beforeAll(async () => {
    stack = await startRankingStack({
      beforeStart: promoteRandomOfferModel(5),
      env: { RankingConfigRefreshSeconds: '1' },
    });
  }, 60_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('parses --squarecb with VW defaults, applies --gamma_* only with it, and names a bad value', () => {
    const on = parsePolicyArguments('--cb_explore_adf --squarecb --epsilon 0.2 -l 0.5');
    expect(on).toMatchObject({ ok: true, options: { squareCb: { gammaScale: 10, gammaExponent: 0.5 }, applied: ['--cb_explore_adf', '--squarecb'] } });
    if (on.ok) expect(on.options.ignored).toEqual(expect.arrayContaining([expect.stringMatching(/^-l 0.5/), expect.stringMatching(/^--epsilon 0.2: --squarecb explores instead/)]));
    const off = parsePolicyArguments('--cb_explore_adf --gamma_scale 5');
    expect(off).toMatchObject({ ok: true, options: { applied: ['--cb_explore_adf'], ignored: ['--gamma_scale 5: applies only with --squarecb'] } });
    if (off.ok) expect(off.options.squareCb).toBeUndefined();
    expect(parsePolicyArguments('--squarecb --gamma_exponent -1')).toEqual({ ok: false, message: '--gamma_exponent must be a number ≥ 0, got "-1"' });
  });

  it('round-trips through the configuration API and serves SquareCB at once, logging the exact probability of the served action', async () => {
    const args = '--cb_explore_adf --squarecb --gamma_scale 2 --gamma_exponent 0.25 --dsjson -q ab';
    const put = await api('PUT', 'configurations/policy', { name: 'adaptive', arguments: args });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ name: 'adaptive', arguments: args, appliedArguments: ['--cb_explore_adf', '--squarecb', '--gamma_scale 2', '--gamma_exponent 0.25', '--dsjson'] });
    expect(put.json.ignoredArguments).toEqual(['-q ab: feature interactions are learned by the trees']);
    expect((await api('GET', 'configurations/policy')).json).toMatchObject({ name: 'adaptive', arguments: args, appliedArguments: put.json.appliedArguments });

    const gamma = squareCbGamma(TRAINED, 2, 0.25);
    const ranked = await api('POST', 'rank', { actions, excludedActions: ['offer-3'] });
    expect(ranked.status).toBe(201);
    const d = await decisionOf(ranked.json.eventId);
    expect(d).toMatchObject({ policy: 'squarecb', epsilon: 0, learningMode: 'Online', model: { version: 'v1' } });
    expect(d.gamma).toBeCloseTo(gamma, 9);
    // The logged probabilities are SquareCB's over the logged scores: they sum to 1, the excluded one is 0.
    const scores = (d.actions as { score: number }[]).map((a) => a.score);
    const expected = squareCb(scores, actions.map((a) => a.id === 'offer-3'), gamma, () => 0).probabilities;
    (d.actions as { probability: number }[]).forEach((a, i) => expect(a.probability).toBeCloseTo(expected[i], 6));
    expect(sum((d.actions as { probability: number }[]).map((a) => a.probability))).toBeCloseTo(1, 9);
    expect(d.actions[3].probability).toBe(0);
    // What the client is told is what was logged: the served action's exact probability.
    expect(ranked.json.ranking[0]).toEqual({ id: d.rewardActionId, probability: d.probability });
    expect(d.probability).toBeCloseTo(expected[actions.findIndex((a) => a.id === d.rewardActionId)], 6);

    // Multi-slot: each slot's logged probability is SquareCB's over the actions left to it.
    const slots = [
      { id: 'hero', baselineAction: 'offer-2' },
      { id: 'side', baselineAction: 'offer-0', excludedActions: ['offer-5'] },
    ];
    const multi = await api('POST', 'multislot/rank', { actions, slots });
    expect(multi.status).toBe(201);
    const md = await decisionOf(multi.json.eventId);
    expect(md).toMatchObject({ policy: 'squarecb' });
    const taken = new Set<string>();
    md.slots.forEach((slot: { id: string; rewardActionId: string; probability: number; scores: number[]; excludedActions: string[] }) => {
      const ineligible = actions.map((a) => taken.has(a.id) || slot.excludedActions.includes(a.id));
      const p = squareCb(slot.scores, ineligible, gamma, () => 0).probabilities;
      expect(slot.probability).toBeCloseTo(p[actions.findIndex((a) => a.id === slot.rewardActionId)], 5);
      expect(sum(p)).toBeCloseTo(1, 9);
      taken.add(slot.rewardActionId);
    });

    // Back to Personalizer's epsilon-greedy, again without a restart.
    expect((await api('DELETE', 'configurations/policy')).status).toBe(200);
    const back = await decisionOf((await api('POST', 'rank', { actions })).json.eventId);
    expect(back).toMatchObject({ policy: 'epsilon-greedy', epsilon: 0.2 });
    expect(back.gamma).toBeUndefined();
  }, 60_000);

  it('chooses each action (single- and multi-slot) as often as its logged probability says', async () => {
    // Distinct priors as scores (no model: t = 0, γ = gammaScale), 20 000 decisions each way.
    const offers = Object.fromEntries(actions.map((a, i) => [a.id, [0.02, 0.1, 0.08, 0.11, 0.05, 0.09][i]]));
    const config: RankerConfiguration = {
      exploration: 0.2,
      learningMode: 'Online',
      rewardWaitSeconds: 600,
      defaultReward: 0,
      rewardAggregation: 'earliest',
      policy: { squareCb: { gammaScale: 40, gammaExponent: 0.5 } },
    };
    const logged: TrackedEvent[] = [];
    const ranker = new Ranker({
      settings: { signingKeys: [stack.signingKey], rewardMin: 0, rewardMax: 1 },
      configuration: () => config,
      model: () => undefined,
      priors: () => ({ computedAt: new Date().toISOString(), strength: 20, globalRate: 0.05, offers, segments: {} }),
      logDecision: (e) => void logged.push(e),
      random: seededRandom(21),
    });
    const n = 20_000;
    const counts = new Map<string, number>();
    const slotCounts = new Map<string, number>();
    let reported: number[] = [];
    let slotReported = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const out = await ranker.rank({ contextFeatures: [], actions, excludedActions: new Set(['offer-4']), deferActivation: false, source: 'rank' });
      counts.set(out.rewardActionId, (counts.get(out.rewardActionId) ?? 0) + 1);
      const d = logged[logged.length - 1].decision as { actions: { probability: number }[]; gamma: number };
      reported = d.actions.map((a) => a.probability);
      expect(d.gamma).toBe(40);
      expect(sum(reported)).toBeCloseTo(1, 12);
      // The second slot, given the first slot's choice offer-3 (the greedy one, forced by excluding the rest there).
      const m = await ranker.rankSlots({
        contextFeatures: [],
        actions,
        slots: [
          { id: 'a', features: [], excludedActions: new Set(actions.filter((x) => x.id !== 'offer-3').map((x) => x.id)), baselineAction: 'offer-3' },
          { id: 'b', features: [], excludedActions: new Set(['offer-0']), baselineAction: 'offer-1' },
        ],
        deferActivation: false,
        source: 'rank',
      });
      expect(m.slots[0]).toMatchObject({ rewardActionId: 'offer-3', probability: 1 });
      const second = m.slots[1];
      slotCounts.set(second.rewardActionId!, (slotCounts.get(second.rewardActionId!) ?? 0) + 1);
      slotReported.set(second.rewardActionId!, second.probability!);
    }
    const expected = squareCb(actions.map((a) => offers[a.id]), actions.map((a) => a.id === 'offer-4'), 40, () => 0).probabilities;
    reported.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 12));
    actions.forEach((a, i) => {
      const se = Math.sqrt((expected[i] * (1 - expected[i])) / n);
      expect(Math.abs((counts.get(a.id) ?? 0) / n - expected[i])).toBeLessThanOrEqual(5 * se + 1e-12);
    });
    // Slot b chooses among offer-1, offer-2, offer-4, offer-5 (offer-0 excluded, offer-3 taken).
    const eligible = actions.map((a) => a.id === 'offer-0' || a.id === 'offer-3');
    const pb = squareCb(actions.map((a) => offers[a.id]), eligible, 40, () => 0).probabilities;
    expect(slotCounts.has('offer-0') || slotCounts.has('offer-3')).toBe(false);
    actions.forEach((a, i) => {
      if (pb[i] === 0) return;
      expect(slotReported.get(a.id)).toBeCloseTo(pb[i], 12);
      const se = Math.sqrt((pb[i] * (1 - pb[i])) / n);
      expect(Math.abs((slotCounts.get(a.id) ?? 0) / n - pb[i])).toBeLessThanOrEqual(5 * se + 1e-12);
    });
    slotReported = new Map();
  }, 120_000);
});
