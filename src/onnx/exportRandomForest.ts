// Random forest → ONNX: the same graph as the GBDT's (ai.onnx.ml TreeEnsembleRegressor SUM →
// Sigmoid), because the forest's leaves already hold log-odds divided by the number of trees
// (src/learners/randomForest.ts says why). The decoder and the campaign scorer read it as they
// read a GBDT.
import type { FittedRandomForest } from '../learners/randomForest';
import { treeEnsembleRegressorNode } from './exportGradientBoosting';
import { OnnxNode, encodeOnnxModel } from './onnxModelWriter';
import { TensorDataType } from './onnxSchema';
import { ExportOptions, buildMetadata } from './exportOptions';
import { treeEnsembleOfFitted } from './treeEnsemble';

export function exportRandomForestToOnnx(model: FittedRandomForest, options: ExportOptions = {}): Uint8Array {
  const trees = treeEnsembleOfFitted(model);
  const ensemble = treeEnsembleRegressorNode(trees, ['features'], ['margin']);
  const sigmoid: OnnxNode = { opType: 'Sigmoid', name: 'probability_sigmoid', inputs: ['margin'], outputs: ['probability'] };
  return encodeOnnxModel({
    graph: {
      name: 'random_forest',
      nodes: [ensemble, sigmoid],
      inputs: [{ name: 'features', elemType: TensorDataType.FLOAT, shape: ['N', trees.nFeatures] }],
      outputs: [{ name: 'probability', elemType: TensorDataType.FLOAT, shape: ['N', 1] }],
    },
    opsets: [
      { domain: '', version: options.opsetVersion ?? 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    docString: 'Binary random forest: P(y=1) = sigmoid(mean of the trees\' leaf log-odds)',
    metadata: buildMetadata('random-forest', model.featureNames, options.metadata, { n_trees: String(trees.nTrees) }),
  });
}
