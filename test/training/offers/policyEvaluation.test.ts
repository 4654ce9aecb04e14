// The trainer's "as deployed" estimate follows each decision's logged exploration: SquareCB
// decisions are re-scored with SquareCB's probabilities at their logged γ, epsilon-greedy ones with
// their epsilon, so the off-policy gate evaluates the policy that will actually serve.
import { describe, expect, it } from 'vitest';
import type { LoggedDecision } from '../../../src/events/learningEvents';
import { squareCb } from '../../../src/learners/squareCb';
import { deriveFeatureContract } from '../../../src/training/offers/deriveFeatureContract';
import { evaluatePolicy } from '../../../src/training/offers/policyEvaluation';
import type { JoinedDecision } from '../../../src/training/offers/rewardJoin';

const SCORES = [0.1, 0.5, 0.3];

function decision(i: number, exploration: { gamma?: number; epsilon?: number }): JoinedDecision {
  const d: LoggedDecision = {
    eventId: `e${i}`,
    issuedAtMs: Date.UTC(2026, 0, 1) + i * 1000,
    contextFeatures: [{ device: i % 2 ? 'mobile' : 'desktop' }],
    actions: SCORES.map((_, a) => ({ id: `a${a}`, features: [{ kind: `k${a}` }], prior: 0.1, probability: a === 0 ? 0.25 : 0.375, excluded: false, score: null })),
    rewardActionId: 'a0',
    chosen: 0,
    ...exploration,
    activated: true,
    profile: null,
    reward: { waitSeconds: 60, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1 },
    model: null,
  };
  return { decision: d, reward: 1, rewardCount: 1 };
}

describe('evaluatePolicy with the logged exploration', () => {
  // The model scores every decision's actions 0.1, 0.5, 0.3 (rows come decision by decision, actions in order).
  const predict = (x: { nRows: number }) => Float64Array.from({ length: x.nRows }, (_, r) => SCORES[r % 3]);

  it('re-derives SquareCB probabilities from γ, and epsilon-greedy ones from ε', async () => {
    const gamma = 20;
    const squared = [0, 1, 2, 3].map((i) => decision(i, { gamma, epsilon: 0 }));
    const contract = deriveFeatureContract(squared.map((j) => j.decision));
    const p0 = squareCb(SCORES, [false, false, false], gamma, () => 0).probabilities[0];
    expect(p0).toBeCloseTo(1 / 11, 12);
    const sq = await evaluatePolicy(squared, contract, predict);
    // The logged action (a0, propensity 0.25, reward 1) has SquareCB probability 1/11 under the new model.
    expect(sq.epsilonGreedy.ips.value).toBeCloseTo(p0 / 0.25, 9);
    // Greedy never picks a0.
    expect(sq.greedy.ips.value).toBe(0);

    const eps = await evaluatePolicy([0, 1, 2, 3].map((i) => decision(i, { epsilon: 0.3 })), contract, predict);
    expect(eps.epsilonGreedy.ips.value).toBeCloseTo(0.1 / 0.25, 9);
  });
});
