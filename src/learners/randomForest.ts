// A random forest for binary labels (Breiman): each tree is grown deep on a bootstrap sample of
// the rows, each split choosing among a random subset of the features by Gini decrease, on the
// same quantile bins the GBDT uses. ONNX export is in src/onnx/exportRandomForest.ts.
//
// How the trees are combined: a leaf holds the log-odds of its (smoothed) positive share, divided
// by the number of trees, and the forest's probability is sigmoid(Σ leaves) — the mean of the
// trees' log-odds rather than the mean of their probabilities. Ranking quality is the same in
// practice, and the forest then has exactly the GBDT's shape (a sum of regression trees followed by
// a sigmoid), so the ONNX TreeEnsembleRegressor → Sigmoid graph, the tree decoder and the campaign
// scorer's fast combination walk serve it unchanged. Smoothing (α pseudo-rows at the training
// prior) keeps pure leaves finite.
import { FeatureBinner, MISSING_BIN } from './binner';
import { Dataset, FeatureMatrix, validateDataset } from './dataset';
import { splitGainImportance, treeSumMargins, treeSumProbabilities } from './treeSum';
import { SeededRandom } from './random';
import { RegressionTree } from './tree';

export interface RandomForestParams {
  /** Trees. Default 100. */
  nEstimators?: number;
  /** Deepest split level. Default 12. */
  maxDepth?: number;
  /** Least (bootstrap-weighted) rows in a leaf. Default 20. */
  minSamplesLeaf?: number;
  /** Features tried per split: a count ≥ 1, or a fraction in (0, 1). Default √d. */
  maxFeatures?: number;
  /** Rows drawn (with replacement) per tree; default all rows, capped by this. */
  maxSamples?: number;
  /** Bins per feature including the missing bin (3–255). Default 64. */
  maxBins?: number;
  /** Pseudo-rows at the training prior added to each leaf. Default 2. */
  leafSmoothing?: number;
  seed?: number;
}

export type ResolvedRandomForestParams = Required<Omit<RandomForestParams, 'maxFeatures' | 'maxSamples'>> & { maxFeatures?: number; maxSamples?: number };

export interface RandomForestProgress {
  tree: number;
  trees: number;
}

export class FittedRandomForest {
  readonly kind = 'random-forest';
  /** Sum of trees = mean log-odds; no base score. */
  readonly baseScore = 0;

  constructor(
    readonly trees: readonly RegressionTree[],
    readonly nFeatures: number,
    readonly featureNames: readonly string[],
  ) {}

  predictRaw(x: FeatureMatrix): Float64Array {
    return treeSumMargins(this, x);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return treeSumProbabilities(this, x);
  }

  /** Total Gini decrease per feature, normalised to sum to 1. */
  featureImportance(): Float64Array {
    return splitGainImportance(this);
  }
}

export class RandomForestClassifier {
  readonly params: ResolvedRandomForestParams;

  constructor(params: RandomForestParams = {}) {
    this.params = {
      nEstimators: params.nEstimators ?? 100,
      maxDepth: params.maxDepth ?? 12,
      minSamplesLeaf: params.minSamplesLeaf ?? 20,
      maxBins: params.maxBins ?? 64,
      leafSmoothing: params.leafSmoothing ?? 2,
      seed: params.seed ?? 0,
      ...(params.maxFeatures !== undefined ? { maxFeatures: params.maxFeatures } : {}),
      ...(params.maxSamples !== undefined ? { maxSamples: params.maxSamples } : {}),
    };
    const p = this.params;
    const positiveInt = (name: string, v: number) => {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`RandomForest: ${name} must be a positive integer, got ${v}`);
    };
    positiveInt('nEstimators', p.nEstimators);
    positiveInt('maxDepth', p.maxDepth);
    positiveInt('minSamplesLeaf', p.minSamplesLeaf);
    if (p.maxSamples !== undefined) positiveInt('maxSamples', p.maxSamples);
    if (p.maxFeatures !== undefined && !(p.maxFeatures > 0 && (p.maxFeatures < 1 || Number.isInteger(p.maxFeatures)))) {
      throw new RangeError(`RandomForest: maxFeatures must be a fraction in (0, 1) or a positive integer, got ${p.maxFeatures}`);
    }
    if (!(p.leafSmoothing > 0)) throw new RangeError(`RandomForest: leafSmoothing must be > 0, got ${p.leafSmoothing}`);
  }

  fit(train: Dataset, opts: { onTree?: (p: RandomForestProgress) => void } = {}): FittedRandomForest {
    validateDataset(train, 'training set');
    const p = this.params;
    const n = train.nRows;
    const d = train.nFeatures;
    if (n === 0) throw new RangeError('RandomForest.fit: the training set has 0 rows');
    const binner = new FeatureBinner({ maxBins: p.maxBins, seed: p.seed }).fit(train);
    const { bins } = binner.transform(train);
    const labels = train.labels;
    const rowWeight = train.weights;
    let wSum = 0;
    let pSum = 0;
    for (let i = 0; i < n; i++) {
      const w = rowWeight ? rowWeight[i] : 1;
      wSum += w;
      pSum += w * labels[i];
    }
    const prior = Math.min(1 - 1e-6, Math.max(1e-6, pSum / wSum));
    const mtry = p.maxFeatures === undefined ? Math.max(1, Math.round(Math.sqrt(d))) : p.maxFeatures < 1 ? Math.max(1, Math.round(p.maxFeatures * d)) : Math.min(d, p.maxFeatures);
    const draws = Math.min(n, p.maxSamples ?? n);
    const rng = new SeededRandom(p.seed);
    const nBins = new Int32Array(d);
    for (let f = 0; f < d; f++) nBins[f] = binner.nValueBins(f);
    const grower = new ForestTreeGrower(bins, n, d, nBins, labels, rowWeight, binner.thresholdOf.bind(binner), {
      maxDepth: p.maxDepth, minSamplesLeaf: p.minSamplesLeaf, mtry, smoothing: p.leafSmoothing, prior, scale: 1 / p.nEstimators,
    });
    const counts = new Uint16Array(n);
    const trees: RegressionTree[] = [];
    for (let t = 0; t < p.nEstimators; t++) {
      counts.fill(0);
      for (let k = 0; k < draws; k++) counts[rng.int(n)]++;
      trees.push(grower.grow(counts, rng));
      opts.onTree?.({ tree: t + 1, trees: p.nEstimators });
    }
    return new FittedRandomForest(trees, d, train.featureNames ? [...train.featureNames] : Array.from({ length: d }, (_, f) => `f${f}`));
  }
}

interface GrowSettings {
  maxDepth: number;
  minSamplesLeaf: number;
  mtry: number;
  smoothing: number;
  prior: number;
  /** Leaf log-odds are multiplied by this (1 / trees). */
  scale: number;
}

/** Grows one tree depth-first on the rows with a bootstrap count > 0, weighted by the count. */
class ForestTreeGrower {
  private readonly histW: Float64Array;
  private readonly histP: Float64Array;
  private readonly featureOrder: Int32Array;
  private rows = new Int32Array(0);
  private weight = new Float64Array(0);
  // The tree under construction, as growable arrays.
  private feature: number[] = [];
  private threshold: number[] = [];
  private binThreshold: number[] = [];
  private missingLeft: number[] = [];
  private left: number[] = [];
  private right: number[] = [];
  private value: number[] = [];
  private gain: number[] = [];
  private cover: number[] = [];

  constructor(
    private readonly bins: Uint8Array,
    private readonly n: number,
    private readonly d: number,
    private readonly nBins: Int32Array,
    private readonly labels: ArrayLike<number>,
    private readonly rowWeight: ArrayLike<number> | undefined,
    private readonly thresholdOf: (f: number, b: number) => number,
    private readonly s: GrowSettings,
  ) {
    this.histW = new Float64Array(256);
    this.histP = new Float64Array(256);
    this.featureOrder = Int32Array.from({ length: d }, (_, f) => f);
  }

  grow(counts: Uint16Array, rng: SeededRandom): RegressionTree {
    let m = 0;
    for (let i = 0; i < this.n; i++) if (counts[i] > 0) m++;
    this.rows = new Int32Array(m);
    this.weight = new Float64Array(this.n);
    m = 0;
    for (let i = 0; i < this.n; i++) {
      if (counts[i] === 0) continue;
      this.rows[m++] = i;
      this.weight[i] = counts[i] * (this.rowWeight ? this.rowWeight[i] : 1);
    }
    for (const a of [this.feature, this.threshold, this.binThreshold, this.missingLeft, this.left, this.right, this.value, this.gain, this.cover]) a.length = 0;
    this.node(0, m, 0, rng);
    return new RegressionTree({
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      binThreshold: Uint8Array.from(this.binThreshold),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float32Array.from(this.value),
      gain: Float32Array.from(this.gain),
      cover: Float32Array.from(this.cover),
    });
  }

  private newNode(): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.binThreshold.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    this.gain.push(0);
    this.cover.push(0);
    return id;
  }

  /** Grows the node holding rows[start, end); returns its id. */
  private node(start: number, end: number, depth: number, rng: SeededRandom): number {
    const id = this.newNode();
    const { rows, weight, labels, bins, n, s } = this;
    let W = 0;
    let P = 0;
    for (let k = start; k < end; k++) {
      const i = rows[k];
      W += weight[i];
      P += weight[i] * labels[i];
    }
    this.cover[id] = W;
    const best = depth < s.maxDepth && W >= 2 * s.minSamplesLeaf && P > 0 && P < W ? this.bestSplit(start, end, W, P, rng) : undefined;
    if (!best) {
      const q = (P + s.smoothing * s.prior) / (W + s.smoothing);
      this.value[id] = Math.fround(Math.log(q / (1 - q)) * s.scale);
      return id;
    }
    // Stable enough partition in place: left rows first.
    const base = best.feature * n;
    let lo = start;
    let hi = end - 1;
    while (lo <= hi) {
      const b = bins[base + rows[lo]];
      const goLeft = b === MISSING_BIN ? best.missingLeft : b <= best.bin;
      if (goLeft) lo++;
      else {
        const t = rows[lo];
        rows[lo] = rows[hi];
        rows[hi] = t;
        hi--;
      }
    }
    this.feature[id] = best.feature;
    this.binThreshold[id] = best.bin;
    this.threshold[id] = Math.fround(this.thresholdOf(best.feature, best.bin));
    this.missingLeft[id] = best.missingLeft ? 1 : 0;
    this.gain[id] = best.gain;
    const l = this.node(start, lo, depth + 1, rng);
    const r = this.node(lo, end, depth + 1, rng);
    this.left[id] = l;
    this.right[id] = r;
    return id;
  }

  /** Best Gini split over mtry random features, or undefined when none has both sides ≥ minSamplesLeaf. */
  private bestSplit(start: number, end: number, W: number, P: number, rng: SeededRandom): { feature: number; bin: number; missingLeft: boolean; gain: number } | undefined {
    const { rows, weight, labels, bins, n, d, s, histW, histP, featureOrder } = this;
    const parent = (P * P + (W - P) * (W - P)) / W;
    let best: { feature: number; bin: number; missingLeft: boolean; gain: number } | undefined;
    // Partial Fisher–Yates: the first mtry of featureOrder are this node's candidates.
    for (let j = 0; j < s.mtry; j++) {
      const k = j + rng.int(d - j);
      const f = featureOrder[k];
      featureOrder[k] = featureOrder[j];
      featureOrder[j] = f;
      const nb = this.nBins[f];
      histW.fill(0, 0, nb);
      histP.fill(0, 0, nb);
      let mW = 0;
      let mP = 0;
      const base = f * n;
      for (let r = start; r < end; r++) {
        const i = rows[r];
        const b = bins[base + i];
        const w = weight[i];
        if (b === MISSING_BIN) {
          mW += w;
          mP += w * labels[i];
        } else {
          histW[b] += w;
          histP[b] += w * labels[i];
        }
      }
      let lW = 0;
      let lP = 0;
      for (let b = 0; b < nb - 1; b++) {
        lW += histW[b];
        lP += histP[b];
        if (histW[b] === 0) continue;
        for (const missingLeft of mW > 0 ? [false, true] : [false]) {
          const LW = lW + (missingLeft ? mW : 0);
          const LP = lP + (missingLeft ? mP : 0);
          const RW = W - LW;
          const RP = P - LP;
          if (LW < s.minSamplesLeaf || RW < s.minSamplesLeaf) continue;
          const gain = (LP * LP + (LW - LP) * (LW - LP)) / LW + (RP * RP + (RW - RP) * (RW - RP)) / RW - parent;
          if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature: f, bin: b, missingLeft, gain };
        }
      }
    }
    return best;
  }
}
