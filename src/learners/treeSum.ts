// What every fitted model made of summed regression trees does the same way (the GBDT, whose sum
// starts at its base score, and the random forest, whose leaves hold log-odds ÷ trees): the raw
// margin, the probability through the sigmoid, and the split-gain importance per feature.
import { FeatureMatrix, validateFeatureMatrix } from './dataset';
import { sigmoid } from './logistic';
import type { RegressionTree } from './tree';

export interface TreeSum {
  readonly trees: readonly RegressionTree[];
  readonly baseScore: number;
  readonly nFeatures: number;
}

export function treeSumMargins(model: TreeSum, x: FeatureMatrix): Float64Array {
  validateFeatureMatrix(x);
  if (x.nFeatures !== model.nFeatures) throw new RangeError(`predict: model expects ${model.nFeatures} features, got ${x.nFeatures}`);
  const out = new Float64Array(x.nRows).fill(model.baseScore);
  for (const tree of model.trees) tree.addRawTo(x, out);
  return out;
}

export function treeSumProbabilities(model: TreeSum, x: FeatureMatrix): Float64Array {
  const out = treeSumMargins(model, x);
  for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
  return out;
}

/** Total split gain per feature (Gini decrease for the forest), normalised to sum to 1. */
export function splitGainImportance(model: TreeSum): Float64Array {
  const imp = new Float64Array(model.nFeatures);
  for (const t of model.trees) for (let i = 0; i < t.nNodes; i++) if (t.feature[i] >= 0) imp[t.feature[i]] += t.gain[i];
  const total = imp.reduce((a, b) => a + b, 0);
  if (total > 0) for (let f = 0; f < imp.length; f++) imp[f] /= total;
  return imp;
}
