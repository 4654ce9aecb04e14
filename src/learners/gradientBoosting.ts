// Histogram gradient-boosted trees for binary classification (logistic loss).
import { FittedBinner, binSampleRows } from './binner';
import { Dataset, defaultFeatureNames, validateDataset } from './dataset';
import { SeededRandom } from './random';
import { RegressionTree } from './tree';
import { TreeGrower } from './treeGrower';
import { FittedGradientBoosting } from './fittedGradientBoosting';

export { FittedGradientBoosting } from './fittedGradientBoosting';
export type { FittedGradientBoostingInit } from './fittedGradientBoosting';
import { rowStride } from './histogram';
import { TrainingKernels } from './parallelKernels';
import { trainingThreads } from '../config/trainingSettings';
import { TrainingPhaseTimes } from './trainingPhases';
import { availableParallelism } from 'node:os';

export interface HistGradientBoostingParams {
  nEstimators?: number;
  learningRate?: number;
  maxDepth?: number;
  /** Defaults to 2^maxDepth; smaller values grow best-first (leaf-wise) trees. */
  maxLeaves?: number;
  /** Minimum hessian sum per child. */
  minChildWeight?: number;
  minSamplesLeaf?: number;
  l2Regularization?: number;
  minSplitGain?: number;
  /** Fraction of rows sampled (Bernoulli) per tree. */
  subsample?: number;
  /** Fraction of features sampled per tree. */
  colsample?: number;
  /** Stop when validation loss has not improved for this many trees (needs a validation set). 0 = off. */
  earlyStoppingRounds?: number;
  seed?: number;
  maxBins?: number;
  binSampleSize?: number;
  /**
   * Threads for the trainer's loops (worker_threads over shared memory); default the
   * TrainingThreads setting, else min(2, cores). Small data always uses 1. The model is the same
   * for any number.
   */
  nThreads?: number;
  /** Internal: false builds both children's histograms instead of subtracting (for testing). */
  histogramSubtraction?: boolean;
  /** Internal: false runs the JS loops instead of their WebAssembly versions (for testing; same model). */
  wasmKernels?: boolean;
}

export interface IterationInfo {
  iteration: number;
  trainLoss: number;
  validLoss?: number;
}

export interface FitOptions {
  /** Held-out set (split by time by the caller) for the loss curve and early stopping. */
  validation?: Dataset;
  /** Called after each tree (for progress reporting). */
  onIteration?: (info: IterationInfo) => void;
  /** Filled with the fit's wall time per phase (trainingPhases.ts); unmeasured when absent. */
  phases?: TrainingPhaseTimes;
}

/** Everything the boosting loop works on, prepared by fit(). */
interface BoostState {
  train: Dataset;
  valid: Dataset | undefined;
  options: FitOptions;
  binner: FittedBinner;
  baseScore: number;
  /** The training state (margins, gradients, slots) and the loops over it. */
  kernels: TrainingKernels;
  grower: TreeGrower;
}

/** Below this many n×d cells worker start-up costs more than it saves. */
const PARALLEL_MIN_CELLS = 2_000_000;

type ResolvedParams = Required<Omit<HistGradientBoostingParams, 'maxLeaves'>> & { maxLeaves: number };

export class HistGradientBoostingClassifier {
  readonly params: ResolvedParams;

  constructor(params: HistGradientBoostingParams = {}) {
    const maxDepth = params.maxDepth ?? 6;
    const p: ResolvedParams = {
      nEstimators: params.nEstimators ?? 100,
      learningRate: params.learningRate ?? 0.1,
      maxDepth,
      maxLeaves: params.maxLeaves ?? 2 ** Math.min(maxDepth, 16),
      minChildWeight: params.minChildWeight ?? 1e-3,
      minSamplesLeaf: params.minSamplesLeaf ?? 20,
      l2Regularization: params.l2Regularization ?? 1,
      minSplitGain: params.minSplitGain ?? 0,
      subsample: params.subsample ?? 1,
      colsample: params.colsample ?? 1,
      earlyStoppingRounds: params.earlyStoppingRounds ?? 0,
      seed: params.seed ?? 0,
      maxBins: params.maxBins ?? 255,
      binSampleSize: params.binSampleSize ?? 200_000,
      nThreads: params.nThreads ?? trainingThreads() ?? Math.min(2, availableParallelism()),
      histogramSubtraction: params.histogramSubtraction ?? true,
      wasmKernels: params.wasmKernels ?? true,
    };
    const check = (ok: boolean, msg: string): void => {
      if (!ok) throw new RangeError(`HistGradientBoostingClassifier: ${msg}`);
    };
    check(Number.isInteger(p.nEstimators) && p.nEstimators >= 1, `nEstimators must be an integer ≥ 1, got ${p.nEstimators}`);
    check(p.learningRate > 0 && p.learningRate <= 1, `learningRate must be in (0, 1], got ${p.learningRate}`);
    check(Number.isInteger(p.maxDepth) && p.maxDepth >= 1, `maxDepth must be an integer ≥ 1, got ${p.maxDepth}`);
    check(Number.isInteger(p.maxLeaves) && p.maxLeaves >= 2, `maxLeaves must be an integer ≥ 2, got ${p.maxLeaves}`);
    check(p.minChildWeight >= 0, `minChildWeight must be ≥ 0, got ${p.minChildWeight}`);
    check(Number.isInteger(p.minSamplesLeaf) && p.minSamplesLeaf >= 1, `minSamplesLeaf must be an integer ≥ 1, got ${p.minSamplesLeaf}`);
    check(p.l2Regularization >= 0, `l2Regularization must be ≥ 0, got ${p.l2Regularization}`);
    check(p.minSplitGain >= 0, `minSplitGain must be ≥ 0, got ${p.minSplitGain}`);
    check(p.subsample > 0 && p.subsample <= 1, `subsample must be in (0, 1], got ${p.subsample}`);
    check(p.colsample > 0 && p.colsample <= 1, `colsample must be in (0, 1], got ${p.colsample}`);
    check(Number.isInteger(p.earlyStoppingRounds) && p.earlyStoppingRounds >= 0, `earlyStoppingRounds must be an integer ≥ 0, got ${p.earlyStoppingRounds}`);
    check(Number.isInteger(p.seed), `seed must be an integer, got ${p.seed}`);
    check(Number.isInteger(p.maxBins) && p.maxBins >= 3 && p.maxBins <= 255, `maxBins must be an integer in [3, 255], got ${p.maxBins}`);
    check(Number.isInteger(p.binSampleSize) && p.binSampleSize >= 1, `binSampleSize must be a positive integer, got ${p.binSampleSize}`);
    check(Number.isInteger(p.nThreads) && p.nThreads >= 1 && p.nThreads <= 64, `nThreads must be an integer in [1, 64], got ${p.nThreads}`);
    this.params = p;
  }

  fit(train: Dataset, options: FitOptions = {}): FittedGradientBoosting {
    const p = this.params;
    validateDataset(train, 'training set', { requireBothClasses: true });
    const valid = options.validation;
    if (valid) {
      validateDataset(valid, 'validation set');
      if (valid.nFeatures !== train.nFeatures) {
        throw new RangeError(`validation set has ${valid.nFeatures} features, training set has ${train.nFeatures}`);
      }
    }
    if (p.earlyStoppingRounds > 0 && !valid) throw new RangeError('earlyStoppingRounds needs options.validation');

    const phases = options.phases ?? null;
    const started = performance.now();
    const n = train.nRows;
    const d = train.nFeatures;
    const labels = train.labels;
    const weights = train.weights;
    let wPos = 0;
    let wAll = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i] : 1;
      wPos += w * labels[i];
      wAll += w;
    }
    if (!(wPos > 0 && wPos < wAll)) throw new RangeError('training set: weighted labels contain only one class');
    const baseScore = Math.fround(Math.log(wPos / (wAll - wPos)));

    const nThreads = p.nThreads > 1 && n * d >= PARALLEL_MIN_CELLS ? p.nThreads : 1;
    const kernels = new TrainingKernels(
      { x: train, stride: rowStride(d), labels, weights, validX: valid, validLabels: valid?.labels, validWeights: valid?.weights, sampleRows: binSampleRows(n, p.binSampleSize, p.seed), maxLeaves: p.maxLeaves },
      nThreads,
      p.wasmKernels,
    );
    kernels.phases = phases;
    if (phases) {
      phases.threads = kernels.nThreads;
      phases.add('setup', started);
    }
    try {
      // The same thresholds and bins as FeatureBinner / FittedBinner.transform, on the trainer's threads.
      const binner = kernels.fitBinner(p.maxBins - 1);
      kernels.binRows(binner);
      const grower = new TreeGrower(kernels, binner, {
        maxDepth: p.maxDepth,
        maxLeaves: p.maxLeaves,
        learningRate: p.learningRate,
        histogramSubtraction: p.histogramSubtraction,
        lambda: p.l2Regularization,
        minChildWeight: p.minChildWeight,
        minSamplesLeaf: p.minSamplesLeaf,
        minSplitGain: p.minSplitGain,
      });
      return this.boost({ train, valid, options, binner, baseScore, kernels, grower });
    } finally {
      kernels.close();
      if (phases) phases.totalMs += performance.now() - started;
    }
  }

  private boost(state: BoostState): FittedGradientBoosting {
    const { train, valid, options, binner, baseScore, kernels, grower } = state;
    const p = this.params;
    const n = train.nRows;
    const d = train.nFeatures;
    const rng = new SeededRandom(p.seed);
    const sampleBuf = kernels.S.sample;
    kernels.S.raw.fill(baseScore);
    kernels.S.validRaw.fill(baseScore);
    const nColumns = Math.max(1, Math.round(p.colsample * d));
    const allFeatures = Int32Array.from({ length: d }, (_, f) => f);

    const trees: RegressionTree[] = [];
    const trainLoss: number[] = [];
    const validLoss: number[] = [];
    let bestIteration = -1;
    let bestValid = Infinity;

    kernels.gradients();
    for (let t = 0; t < p.nEstimators; t++) {
      const allRows = p.subsample >= 1;
      let m = n;
      if (!allRows) {
        m = 0;
        for (let i = 0; i < n; i++) if (rng.next() < p.subsample) sampleBuf[m++] = i;
        kernels.gather(m);
      }
      const features = nColumns >= d ? allFeatures : sampleFeatures(d, nColumns, rng);

      const tree = grower.grow(!allRows, m, features);
      trees.push(tree);
      if (allRows) kernels.addLeaves(m);
      else kernels.addTree(tree);
      // Gradients for the next tree; the same pass yields the loss after this tree.
      const tl = kernels.gradients();
      trainLoss.push(tl);
      const info: IterationInfo = { iteration: t, trainLoss: tl };
      if (valid) {
        // The validation margins and the loss at them in one pass over the rows, on all threads.
        const vl = kernels.addTreeToValidation(tree);
        validLoss.push(vl);
        info.validLoss = vl;
        if (vl < bestValid) {
          bestValid = vl;
          bestIteration = t;
        }
      } else {
        bestIteration = t;
      }
      options.onIteration?.(info);
      if (p.earlyStoppingRounds > 0 && t - bestIteration >= p.earlyStoppingRounds) break;
    }

    const kept = p.earlyStoppingRounds > 0 ? trees.slice(0, bestIteration + 1) : trees;
    return new FittedGradientBoosting({
      trees: kept,
      baseScore,
      nFeatures: d,
      featureNames: train.featureNames ? [...train.featureNames] : defaultFeatureNames(d),
      bestIteration,
      iterationsRun: trees.length,
      trainLoss: Float64Array.from(trainLoss),
      validLoss: valid ? Float64Array.from(validLoss) : undefined,
      binner,
    });
  }
}

function sampleFeatures(d: number, k: number, rng: SeededRandom): Int32Array {
  const all = Int32Array.from({ length: d }, (_, f) => f);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(d - i);
    const tmp = all[i];
    all[i] = all[j];
    all[j] = tmp;
  }
  return all.subarray(0, k).sort();
}
