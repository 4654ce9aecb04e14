// A fitted GBDT: flat trees + base score; predicts on raw float32 features (NaN = missing).
import { FittedBinner } from './binner';
import { FeatureMatrix, validateFeatureMatrix } from './dataset';
import { sigmoid } from './logistic';
import { RegressionTree } from './tree';

export interface FittedGradientBoostingInit {
  trees: RegressionTree[];
  baseScore: number;
  nFeatures: number;
  featureNames: string[];
  bestIteration: number;
  iterationsRun: number;
  trainLoss: Float64Array;
  validLoss?: Float64Array;
  binner?: FittedBinner;
}

export class FittedGradientBoosting {
  readonly kind = 'hist-gradient-boosting';
  readonly trees: readonly RegressionTree[];
  /** Log-odds of the (weighted) training prior, as float32. */
  readonly baseScore: number;
  readonly nFeatures: number;
  readonly featureNames: readonly string[];
  /** 0-based index of the tree with the best validation loss (last tree without validation). */
  readonly bestIteration: number;
  readonly iterationsRun: number;
  /** Loss after each tree. */
  readonly trainLoss: Float64Array;
  readonly validLoss?: Float64Array;
  readonly binner?: FittedBinner;

  constructor(init: FittedGradientBoostingInit) {
    this.trees = init.trees;
    this.baseScore = Math.fround(init.baseScore);
    this.nFeatures = init.nFeatures;
    this.featureNames = init.featureNames;
    this.bestIteration = init.bestIteration;
    this.iterationsRun = init.iterationsRun;
    this.trainLoss = init.trainLoss;
    this.validLoss = init.validLoss;
    this.binner = init.binner;
  }

  predictRaw(x: FeatureMatrix): Float64Array {
    validateFeatureMatrix(x);
    if (x.nFeatures !== this.nFeatures) throw new RangeError(`predict: model expects ${this.nFeatures} features, got ${x.nFeatures}`);
    const out = new Float64Array(x.nRows).fill(this.baseScore);
    for (const tree of this.trees) tree.addRawTo(x, out);
    return out;
  }

  predictProba(x: FeatureMatrix): Float64Array {
    const out = this.predictRaw(x);
    for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
    return out;
  }

  /** Total split gain per feature, normalised to sum to 1. */
  featureImportance(): Float64Array {
    const imp = new Float64Array(this.nFeatures);
    for (const t of this.trees) for (let i = 0; i < t.nNodes; i++) if (t.feature[i] >= 0) imp[t.feature[i]] += t.gain[i];
    const total = imp.reduce((a, b) => a + b, 0);
    if (total > 0) for (let f = 0; f < imp.length; f++) imp[f] /= total;
    return imp;
  }
}
