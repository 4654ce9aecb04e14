// Quantile binning of raw float features into ≤ 255 bins per feature (one reserved for missing).
import { BinningState, THRESHOLD_STRIDE, binRowsKernel, gatherSampleKernel, thresholdsKernel } from './binKernels';
import { FeatureMatrix, validateFeatureMatrix } from './dataset';
import { SeededRandom } from './random';

/** Bin index reserved for NaN in every feature; value bins are 0..nValueBins-1 (≤ 254). */
export const MISSING_BIN = 255;
/** Histogram stride per feature: one slot per possible Uint8 bin. */
export const BIN_STRIDE = 256;

export interface FeatureBinnerParams {
  /** Total bins per feature including the missing bin, 3..255. Default 255. */
  maxBins?: number;
  /** Rows sampled to choose thresholds. Default 200000. */
  sampleSize?: number;
  seed?: number;
}

/** Column-major Uint8 bin matrix: bins[f * nRows + i]. */
export interface BinnedMatrix {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly bins: Uint8Array;
}

export class FeatureBinner {
  readonly maxBins: number;
  readonly sampleSize: number;
  readonly seed: number;

  constructor(params: FeatureBinnerParams = {}) {
    this.maxBins = params.maxBins ?? 255;
    this.sampleSize = params.sampleSize ?? 200_000;
    this.seed = params.seed ?? 0;
    if (!Number.isInteger(this.maxBins) || this.maxBins < 3 || this.maxBins > 255) {
      throw new RangeError(`FeatureBinner: maxBins must be an integer in [3, 255], got ${this.maxBins}`);
    }
    if (!Number.isInteger(this.sampleSize) || this.sampleSize < 1) {
      throw new RangeError(`FeatureBinner: sampleSize must be a positive integer, got ${this.sampleSize}`);
    }
  }

  fit(x: FeatureMatrix): FittedBinner {
    validateFeatureMatrix(x);
    if (x.nRows === 0) throw new RangeError('FeatureBinner.fit: features have 0 rows');
    const S = binningState(x, binSampleRows(x.nRows, this.sampleSize, this.seed));
    const m = S.sampleRows.length;
    gatherSampleKernel(S, Int32Array.of(0, 0, m, x.layout === 'row-major' ? 1 : 0));
    thresholdsKernel(S, Int32Array.of(0, 0, x.nFeatures, this.maxBins - 1));
    return FittedBinner.fromState(S);
  }
}

/**
 * The state the binning kernels (binKernels.ts) need for features x and the rows sampled for the
 * thresholds; `shared` puts the arrays they write in SharedArrayBuffers (for worker threads).
 */
export function binningState(x: FeatureMatrix, sampleRows: Int32Array, shared = false): BinningState {
  const d = x.nFeatures;
  const f32 = (len: number): Float32Array => (shared ? new Float32Array(new SharedArrayBuffer(len * 4)) : new Float32Array(len));
  const i32 = (len: number): Int32Array => (shared ? new Int32Array(new SharedArrayBuffer(len * 4)) : new Int32Array(len));
  const rows = i32(sampleRows.length);
  rows.set(sampleRows);
  return {
    n: x.nRows,
    d,
    x: x.features,
    validX: new Float32Array(0),
    sampleRows: rows,
    sampleCols: f32(sampleRows.length * d),
    thresholds: f32(d * THRESHOLD_STRIDE),
    nThresholds: i32(d),
    bins: [],
    validBins: new Uint8Array(0),
  };
}

/**
 * Ascending rows sampled (without replacement, seeded) to choose bin thresholds from: all n rows
 * when n ≤ sampleSize.
 */
export function binSampleRows(n: number, sampleSize: number, seed: number): Int32Array {
  if (n <= sampleSize) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = new SeededRandom(seed ^ 0x5bd1e995);
  // Sorted sample without replacement via reservoir then sort.
  const idx = new Int32Array(sampleSize);
  for (let i = 0; i < sampleSize; i++) idx[i] = i;
  for (let i = sampleSize; i < n; i++) {
    const j = rng.int(i + 1);
    if (j < sampleSize) idx[j] = i;
  }
  return idx.sort();
}

export class FittedBinner {
  /** Per feature: float32 upper bounds of value bins (length nValueBins - 1). */
  readonly thresholds: readonly Float32Array[];

  constructor(thresholds: readonly Float32Array[]) {
    this.thresholds = thresholds;
  }

  get nFeatures(): number {
    return this.thresholds.length;
  }

  /** Number of value bins of feature f (missing bin not counted). */
  nValueBins(f: number): number {
    return this.thresholds[f].length + 1;
  }

  binOf(f: number, value: number): number {
    if (value !== value) return MISSING_BIN;
    return searchBin(this.thresholds[f], value);
  }

  /** Raw threshold equivalent to "bin ≤ b" for feature f (Infinity for the last value bin). */
  thresholdOf(f: number, b: number): number {
    const t = this.thresholds[f];
    return b < t.length ? t[b] : Infinity;
  }

  /** The thresholds where the binning kernels read them (binKernels.ts). */
  writeThresholds(S: BinningState): void {
    this.thresholds.forEach((t, f) => {
      S.thresholds.set(t, f * THRESHOLD_STRIDE);
      S.nThresholds[f] = t.length;
    });
  }

  /** The thresholds the binning kernels chose into S. */
  static fromState(S: BinningState): FittedBinner {
    return new FittedBinner(Array.from({ length: S.d }, (_, f) => S.thresholds.slice(f * THRESHOLD_STRIDE, f * THRESHOLD_STRIDE + S.nThresholds[f])));
  }

  transform(x: FeatureMatrix): BinnedMatrix {
    validateFeatureMatrix(x);
    if (x.nFeatures !== this.nFeatures) {
      throw new RangeError(`FittedBinner.transform: expected ${this.nFeatures} features, got ${x.nFeatures}`);
    }
    const n = x.nRows;
    const bins = new Uint8Array(n * this.nFeatures);
    const S = binningState(x, new Int32Array(0));
    S.bins[2] = bins;
    this.writeThresholds(S);
    // Column-major out: row i, feature f at f * n + i.
    binRowsKernel(S, Int32Array.of(0, 0, n, 0, 1, n, x.layout === 'row-major' ? 1 : 0, n));
    return { nRows: n, nFeatures: this.nFeatures, bins };
  }
}

function searchBin(t: Float32Array, v: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= t[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
