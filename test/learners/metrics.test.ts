import { describe, expect, it } from 'vitest';
import { brierScore, calibrationTable, logLoss, rocAuc } from '../../src/learners/metrics';

describe('metrics', () => {
  it('AUC by hand, with ties counting one half', () => {
    // pairs (pos, neg): 0.8>0.3 ✓, 0.8>0.5 ✓, 0.5=0.5 ½, 0.5>0.3 ✓ → 3.5/4
    expect(rocAuc([1, 1, 0, 0], [0.8, 0.5, 0.5, 0.3])).toBeCloseTo(0.875, 12);
    expect(rocAuc([0, 1], [0.9, 0.1])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0.2, 0.2, 0.2, 0.2])).toBe(0.5);
  });

  it('weighted AUC equals AUC on duplicated rows', () => {
    const y = [1, 0, 1, 0, 1];
    const s = [0.9, 0.4, 0.35, 0.6, 0.2];
    const w = [2, 1, 3, 1, 1];
    const yd: number[] = [];
    const sd: number[] = [];
    y.forEach((v, i) => {
      for (let k = 0; k < w[i]; k++) {
        yd.push(v);
        sd.push(s[i]);
      }
    });
    expect(rocAuc(y, s, w)).toBeCloseTo(rocAuc(yd, sd), 12);
  });

  it('log loss and Brier by hand', () => {
    const ll = -(Math.log(0.9) + Math.log(1 - 0.2) + Math.log(0.6)) / 3;
    expect(logLoss([1, 0, 1], [0.9, 0.2, 0.6])).toBeCloseTo(ll, 12);
    expect(brierScore([1, 0, 1], [0.9, 0.2, 0.6])).toBeCloseTo((0.01 + 0.04 + 0.16) / 3, 12);
    expect(brierScore([1, 0], [0.5, 0], [3, 1])).toBeCloseTo((3 * 0.25) / 4, 12);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true);
  });

  it('calibration table splits into equal-count bins', () => {
    const p = Array.from({ length: 100 }, (_, i) => i / 100);
    const y = p.map((_, i) => (i % 2 === 0 ? 1 : 0));
    const t = calibrationTable(y, p);
    expect(t).toHaveLength(10);
    expect(t.map((b) => b.count)).toEqual(new Array(10).fill(10));
    expect(t[0].meanPredicted).toBeCloseTo(0.045, 12);
    expect(t[9].observedRate).toBeCloseTo(0.5, 12);
  });

  it('errors name the problem', () => {
    expect(() => rocAuc([1, 0], [0.5])).toThrow(/length 2 .*length 1/);
    expect(() => rocAuc([1, 1], [0.5, 0.4])).toThrow(/both positive and negative/);
    expect(() => logLoss([], [])).toThrow(/no rows/);
    expect(() => brierScore([2], [0.5])).toThrow(/must be 0 or 1/);
  });
});
