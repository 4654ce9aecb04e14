// Reads the trees back out of an exported model: ONNX ModelProto → graph → the one
// ai.onnx.ml TreeEnsembleRegressor (SUM, post_transform NONE) followed by Sigmoid, which is what
// src/onnx/exportGradientBoosting.ts writes. Anything else is refused (the caller then scores
// with onnxruntime only).
import { attributesByName, attributeValue, messagesOf, readNode, type OnnxNodeFields } from './onnxModelReader';
import { GraphProto, ModelProto } from './onnxSchema';
import { readFields, type RawField } from './protobufReader';
import { emptyNodes, LEAF, TreeEnsemble } from './treeEnsemble';

export class TreeDecodeError extends Error {}

interface DecodedNode extends OnnxNodeFields {
  attributeFields: Map<string, RawField[]>;
}

function decodeNode(bytes: Uint8Array): DecodedNode {
  const node = readNode(bytes);
  return { ...node, attributeFields: attributesByName(node) };
}

function attrInts(node: DecodedNode, name: string): number[] {
  const a = node.attributeFields.get(name);
  return a ? attributeValue.ints(a) : [];
}

function attrFloats(node: DecodedNode, name: string): number[] {
  const a = node.attributeFields.get(name);
  return a ? attributeValue.floats(a) : [];
}

function attrStrings(node: DecodedNode, name: string): string[] {
  const a = node.attributeFields.get(name);
  return a ? attributeValue.strings(a) : [];
}

function attrString(node: DecodedNode, name: string): string | undefined {
  const a = node.attributeFields.get(name);
  return a ? attributeValue.string(a) : undefined;
}

function attrInt(node: DecodedNode, name: string): number | undefined {
  const a = node.attributeFields.get(name);
  return a ? attributeValue.int(a) : undefined;
}

export function decodeTreeEnsemble(onnx: Uint8Array, nFeatures: number): TreeEnsemble {
  let graph: Uint8Array | undefined;
  try {
    graph = readFields(onnx).find((f) => f.field === ModelProto.graph)?.bytes;
  } catch (error) {
    throw new TreeDecodeError(`model.onnx: is not a readable ONNX model: ${(error as Error).message}`);
  }
  if (!graph) throw new TreeDecodeError('model.onnx: has no graph');
  const graphFields = readFields(graph);
  const nodes = messagesOf(graphFields, GraphProto.node).map(decodeNode);
  if (graphFields.filter((f) => f.field === GraphProto.input).length !== 1) throw new TreeDecodeError('model.onnx: must have exactly one input');
  const ensembles = nodes.filter((n) => n.opType === 'TreeEnsembleRegressor' && n.domain === 'ai.onnx.ml');
  if (nodes.length !== 2 || ensembles.length !== 1) {
    throw new TreeDecodeError(`model.onnx: expected TreeEnsembleRegressor → Sigmoid, found ${nodes.map((n) => n.opType).join(' → ')}`);
  }
  const ens = ensembles[0];
  const sigmoid = nodes.find((n) => n.opType === 'Sigmoid');
  if (!sigmoid || sigmoid.inputs[0] !== ens.outputs[0]) throw new TreeDecodeError('model.onnx: the tree ensemble is not followed by Sigmoid');
  if ((attrString(ens, 'aggregate_function') ?? 'SUM') !== 'SUM') throw new TreeDecodeError('model.onnx: aggregate_function must be SUM');
  if ((attrString(ens, 'post_transform') ?? 'NONE') !== 'NONE') throw new TreeDecodeError('model.onnx: post_transform must be NONE');
  if ((attrInt(ens, 'n_targets') ?? 1) !== 1) throw new TreeDecodeError('model.onnx: n_targets must be 1');

  const treeIds = attrInts(ens, 'nodes_treeids');
  const nodeIds = attrInts(ens, 'nodes_nodeids');
  const featureIds = attrInts(ens, 'nodes_featureids');
  const values = attrFloats(ens, 'nodes_values');
  const modes = attrStrings(ens, 'nodes_modes');
  const trueIds = attrInts(ens, 'nodes_truenodeids');
  const falseIds = attrInts(ens, 'nodes_falsenodeids');
  const missing = attrInts(ens, 'nodes_missing_value_tracks_true');
  const n = treeIds.length;
  for (const [name, list] of [['nodes_nodeids', nodeIds], ['nodes_featureids', featureIds], ['nodes_values', values], ['nodes_modes', modes], ['nodes_truenodeids', trueIds], ['nodes_falsenodeids', falseIds]] as const) {
    if (list.length !== n) throw new TreeDecodeError(`model.onnx: ${name} has ${list.length} entries, nodes_treeids ${n}`);
  }
  const key = (tree: number, node: number) => `${tree}:${node}`;
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(key(treeIds[i], nodeIds[i]), i);

  const arrays = emptyNodes(n);
  const { feature, threshold, trueNode, falseNode, missingTrue, value } = arrays;
  const roots: number[] = [];
  const seenTrees = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (!seenTrees.has(treeIds[i])) {
      seenTrees.add(treeIds[i]);
      const root = index.get(key(treeIds[i], 0));
      if (root === undefined) throw new TreeDecodeError(`model.onnx: tree ${treeIds[i]} has no node 0`);
      roots.push(root);
    }
    if (modes[i] === 'LEAF') {
      feature[i] = LEAF;
      continue;
    }
    if (modes[i] !== 'BRANCH_LEQ') throw new TreeDecodeError(`model.onnx: node mode ${modes[i]} is not supported (only BRANCH_LEQ and LEAF)`);
    if (featureIds[i] < 0 || featureIds[i] >= nFeatures) throw new TreeDecodeError(`model.onnx: node splits on feature ${featureIds[i]}; the model has ${nFeatures}`);
    const t = index.get(key(treeIds[i], trueIds[i]));
    const f = index.get(key(treeIds[i], falseIds[i]));
    if (t === undefined || f === undefined) throw new TreeDecodeError(`model.onnx: tree ${treeIds[i]} node ${nodeIds[i]} points to a missing child`);
    feature[i] = featureIds[i];
    threshold[i] = values[i];
    trueNode[i] = t;
    falseNode[i] = f;
    missingTrue[i] = missing[i] ? 1 : 0;
  }
  const targetTrees = attrInts(ens, 'target_treeids');
  const targetNodes = attrInts(ens, 'target_nodeids');
  const targetWeights = attrFloats(ens, 'target_weights');
  for (let j = 0; j < targetTrees.length; j++) {
    const i = index.get(key(targetTrees[j], targetNodes[j]));
    if (i === undefined || feature[i] !== LEAF) throw new TreeDecodeError(`model.onnx: target weight ${j} does not point at a leaf`);
    value[i] += targetWeights[j];
  }
  const base = attrFloats(ens, 'base_values');
  return new TreeEnsemble({ roots: Int32Array.from(roots), ...arrays, baseScore: base[0] ?? 0, nFeatures });
}
