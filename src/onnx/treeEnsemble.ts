// A tree ensemble (sum of regression trees + base score → sigmoid) held in flat typed arrays: the
// contents of the ai.onnx.ml TreeEnsembleRegressor that the exporter writes. It is the one tree
// type of the ONNX side: the fitted GBDT converts to it once (treeEnsembleOfFitted), the exporter
// writes from it (exportGradientBoosting.ts), the decoder yields it back from the bytes
// (decodeTreeEnsemble.ts), and the campaign's combination scorer walks it. Thresholds and inputs
// are float32, compared the way onnxruntime's TreeEnsembleRegressor compares them.
//
// Why the trainer keeps its own trees (src/learners/tree.ts, RegressionTree): growing and
// boosting need what scoring does not — a bin threshold per split (the trainer predicts on
// uint8 bins, every iteration, on all training and validation rows), gain and cover (feature
// importance), and one tree object per iteration (an ensemble in one set of arrays would be
// reallocated as trees are added). Scoring needs what the trainer does not: all trees in one set
// of arrays indexed by node, float64 leaf sums, the ONNX missing-value rule. Converting once at
// export costs one pass over the nodes and keeps both hot loops as they are.
import type { FittedGradientBoosting } from '../learners/gradientBoosting';

export const LEAF = -1;

export interface TreeEnsembleArrays {
  /** First node of each tree. */
  roots: Int32Array;
  /** Split feature, or LEAF. */
  feature: Int32Array;
  threshold: Float32Array;
  /** Node taken when the test holds (x ≤ threshold) — or when x is NaN and missingTrue is set. */
  trueNode: Int32Array;
  falseNode: Int32Array;
  missingTrue: Uint8Array;
  /** Leaf output (0 for inner nodes). */
  value: Float64Array;
  baseScore: number;
  nFeatures: number;
}

/** The per-node arrays of `n` nodes, zeroed, for a builder to fill. */
export function emptyNodes(n: number): Omit<TreeEnsembleArrays, 'roots' | 'baseScore' | 'nFeatures'> {
  return { feature: new Int32Array(n), threshold: new Float32Array(n), trueNode: new Int32Array(n), falseNode: new Int32Array(n), missingTrue: new Uint8Array(n), value: new Float64Array(n) };
}

export class TreeEnsemble implements TreeEnsembleArrays {
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly trueNode: Int32Array;
  readonly falseNode: Int32Array;
  readonly missingTrue: Uint8Array;
  readonly value: Float64Array;
  readonly baseScore: number;
  readonly nFeatures: number;

  constructor(a: TreeEnsembleArrays) {
    this.roots = a.roots;
    this.feature = a.feature;
    this.threshold = a.threshold;
    this.trueNode = a.trueNode;
    this.falseNode = a.falseNode;
    this.missingTrue = a.missingTrue;
    this.value = a.value;
    this.baseScore = a.baseScore;
    this.nFeatures = a.nFeatures;
  }

  get nTrees(): number {
    return this.roots.length;
  }

  get nNodes(): number {
    return this.feature.length;
  }

  /** Margin (sum of leaves + base score) of the row at x[offset … offset + nFeatures). */
  margin(x: Float32Array, offset: number): number {
    const { roots, feature, threshold, trueNode, falseNode, missingTrue, value } = this;
    let sum = this.baseScore;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t];
      let f = feature[node];
      while (f !== LEAF) {
        const v = x[offset + f];
        node = v <= threshold[node] || (v !== v && missingTrue[node] === 1) ? trueNode[node] : falseNode[node];
        f = feature[node];
      }
      sum += value[node];
    }
    return sum;
  }

  /** Probabilities of `rows` row-major rows. */
  predictProba(x: Float32Array, rows: number, out = new Float32Array(rows)): Float32Array {
    const d = this.nFeatures;
    if (x.length < rows * d) throw new RangeError(`predictProba: expected ${rows}×${d} values, got ${x.length}`);
    for (let i = 0; i < rows; i++) out[i] = 1 / (1 + Math.exp(-this.margin(x, i * d)));
    return out;
  }
}

/**
 * The fitted trees in one flat ensemble: tree t's nodes follow one another from roots[t], in the
 * fitted tree's own node order, so node i of tree t is roots[t] + i.
 */
export function treeEnsembleOfFitted(model: Pick<FittedGradientBoosting, 'trees' | 'baseScore' | 'nFeatures'>): TreeEnsemble {
  let n = 0;
  for (const tree of model.trees) n += tree.nNodes;
  const roots = new Int32Array(model.trees.length);
  const nodes = emptyNodes(n);
  const { feature, threshold, trueNode, falseNode, missingTrue, value } = nodes;
  let at = 0;
  model.trees.forEach((tree, t) => {
    roots[t] = at;
    for (let i = 0; i < tree.nNodes; i++) {
      const node = at + i;
      if (tree.feature[i] < 0) {
        feature[node] = LEAF;
        value[node] = tree.value[i];
        continue;
      }
      // The fitted trees go left when x ≤ threshold, so "true" = left, and NaN goes to the true
      // branch iff it goes left.
      feature[node] = tree.feature[i];
      threshold[node] = tree.threshold[i];
      trueNode[node] = at + tree.left[i];
      falseNode[node] = at + tree.right[i];
      missingTrue[node] = tree.missingLeft[i];
    }
    at += tree.nNodes;
  });
  return new TreeEnsemble({ roots, ...nodes, baseScore: model.baseScore, nFeatures: model.nFeatures });
}
