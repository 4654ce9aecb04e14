// GBDT → ONNX: ai.onnx.ml TreeEnsembleRegressor (margin) followed by Sigmoid (probability). The
// fitted trees are converted once to the flat TreeEnsemble, which is what the node is written
// from and what decodeTreeEnsemble.ts reads back.
import type { FittedGradientBoosting } from '../learners/gradientBoosting';
import { OnnxNode, attr, encodeOnnxModel } from './onnxModelWriter';
import { TensorDataType } from './onnxSchema';
import { ExportOptions, buildMetadata } from './exportOptions';
import { LEAF, TreeEnsemble, treeEnsembleOfFitted } from './treeEnsemble';

/**
 * The TreeEnsembleRegressor node (SUM, post_transform NONE) of an ensemble whose trees are stored
 * one after another (tree t = nodes roots[t] … roots[t+1] − 1): ONNX numbers nodes per tree.
 */
export function treeEnsembleRegressorNode(trees: TreeEnsemble, inputs: string[], outputs: string[]): OnnxNode {
  const n = trees.nNodes;
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

  const { roots, feature, threshold, trueNode, falseNode, missingTrue, value } = trees;
  for (let t = 0; t < roots.length; t++) {
    const first = roots[t];
    const end = t + 1 < roots.length ? roots[t + 1] : n;
    if (t === 0 ? first !== 0 : first <= roots[t - 1]) {
      throw new RangeError(`treeEnsembleRegressorNode: tree ${t} starts at node ${first}; trees must follow one another from node 0`);
    }
    const local = (node: number, of: number) => {
      if (node < first || node >= end) throw new RangeError(`treeEnsembleRegressorNode: node ${of} of tree ${t} points outside its tree`);
      return node - first;
    };
    for (let node = first; node < end; node++) {
      const leaf = feature[node] === LEAF;
      treeIds.push(t);
      nodeIds.push(node - first);
      featureIds.push(leaf ? 0 : feature[node]);
      values.push(leaf ? 0 : threshold[node]);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      trueIds.push(leaf ? 0 : local(trueNode[node], node));
      falseIds.push(leaf ? 0 : local(falseNode[node], node));
      missingTracksTrue.push(leaf ? 0 : missingTrue[node]);
      if (leaf) {
        targetTreeIds.push(t);
        targetNodeIds.push(node - first);
        targetWeights.push(value[node]);
      }
    }
  }

  return {
    opType: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    name: 'gbdt_margin',
    inputs,
    outputs,
    attributes: [
      attr.int('n_targets', 1),
      attr.string('aggregate_function', 'SUM'),
      attr.string('post_transform', 'NONE'),
      attr.floats('base_values', [trees.baseScore]),
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
}

/**
 * The graph every binary tree model here exports to: TreeEnsembleRegressor (SUM of the leaves, the
 * base score included) → explicit Sigmoid, since onnxruntime-node cannot return the ZipMap of a
 * TreeEnsembleClassifier.
 */
export function encodeSigmoidTreeEnsemble(trees: TreeEnsemble, model: { graphName: string; docString: string; metadata: ReturnType<typeof buildMetadata> }, options: ExportOptions = {}): Uint8Array {
  const ensemble = treeEnsembleRegressorNode(trees, ['features'], ['margin']);
  const sigmoid: OnnxNode = { opType: 'Sigmoid', name: 'probability_sigmoid', inputs: ['margin'], outputs: ['probability'] };
  return encodeOnnxModel({
    graph: {
      name: model.graphName,
      nodes: [ensemble, sigmoid],
      inputs: [{ name: 'features', elemType: TensorDataType.FLOAT, shape: ['N', trees.nFeatures] }],
      outputs: [{ name: 'probability', elemType: TensorDataType.FLOAT, shape: ['N', 1] }],
    },
    opsets: [
      { domain: '', version: options.opsetVersion ?? 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    docString: model.docString,
    metadata: model.metadata,
  });
}

export function exportGradientBoostingToOnnx(model: FittedGradientBoosting, options: ExportOptions = {}): Uint8Array {
  const trees = treeEnsembleOfFitted(model);
  return encodeSigmoidTreeEnsemble(trees, {
    graphName: 'hist_gradient_boosting',
    docString: 'Binary GBDT: P(y=1) = sigmoid(sum of trees + base score)',
    metadata: buildMetadata('hist-gradient-boosting', model.featureNames, options.metadata, {
      n_trees: String(trees.nTrees),
      base_score: String(model.baseScore),
      best_iteration: String(model.bestIteration),
    }),
  }, options);
}
