// Random forest → ONNX: the same graph as the GBDT's (ai.onnx.ml TreeEnsembleRegressor SUM →
// Sigmoid), because the forest's leaves already hold log-odds divided by the number of trees
// (src/learners/randomForest.ts says why). The decoder and the campaign scorer read it as they
// read a GBDT.
import type { FittedRandomForest } from '../learners/randomForest';
import { encodeSigmoidTreeEnsemble } from './exportGradientBoosting';
import { ExportOptions, buildMetadata } from './exportOptions';
import { treeEnsembleOfFitted } from './treeEnsemble';

export function exportRandomForestToOnnx(model: FittedRandomForest, options: ExportOptions = {}): Uint8Array {
  const trees = treeEnsembleOfFitted(model);
  return encodeSigmoidTreeEnsemble(trees, {
    graphName: 'random_forest',
    docString: 'Binary random forest: P(y=1) = sigmoid(mean of the trees\' leaf log-odds)',
    metadata: buildMetadata('random-forest', model.featureNames, options.metadata, { n_trees: String(trees.nTrees) }),
  }, options);
}
