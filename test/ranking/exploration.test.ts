import { describe, it, expect } from 'vitest';
import { epsilonGreedy, seededRandom } from '../../src/learners/epsilonGreedy';

const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);

describe('epsilon-greedy exploration', () => {
  it('gives the best action 1-ε+ε/k, the others ε/k, excluded ones 0, summing to 1', () => {
    const scores = [0.1, 0.9, 0.4, 0.8, 0.3];
    const excluded = [false, false, false, true, false];
    const d = epsilonGreedy(scores, excluded, 0.2, seededRandom(1));
    expect(d.greedy).toBe(1);
    expect(d.probabilities[1]).toBeCloseTo(1 - 0.2 + 0.2 / 4, 12);
    for (const i of [0, 2, 4]) expect(d.probabilities[i]).toBeCloseTo(0.05, 12);
    expect(d.probabilities[3]).toBe(0);
    expect(sum(d.probabilities)).toBeCloseTo(1, 12);
  });

  it('orders the chosen action first, the other eligible ones by score, the excluded last', () => {
    const scores = [0.1, 0.9, 0.4, 0.95, 0.3];
    const excluded = [false, false, false, true, false];
    for (let seed = 0; seed < 50; seed++) {
      const d = epsilonGreedy(scores, excluded, 0.5, seededRandom(seed));
      expect(d.order[0]).toBe(d.chosen);
      expect(d.order[d.order.length - 1]).toBe(3);
      const middle = d.order.slice(1, -1);
      const byScore = [...middle].sort((a, b) => scores[b] - scores[a]);
      expect(middle).toEqual(byScore);
      expect(new Set(d.order).size).toBe(scores.length);
    }
  });

  it('never ranks an excluded action first, even the best-scored one', () => {
    const random = seededRandom(7);
    const scores = [0.99, 0.1, 0.2, 0.3];
    for (let i = 0; i < 5000; i++) {
      const d = epsilonGreedy(scores, [true, false, true, false], 0.9, random);
      expect([1, 3]).toContain(d.order[0]);
    }
  });

  it('picks actions with the frequencies it reports (seeded, 200 000 draws)', () => {
    const scores = [0.2, 0.7, 0.5, 0.1, 0.6, 0.3];
    const excluded = [false, false, false, false, true, false];
    const epsilon = 0.3;
    const random = seededRandom(12345);
    const draws = 200_000;
    const counts = new Array<number>(scores.length).fill(0);
    let reported: number[] = [];
    for (let i = 0; i < draws; i++) {
      const d = epsilonGreedy(scores, excluded, epsilon, random);
      counts[d.chosen]++;
      reported = d.probabilities;
    }
    // Each empirical frequency within 5 standard errors of the reported probability.
    scores.forEach((_, i) => {
      const p = reported[i];
      const se = Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs(counts[i] / draws - p)).toBeLessThanOrEqual(5 * se + 1e-12);
    });
    expect(counts[4]).toBe(0);
    // Pearson chi-square over the 5 eligible actions (4 degrees of freedom; 99.9% quantile 18.47).
    const chi = [0, 1, 2, 3, 5].reduce((acc, i) => acc + (counts[i] - draws * reported[i]) ** 2 / (draws * reported[i]), 0);
    expect(chi).toBeLessThan(18.47);
  });

  it('breaks score ties toward the earlier action and never lets NaN win', () => {
    const d = epsilonGreedy([0.5, Number.NaN, 0.5], [false, false, false], 0, seededRandom(1));
    expect(d.chosen).toBe(0);
    expect(d.order).toEqual([0, 2, 1]);
  });

  it('with one eligible action, gives it probability 1', () => {
    const d = epsilonGreedy([0.1, 0.2], [true, false], 0.2, seededRandom(3));
    expect(d.chosen).toBe(1);
    expect(d.probabilities).toEqual([0, 1]);
  });

  it('with ε = 0 always exploits, with ε = 1 is uniform', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 100; i++) expect(epsilonGreedy([0.1, 0.3, 0.2], [false, false, false], 0, random).chosen).toBe(1);
    const d = epsilonGreedy([0.1, 0.3, 0.2], [false, false, false], 1, random);
    for (const p of d.probabilities) expect(p).toBeCloseTo(1 / 3, 12);
  });
});
