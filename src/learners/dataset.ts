// Dense numeric feature matrices and labelled datasets: typed arrays only, NaN = missing.

export type Layout = 'row-major' | 'column-major';

export interface FeatureMatrix {
  readonly nRows: number;
  readonly nFeatures: number;
  readonly layout: Layout;
  /** n×d float32 values; NaN marks a missing value. */
  readonly features: Float32Array;
  readonly featureNames?: readonly string[];
}

export interface Dataset extends FeatureMatrix {
  /** 0/1 labels, one per row. */
  readonly labels: Float32Array | Uint8Array;
  /** Optional non-negative sample weights, one per row. */
  readonly weights?: Float32Array | Float64Array;
}

export interface DatasetInput {
  features: Float32Array;
  nRows: number;
  nFeatures: number;
  layout?: Layout;
  labels: Float32Array | Uint8Array;
  weights?: Float32Array | Float64Array;
  featureNames?: readonly string[];
}

export function validateFeatureMatrix(x: FeatureMatrix, what = 'features'): void {
  if (!(x.features instanceof Float32Array)) throw new TypeError(`${what}: features must be a Float32Array`);
  if (!Number.isInteger(x.nRows) || x.nRows < 0) throw new RangeError(`${what}: nRows must be a non-negative integer, got ${x.nRows}`);
  if (!Number.isInteger(x.nFeatures) || x.nFeatures < 1) throw new RangeError(`${what}: nFeatures must be a positive integer, got ${x.nFeatures}`);
  if (x.layout !== 'row-major' && x.layout !== 'column-major') throw new RangeError(`${what}: layout must be 'row-major' or 'column-major', got ${String(x.layout)}`);
  if (x.features.length !== x.nRows * x.nFeatures) {
    throw new RangeError(`${what}: features has length ${x.features.length}, expected nRows×nFeatures = ${x.nRows}×${x.nFeatures} = ${x.nRows * x.nFeatures}`);
  }
  if (x.featureNames !== undefined && x.featureNames.length !== x.nFeatures) {
    throw new RangeError(`${what}: featureNames has ${x.featureNames.length} names, expected ${x.nFeatures}`);
  }
}

/** Checks shapes, labels in {0,1} and weights ≥ 0; returns the dataset unchanged. */
export function validateDataset(ds: Dataset, what = 'dataset', opts: { requireBothClasses?: boolean } = {}): Dataset {
  validateFeatureMatrix(ds, what);
  if (ds.nRows === 0) throw new RangeError(`${what}: is empty (0 rows)`);
  if (!(ds.labels instanceof Float32Array || ds.labels instanceof Uint8Array)) throw new TypeError(`${what}: labels must be a Float32Array or Uint8Array`);
  if (ds.labels.length !== ds.nRows) throw new RangeError(`${what}: labels has length ${ds.labels.length}, expected nRows = ${ds.nRows}`);
  let positives = 0;
  for (let i = 0; i < ds.labels.length; i++) {
    const y = ds.labels[i];
    if (y !== 0 && y !== 1) throw new RangeError(`${what}: label at row ${i} is ${y}; labels must be 0 or 1`);
    positives += y;
  }
  if (ds.weights !== undefined) {
    if (ds.weights.length !== ds.nRows) throw new RangeError(`${what}: weights has length ${ds.weights.length}, expected nRows = ${ds.nRows}`);
    for (let i = 0; i < ds.weights.length; i++) {
      const w = ds.weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${what}: weight at row ${i} is ${w}; weights must be finite and ≥ 0`);
    }
  }
  if (opts.requireBothClasses && (positives === 0 || positives === ds.nRows)) {
    throw new RangeError(`${what}: labels contain only one class (${positives === 0 ? 0 : 1}); need both 0 and 1`);
  }
  return ds;
}

export function createDataset(input: DatasetInput): Dataset {
  const ds: Dataset = { ...input, layout: input.layout ?? 'row-major' };
  return validateDataset(ds);
}

/** Reads one feature column as a contiguous array (a view when column-major). */
export function featureColumn(x: FeatureMatrix, f: number): Float32Array {
  const { nRows: n, nFeatures: d } = x;
  if (x.layout === 'column-major') return x.features.subarray(f * n, (f + 1) * n);
  const out = new Float32Array(n);
  const src = x.features;
  for (let i = 0, k = f; i < n; i++, k += d) out[i] = src[k];
  return out;
}

/** Copies rows [start, end) into a new row-major float32 block. */
export function rowMajorSlice(x: FeatureMatrix, start: number, end: number): Float32Array {
  const d = x.nFeatures;
  if (x.layout === 'row-major') return x.features.subarray(start * d, end * d);
  const n = x.nRows;
  const out = new Float32Array((end - start) * d);
  for (let f = 0; f < d; f++) {
    const col = f * n;
    for (let i = start, k = f; i < end; i++, k += d) out[k] = x.features[col + i];
  }
  return out;
}

export function defaultFeatureNames(d: number): string[] {
  return Array.from({ length: d }, (_, f) => `f${f}`);
}
