import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/learners/epsilonGreedy';
import { squareCb, squareCbGamma } from '../../src/learners/squareCb';

const none = (n: number) => new Array<boolean>(n).fill(false);

describe('SquareCB (inverse gap weighting)', () => {
  it('gives each other action 1 / (K + γ·gap) and the best the rest', () => {
    const d = squareCb([0.1, 0.3, 0.2], none(3), 50, () => 0.99);
    expect(d.greedy).toBe(1);
    expect(d.probabilities[0]).toBeCloseTo(1 / (3 + 50 * 0.2), 12);
    expect(d.probabilities[2]).toBeCloseTo(1 / (3 + 50 * 0.1), 12);
    expect(d.probabilities[1]).toBeCloseTo(1 - 1 / 13 - 1 / 8, 12);
    expect(d.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('is uniform when γ is 0 or the scores tie, and greedy as γ grows', () => {
    for (const p of squareCb([0.1, 0.5, 0.9, 0.2], none(4), 0, Math.random).probabilities) expect(p).toBeCloseTo(0.25, 12);
    for (const p of squareCb([0.4, 0.4, 0.4], none(3), 1e6, Math.random).probabilities) expect(p).toBeCloseTo(1 / 3, 12);
    expect(squareCb([0.1, 0.5, 0.9], none(3), 1e9, Math.random).probabilities[2]).toBeGreaterThan(1 - 1e-8);
  });

  it('never chooses excluded actions or NaN-scored ones, and orders the rest by score', () => {
    const d = squareCb([0.9, Number.NaN, 0.5, 0.7], [true, false, false, false], 10, () => 0.999999);
    expect(d.probabilities[0]).toBe(0);
    expect(d.probabilities[1]).toBe(0);
    expect(d.greedy).toBe(3);
    expect(d.order.slice(-1)).toEqual([0]);
    expect(new Set(d.order).size).toBe(4);
    expect(() => squareCb([0.1], [true], 1, Math.random)).toThrow(/eligible/);
    expect(() => squareCb([0.1], [false], -1, Math.random)).toThrow(/gamma/);
  });

  it('chooses each action as often as its logged probability says', () => {
    const scores = [0.05, 0.2, 0.15, 0.19, 0.01];
    const random = seededRandom(3);
    const n = 200_000;
    const counts = new Array(5).fill(0);
    let probabilities: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = squareCb(scores, none(5), 40, random);
      counts[d.chosen]++;
      probabilities = d.probabilities;
      expect(d.explored).toBe(d.chosen !== 1);
    }
    for (let a = 0; a < 5; a++) {
      const sd = Math.sqrt((probabilities[a] * (1 - probabilities[a])) / n);
      expect(Math.abs(counts[a] / n - probabilities[a])).toBeLessThan(5 * sd);
    }
  });

  it('γ = gammaScale · t^gammaExponent, as Vowpal Wabbit schedules it', () => {
    expect(squareCbGamma(10_000)).toBeCloseTo(1000, 9);
    expect(squareCbGamma(0)).toBe(10);
    expect(squareCbGamma(100, 2, 1)).toBe(200);
    expect(() => squareCbGamma(10, -1)).toThrow(/gammaScale/);
  });
});
