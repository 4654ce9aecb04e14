// A fitted GBDT: flat trees + base score; predicts on raw float32 features (NaN = missing).
import { FittedBinner } from './binner';
import { FeatureMatrix } from './dataset';
import { splitGainImportance, treeSumMargins, treeSumProbabilities } from './treeSum';
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
    return treeSumMargins(this, x);
  }

  predictProba(x: FeatureMatrix): Float64Array {
    return treeSumProbabilities(this, x);
  }

  /** Total split gain per feature, normalised to sum to 1. */
  featureImportance(): Float64Array {
    return splitGainImportance(this);
  }
}
