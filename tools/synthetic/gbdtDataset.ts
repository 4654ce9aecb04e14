// Synthetic binary data with a known non-linear logit, for tests and benchmarks.
import { Dataset } from '../../src/learners/dataset';
import { sigmoid } from '../../src/learners/logistic';
import { SeededRandom } from '../../src/learners/random';

export interface SyntheticOptions {
  nRows: number;
  /** ≥ 10; features beyond the first 8 are pure noise. */
  nFeatures: number;
  seed?: number;
  /** Probability that each of features 0, 3 and 5 is missing (NaN) in a row. */
  missingRate?: number;
}

export interface SyntheticData {
  dataset: Dataset;
  /** P(y = 1 | observed features) for every row. */
  trueProbability: Float64Array;
}

/**
 * Logit of the generating function on one row of OBSERVED features (NaN handled explicitly,
 * so trueProbability is the Bayes-optimal predictor given what the model sees).
 */
export function syntheticLogit(x: (f: number) => number): number {
  const x0 = x(0);
  const x3 = x(3);
  const x5 = x(5);
  let z = -0.4;
  z += x0 !== x0 ? 0.5 : 0.9 * x0;
  z += -0.7 * x(1);
  z += 1.1 * Math.sin(1.5 * x(2));
  z += x3 !== x3 ? -0.3 : 0.8 * x3 * x(4);
  z += x5 !== x5 ? 0.6 : x5 > 0.3 ? 0.9 : -0.4;
  z += 0.35 * x(6) * x(6) - 0.35;
  z += x(7) > 0 && x(1) > 0 ? 0.8 : 0;
  return z;
}

export function makeSyntheticBinary(opts: SyntheticOptions): SyntheticData {
  const { nRows: n, nFeatures: d } = opts;
  if (d < 10) throw new RangeError(`makeSyntheticBinary: nFeatures must be ≥ 10, got ${d}`);
  const rng = new SeededRandom(opts.seed ?? 1);
  const missing = opts.missingRate ?? 0.02;
  const features = new Float32Array(n * d);
  const labels = new Uint8Array(n);
  const trueProbability = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * d;
    for (let f = 0; f < d; f++) features[base + f] = f % 4 === 2 ? rng.next() * 4 - 2 : rng.normal();
    for (const f of [0, 3, 5]) if (rng.next() < missing) features[base + f] = NaN;
    const p = sigmoid(syntheticLogit((f) => features[base + f]));
    trueProbability[i] = p;
    labels[i] = rng.next() < p ? 1 : 0;
  }
  const featureNames = Array.from({ length: d }, (_, f) => (f < 8 ? `signal_${f}` : `noise_${f}`));
  return { dataset: { nRows: n, nFeatures: d, layout: 'row-major', features, labels, featureNames }, trueProbability };
}

/** Rows [start, end) of a row-major dataset as a new dataset (views, no copy). */
export function sliceRows(ds: Dataset, start: number, end: number): Dataset {
  if (ds.layout !== 'row-major') throw new RangeError('sliceRows: needs a row-major dataset');
  const d = ds.nFeatures;
  return {
    nRows: end - start,
    nFeatures: d,
    layout: 'row-major',
    features: ds.features.subarray(start * d, end * d),
    labels: ds.labels.subarray(start, end),
    weights: ds.weights?.subarray(start, end),
    featureNames: ds.featureNames,
  };
}
