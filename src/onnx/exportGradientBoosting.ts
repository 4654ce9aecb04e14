// GBDT → ONNX: ai.onnx.ml TreeEnsembleRegressor (margin) followed by Sigmoid (probability).
import type { FittedGradientBoosting } from '../learners/gradientBoosting';
import { OnnxNode, attr, encodeOnnxModel } from './onnxModelWriter';
import { TensorDataType } from './onnxSchema';
import { ExportOptions, buildMetadata } from './exportOptions';

export function exportGradientBoostingToOnnx(model: FittedGradientBoosting, options: ExportOptions = {}): Uint8Array {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const values: number[] = [];
  const modes: string[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTracksTrue: number[] = [];
  const targetTreeIds: number[] = [];
  const targetNodeIds: number[] = [];
  const targetWeights: number[] = [];

  model.trees.forEach((tree, t) => {
    for (let i = 0; i < tree.nNodes; i++) {
      const leaf = tree.feature[i] < 0;
      treeIds.push(t);
      nodeIds.push(i);
      featureIds.push(leaf ? 0 : tree.feature[i]);
      values.push(leaf ? 0 : tree.threshold[i]);
      // Trees go left when x ≤ threshold, so "true" = left and NaN tracks true iff it goes left.
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      trueIds.push(leaf ? 0 : tree.left[i]);
      falseIds.push(leaf ? 0 : tree.right[i]);
      missingTracksTrue.push(leaf ? 0 : tree.missingLeft[i]);
      if (leaf) {
        targetTreeIds.push(t);
        targetNodeIds.push(i);
        targetWeights.push(tree.value[i]);
      }
    }
  });

  const ensemble: OnnxNode = {
    opType: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    name: 'gbdt_margin',
    inputs: ['features'],
    outputs: ['margin'],
    attributes: [
      attr.int('n_targets', 1),
      attr.string('aggregate_function', 'SUM'),
      attr.string('post_transform', 'NONE'),
      attr.floats('base_values', [model.baseScore]),
      attr.ints('nodes_treeids', treeIds),
      attr.ints('nodes_nodeids', nodeIds),
      attr.ints('nodes_featureids', featureIds),
      attr.floats('nodes_values', values),
      attr.strings('nodes_modes', modes),
      attr.ints('nodes_truenodeids', trueIds),
      attr.ints('nodes_falsenodeids', falseIds),
      attr.ints('nodes_missing_value_tracks_true', missingTracksTrue),
      attr.ints('target_treeids', targetTreeIds),
      attr.ints('target_nodeids', targetNodeIds),
      attr.ints('target_ids', new Array<number>(targetTreeIds.length).fill(0)),
      attr.floats('target_weights', targetWeights),
    ],
  };
  const sigmoid: OnnxNode = { opType: 'Sigmoid', name: 'probability_sigmoid', inputs: ['margin'], outputs: ['probability'] };

  return encodeOnnxModel({
    graph: {
      name: 'hist_gradient_boosting',
      nodes: [ensemble, sigmoid],
      inputs: [{ name: 'features', elemType: TensorDataType.FLOAT, shape: ['N', model.nFeatures] }],
      outputs: [{ name: 'probability', elemType: TensorDataType.FLOAT, shape: ['N', 1] }],
    },
    opsets: [
      { domain: '', version: options.opsetVersion ?? 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    docString: 'Binary GBDT: P(y=1) = sigmoid(sum of trees + base score)',
    metadata: buildMetadata('hist-gradient-boosting', model.featureNames, options.metadata, {
      n_trees: String(model.trees.length),
      base_score: String(model.baseScore),
      best_iteration: String(model.bestIteration),
    }),
  });
}
