import { describe, expect, it } from 'vitest';
import { FeatureBinner, MISSING_BIN } from '../../src/learners/binner';

const matrix = (cols: number[][]) => {
  const n = cols[0].length;
  const features = new Float32Array(n * cols.length);
  cols.forEach((c, f) => c.forEach((v, i) => (features[i * cols.length + f] = v)));
  return { nRows: n, nFeatures: cols.length, layout: 'row-major' as const, features };
};

describe('FeatureBinner', () => {
  it('puts NaN into the missing bin and keeps few distinct values apart', () => {
    const x = matrix([[1, 2, NaN, 3, 2, 1, NaN]]);
    const fitted = new FeatureBinner().fit(x);
    expect(fitted.nValueBins(0)).toBe(3);
    const { bins } = fitted.transform(x);
    expect(Array.from(bins)).toEqual([0, 1, MISSING_BIN, 2, 1, 0, MISSING_BIN]);
  });

  it('a constant feature gets one value bin', () => {
    const x = matrix([[5, 5, 5, 5]]);
    const fitted = new FeatureBinner().fit(x);
    expect(fitted.nValueBins(0)).toBe(1);
    expect(Array.from(fitted.transform(x).bins)).toEqual([0, 0, 0, 0]);
  });

  it('an all-NaN feature bins everything as missing', () => {
    const fitted = new FeatureBinner().fit(matrix([[NaN, NaN, NaN]]));
    expect(fitted.nValueBins(0)).toBe(1);
    expect(fitted.binOf(0, 1.5)).toBe(0);
    expect(fitted.binOf(0, NaN)).toBe(MISSING_BIN);
  });

  it('caps value bins, roughly equal counts, and thresholds agree with bins on raw values', () => {
    const n = 20_000;
    const col = Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 1000);
    const x = matrix([col]);
    const fitted = new FeatureBinner({ maxBins: 33, sampleSize: 5_000 }).fit(x);
    expect(fitted.nValueBins(0)).toBe(32);
    const { bins } = fitted.transform(x);
    const counts = new Array(32).fill(0);
    for (const b of bins) counts[b]++;
    expect(Math.min(...counts)).toBeGreaterThan(n / 32 / 2);
    for (let i = 0; i < n; i += 7) {
      const v = Math.fround(col[i]);
      for (let b = 0; b < 31; b++) expect(v <= fitted.thresholdOf(0, b)).toBe(bins[i] <= b);
    }
    expect(fitted.thresholdOf(0, 31)).toBe(Infinity);
  });

  it('handles ±Infinity and column-major input identically', () => {
    const rm = matrix([[-Infinity, 0, 1, Infinity, NaN], [3, 3, 4, 4, 5]]);
    const cm = { ...rm, layout: 'column-major' as const, features: Float32Array.from([-Infinity, 0, 1, Infinity, NaN, 3, 3, 4, 4, 5]) };
    const a = new FeatureBinner().fit(rm);
    const b = new FeatureBinner().fit(cm);
    expect(Array.from(a.transform(rm).bins)).toEqual(Array.from(b.transform(cm).bins));
    expect(Array.from(a.transform(rm).bins.subarray(0, 5))).toEqual([0, 1, 2, 3, MISSING_BIN]);
  });

  it('rejects bad parameters and shapes', () => {
    expect(() => new FeatureBinner({ maxBins: 300 })).toThrow(/maxBins/);
    expect(() => new FeatureBinner().fit({ nRows: 2, nFeatures: 2, layout: 'row-major', features: new Float32Array(3) })).toThrow(/expected nRows×nFeatures/);
    const fitted = new FeatureBinner().fit(matrix([[1, 2]]));
    expect(() => fitted.transform(matrix([[1], [2]]))).toThrow(/expected 1 features, got 2/);
  });
});
