// A tree ensemble (sum of regression trees + base score → sigmoid) held in flat typed arrays, as
// decoded from the exported ONNX model (decodeTreeEnsemble.ts). Thresholds and inputs are
// float32, compared the way onnxruntime's TreeEnsembleRegressor compares them.

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
