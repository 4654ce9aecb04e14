// The additive off-policy sums: they give offPolicyEvaluate's values and intervals on the same
// rows, split into intervals they add back up, and on synthetic logs whose target-policy value
// is known exactly IPS, SNIPS and DR are unbiased and their 95% intervals cover the truth about
// 95% of the time.
import { describe, expect, it } from 'vitest';
import { offPolicyEvaluate } from '../../src/learners/offPolicy';
import { addDecision, addSums, emptySums, estimatesFromSums, sumsFromArray, sumsToArray } from '../../src/learners/offPolicySums';
import { SeededRandom } from '../../src/learners/random';

/**
 * A bandit world with K actions and two contexts: context c has true click probabilities MU[c];
 * the logging policy is epsilon-greedy on a fixed (wrong) preference, the target policy is
 * deterministic per context. Its true value is exactly known.
 */
const MU = [
  [0.1, 0.3, 0.6, 0.2],
  [0.5, 0.2, 0.1, 0.4],
];
const K = 4;
const EPS = 0.4;
const loggingProbs = (): number[] => Array.from({ length: K }, (_, a) => (a === 0 ? 1 - EPS + EPS / K : EPS / K));
const TARGET = [2, 0]; // the best action of each context
const TRUE_VALUE = 0.5 * MU[0][2] + 0.5 * MU[1][0];

interface Row {
  w: number;
  r: number;
  q: number;
  v: number;
  p: number;
  t: number;
}

/** One logged decision; q̂ is a deliberately biased reward model (DR must still be unbiased). */
function drawRow(rng: SeededRandom): Row {
  const c = rng.next() < 0.5 ? 0 : 1;
  const probs = loggingProbs();
  let u = rng.next();
  let a = 0;
  while (a < K - 1 && u >= probs[a]) u -= probs[a++];
  const r = rng.next() < MU[c][a] ? 1 : 0;
  const qHat = (x: number) => Math.min(1, MU[c][x] + 0.15);
  const t = a === TARGET[c] ? 1 : 0;
  return { w: t / probs[a], r, q: qHat(a), v: qHat(TARGET[c]), p: probs[a], t };
}

describe('off-policy sums', () => {
  it('give offPolicyEvaluate’s values and normal intervals on the same rows', () => {
    const rng = new SeededRandom(3);
    const rows = Array.from({ length: 500 }, () => drawRow(rng));
    const s = emptySums();
    for (const x of rows) addDecision(s, x.w, x.r, x.v + x.w * (x.r - x.q));
    const fromSums = estimatesFromSums(s)!;
    const reference = offPolicyEvaluate({
      propensity: rows.map((x) => x.p),
      reward: rows.map((x) => x.r),
      targetProbability: rows.map((x) => x.t),
      rewardEstimate: rows.map((x) => x.q),
      valueEstimate: rows.map((x) => x.v),
    });
    for (const k of ['ips', 'snips', 'dr'] as const) {
      expect(fromSums[k].value).toBeCloseTo(reference[k]!.value, 10);
      expect(fromSums[k].lower).toBeCloseTo(reference[k]!.lower, 10);
      expect(fromSums[k].upper).toBeCloseTo(reference[k]!.upper, 10);
    }
    expect(s.nonZero).toBe(rows.filter((x) => x.t > 0).length);
  });

  it('add up: intervals summed give the whole, and survive the stored array form', () => {
    const rng = new SeededRandom(4);
    const whole = emptySums();
    const parts = [emptySums(), emptySums(), emptySums()];
    for (let i = 0; i < 300; i++) {
      const x = drawRow(rng);
      const dr = x.v + x.w * (x.r - x.q);
      addDecision(whole, x.w, x.r, dr);
      addDecision(parts[i % 3], x.w, x.r, dr);
    }
    const summed = parts.map((p) => sumsFromArray(sumsToArray(p))).reduce((t, p) => addSums(t, p), emptySums());
    for (const k of Object.keys(whole) as (keyof typeof whole)[]) expect(summed[k]).toBeCloseTo(whole[k], 9);
    expect(estimatesFromSums(emptySums())).toBeUndefined();
  });

  it('are unbiased and their 95% intervals cover the known value about 95% of the time', () => {
    const rng = new SeededRandom(11);
    const runs = 400;
    const n = 1000;
    const mean = { ips: 0, snips: 0, dr: 0 };
    const covered = { ips: 0, snips: 0, dr: 0 };
    for (let run = 0; run < runs; run++) {
      const s = emptySums();
      for (let i = 0; i < n; i++) {
        const x = drawRow(rng);
        addDecision(s, x.w, x.r, x.v + x.w * (x.r - x.q));
      }
      const e = estimatesFromSums(s)!;
      for (const k of ['ips', 'snips', 'dr'] as const) {
        mean[k] += e[k].value / runs;
        if (e[k].lower <= TRUE_VALUE && TRUE_VALUE <= e[k].upper) covered[k]++;
      }
    }
    // The mean of 400 estimates of 1000 decisions has a standard error below 0.003 here: 0.01 is > 3 of them.
    for (const k of ['ips', 'snips', 'dr'] as const) {
      expect(Math.abs(mean[k] - TRUE_VALUE), `${k} mean ${mean[k]} vs ${TRUE_VALUE}`).toBeLessThan(0.01);
      const coverage = covered[k] / runs;
      expect(coverage, `${k} coverage ${coverage}`).toBeGreaterThan(0.9);
      expect(coverage, `${k} coverage`).toBeLessThan(0.99);
    }
    // A biased reward model alone (the direct method) is off by about 0.15: DR corrects it.
    expect(0.5 * (MU[0][2] + 0.15) + 0.5 * (MU[1][0] + 0.15) - TRUE_VALUE).toBeCloseTo(0.15, 10);
  });
});
