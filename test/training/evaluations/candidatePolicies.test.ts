// What each evaluated policy does with a logged decision: the exploration rule read from the
// learning settings, and its probabilities (a distribution over the eligible actions).
import { describe, expect, it } from 'vitest';
import { actionProbabilities, DISCOVERY_GRID, explorationRule } from '../../../src/training/evaluations/candidatePolicies';
import { parsePolicyArguments } from '../../../src/ranking/configuration/policyArguments';
import { squareCbGamma } from '../../../src/learners/squareCb';

const view = { scores: Float64Array.from([0.1, 0.5, 0.3, 0.9]), excluded: [false, false, false, true], logged: [0.7, 0.1, 0.1, 0.1] };

describe('candidate policies', () => {
  it('read the exploration rule from the learning settings', () => {
    expect(explorationRule('--cb_explore_adf --epsilon 0.05 --dsjson -l 0.5', 0.2)).toEqual({ kind: 'epsilonGreedy', epsilon: 0.05 });
    expect(explorationRule('--cb_explore_adf --epsilon=0.3', 0.2)).toEqual({ kind: 'epsilonGreedy', epsilon: 0.3 });
    expect(explorationRule('--cb_explore_adf --dsjson', 0.2)).toEqual({ kind: 'epsilonGreedy', epsilon: 0.2 });
    expect(explorationRule('--cb_explore_adf --squarecb --gamma_scale 100', 0.2)).toEqual({ kind: 'squareCb', gammaScale: 100, gammaExponent: 0.5 });
    expect(() => explorationRule('--squarecb --gamma_scale -3', 0.2)).toThrow(/gamma_scale/);
  });

  it('give each policy a distribution over the eligible actions only', () => {
    const rules = [
      { kind: 'logged' }, { kind: 'baseline' }, { kind: 'random' }, { kind: 'epsilonGreedy', epsilon: 0.2 }, { kind: 'squareCb', gammaScale: 10, gammaExponent: 0.5 },
    ] as const;
    for (const rule of rules) {
      const p = actionProbabilities(rule, view, 400);
      expect(p.reduce((s, x) => s + x, 0), rule.kind).toBeCloseTo(1, 12);
      if (rule.kind !== 'logged') expect(p[3], rule.kind).toBe(0);
    }
    expect(actionProbabilities({ kind: 'baseline' }, view, 1)).toEqual([1, 0, 0, 0]);
    expect(actionProbabilities({ kind: 'random' }, view, 1)).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
    // Epsilon-greedy: the best eligible action (index 1, the excluded 0.9 never counts) gets 1 − ε + ε/3.
    expect(actionProbabilities({ kind: 'epsilonGreedy', epsilon: 0.3 }, view, 1)[1]).toBeCloseTo(0.7 + 0.1, 12);
    // SquareCB: an action with gap g gets 1 / (K + γ g), γ from the decisions the model learnt from.
    const gamma = squareCbGamma(400, 10, 0.5);
    expect(actionProbabilities({ kind: 'squareCb', gammaScale: 10, gammaExponent: 0.5 }, view, 400)[0]).toBeCloseTo(1 / (3 + gamma * 0.4), 12);
  });

  it('discovery only tries settings the configuration API accepts', () => {
    for (const args of DISCOVERY_GRID) expect(parsePolicyArguments(args).ok, args).toBe(true);
  });
});
