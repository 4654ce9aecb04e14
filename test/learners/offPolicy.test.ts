import { describe, expect, it } from 'vitest';
import { normalQuantile, offPolicyEvaluate } from '../../src/learners/offPolicy';
import { SeededRandom } from '../../src/learners/random';

const K = 4;
const trueReward = (x: number, a: number) => 1 / (1 + Math.exp(-(0.8 * Math.sin(x * (a + 1)) + 0.3 * a * x - 0.5)));

/** Logged by a softmax policy; target policy is greedy on a noisy score. Returns the log and the true target value. */
function syntheticLog(n: number, seed: number) {
  const rng = new SeededRandom(seed);
  const propensity = new Float64Array(n);
  const reward = new Float64Array(n);
  const targetProbability = new Float64Array(n);
  const rewardEstimate = new Float64Array(n);
  const valueEstimate = new Float64Array(n);
  let trueValue = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.next() * 2 - 1;
    const logits = Array.from({ length: K }, (_, a) => 0.5 * a * x);
    const z = logits.reduce((s, l) => s + Math.exp(l), 0);
    const logging = logits.map((l) => Math.exp(l) / z);
    let target = 0;
    for (let a = 1; a < K; a++) if (trueReward(x, a) + 0.05 * Math.cos(7 * a * x) > trueReward(x, target) + 0.05 * Math.cos(7 * target * x)) target = a;
    trueValue += trueReward(x, target);
    let u = rng.next();
    let a = 0;
    while (a < K - 1 && u >= logging[a]) u -= logging[a++];
    propensity[i] = logging[a];
    reward[i] = rng.next() < trueReward(x, a) ? 1 : 0;
    targetProbability[i] = a === target ? 1 : 0;
    // an imperfect reward model (biased by 0.05)
    const qhat = (b: number) => Math.min(1, trueReward(x, b) + 0.05);
    rewardEstimate[i] = qhat(a);
    valueEstimate[i] = qhat(target);
  }
  return { log: { propensity, reward, targetProbability, rewardEstimate, valueEstimate }, trueValue: trueValue / n };
}

describe('off-policy evaluation', () => {
  it('IPS, SNIPS and DR cover the true value; DR varies less than IPS across seeds', () => {
    const ips: number[] = [];
    const dr: number[] = [];
    let covered = 0;
    const seeds = 20;
    for (let s = 0; s < seeds; s++) {
      const { log, trueValue } = syntheticLog(4_000, 100 + s);
      const r = offPolicyEvaluate(log);
      ips.push(r.ips.value);
      dr.push((r.dr as { value: number }).value);
      for (const e of [r.ips, r.snips, r.dr!]) if (e.lower <= trueValue && trueValue <= e.upper) covered++;
      expect(r.effectiveSampleSize).toBeGreaterThan(500);
      expect(r.effectiveSampleSize).toBeLessThan(4_000);
    }
    // 95% intervals: expect nearly all of 60 to cover
    expect(covered).toBeGreaterThanOrEqual(52);
    const sd = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    };
    expect(sd(dr)).toBeLessThan(sd(ips) * 0.8);
  });

  it('bootstrap intervals are reproducible with a seed and contain the estimate', () => {
    const { log, trueValue } = syntheticLog(3_000, 7);
    const a = offPolicyEvaluate(log, { interval: 'bootstrap', bootstrapSamples: 200, seed: 3 });
    const b = offPolicyEvaluate(log, { interval: 'bootstrap', bootstrapSamples: 200, seed: 3 });
    expect(a).toEqual(b);
    expect(a.dr!.lower).toBeLessThan(a.dr!.value);
    expect(a.dr!.upper).toBeGreaterThan(a.dr!.value);
    expect(a.dr!.lower).toBeLessThan(trueValue);
    expect(a.dr!.upper).toBeGreaterThan(trueValue);
  });

  it('hand-computed IPS/SNIPS/DR, ESS and weight clipping', () => {
    const log = { propensity: [0.5, 0.25, 1], reward: [1, 1, 0], targetProbability: [1, 1, 0], rewardEstimate: [0.5, 0.5, 0.5], valueEstimate: [0.6, 0.6, 0.2] };
    const r = offPolicyEvaluate(log);
    expect(r.ips.value).toBeCloseTo((2 + 4 + 0) / 3, 12);
    expect(r.snips.value).toBeCloseTo(6 / 6, 12);
    expect(r.dr!.value).toBeCloseTo((0.6 + 2 * 0.5 + 0.6 + 4 * 0.5 + 0.2) / 3, 12);
    expect(r.effectiveSampleSize).toBeCloseTo(36 / 20, 12);
    const c = offPolicyEvaluate(log, { maxWeight: 3 });
    expect(c.clippedCount).toBe(1);
    expect(c.maxWeightSeen).toBe(4);
    expect(c.ips.value).toBeCloseTo((2 + 3) / 3, 12);
  });

  it('normal quantile', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });

  it('bad input errors name the problem', () => {
    expect(() => offPolicyEvaluate({ propensity: [], reward: [], targetProbability: [] })).toThrow(/empty/);
    expect(() => offPolicyEvaluate({ propensity: [0.5], reward: [1, 0], targetProbability: [1] })).toThrow(/reward has length 2/);
    expect(() => offPolicyEvaluate({ propensity: [0], reward: [1], targetProbability: [1] })).toThrow(/propensity at row 0/);
    expect(() => offPolicyEvaluate({ propensity: [0.5], reward: [1], targetProbability: [1], rewardEstimate: [1] })).toThrow(/both rewardEstimate and valueEstimate/);
  });
});
