// A fitted regression tree stored as flat typed arrays (node i = index i; root = 0): the
// trainer's tree. Each split keeps its bin threshold (boosting predicts on uint8 bins, every
// iteration, on all training and validation rows), its gain and cover (feature importance), and
// each boosting iteration adds one tree object. Scoring outside training uses another layout,
// src/onnx/treeEnsemble.ts (all trees in one set of arrays, the ONNX TreeEnsembleRegressor's
// contents): the exporter converts the fitted trees to it once, and the decoder of an exported
// model yields it. One type for both would slow either the binned training walk (a node array
// shared by all trees, regrown per iteration) or carry training-only arrays into scoring.
import { MISSING_BIN } from './binner';
import { FeatureMatrix } from './dataset';

export interface TreeArrays {
  /** Split feature per node; -1 marks a leaf. */
  feature: Int32Array;
  /** Float32 raw-value threshold: go left when x ≤ threshold (BRANCH_LEQ). */
  threshold: Float32Array;
  /** Same split on binned data: go left when bin ≤ binThreshold. */
  binThreshold: Uint8Array;
  /** 1 when NaN goes left. */
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf output (shrinkage already applied); 0 for internal nodes. */
  value: Float32Array;
  /** Split gain (internal nodes) for importance reporting. */
  gain: Float32Array;
  /** Hessian sum of the training rows reaching the node. */
  cover: Float32Array;
}

export class RegressionTree implements TreeArrays {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly binThreshold: Uint8Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float32Array;
  readonly gain: Float32Array;
  readonly cover: Float32Array;

  constructor(a: TreeArrays) {
    this.feature = a.feature;
    this.threshold = a.threshold;
    this.binThreshold = a.binThreshold;
    this.missingLeft = a.missingLeft;
    this.left = a.left;
    this.right = a.right;
    this.value = a.value;
    this.gain = a.gain;
    this.cover = a.cover;
  }

  get nNodes(): number {
    return this.feature.length;
  }

  get nLeaves(): number {
    let k = 0;
    for (let i = 0; i < this.feature.length; i++) if (this.feature[i] < 0) k++;
    return k;
  }

  get depth(): number {
    const depthOf = (node: number): number =>
      this.feature[node] < 0 ? 0 : 1 + Math.max(depthOf(this.left[node]), depthOf(this.right[node]));
    return depthOf(0);
  }

  /** Adds this tree's output for every row of raw features to out. */
  addRawTo(x: FeatureMatrix, out: Float64Array): void {
    const { feature, threshold, missingLeft, left, right, value } = this;
    const n = x.nRows;
    const d = x.nFeatures;
    const data = x.features;
    const rowStride = x.layout === 'row-major' ? d : 1;
    const featStride = x.layout === 'row-major' ? 1 : n;
    for (let i = 0; i < n; i++) {
      let node = 0;
      const base = i * rowStride;
      let f = feature[0];
      while (f >= 0) {
        const v = data[base + f * featStride];
        node = v !== v ? (missingLeft[node] ? left[node] : right[node]) : v <= threshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      out[i] += value[node];
    }
  }

  /** Adds this tree's output for n rows of row-major bins (bins[i*stride + f]) to out. */
  addRowBinnedTo(bins: Uint8Array, stride: number, n: number, out: Float64Array): void {
    const { feature, binThreshold, missingLeft, left, right, value } = this;
    for (let i = 0; i < n; i++) {
      let node = 0;
      let f = feature[0];
      const base = i * stride;
      while (f >= 0) {
        const b = bins[base + f];
        node = b === MISSING_BIN ? (missingLeft[node] ? left[node] : right[node]) : b <= binThreshold[node] ? left[node] : right[node];
        f = feature[node];
      }
      out[i] += value[node];
    }
  }
}
