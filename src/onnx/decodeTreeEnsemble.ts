// Reads the trees back out of an exported model: ONNX ModelProto → graph → the one
// ai.onnx.ml TreeEnsembleRegressor (SUM, post_transform NONE) followed by Sigmoid, which is what
// src/onnx/exportGradientBoosting.ts writes. Anything else is refused (the caller then scores
// with onnxruntime only).
import { readFields, repeatedInts, text, type RawField } from './protobufReader';
import { LEAF, TreeEnsemble } from './treeEnsemble';

export class TreeDecodeError extends Error {}

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INPUT = 11;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5, domain: 7 };
const ATTR = { name: 1, f: 2, i: 3, s: 4, floats: 7, ints: 8, strings: 9 };

interface DecodedNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, RawField[]>;
}

function floatsOf(fields: RawField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === 5) out.push(Buffer.from(f.raw.subarray(f.raw.length - 4)).readFloatLE(0));
    else if (f.wireType === 2 && f.bytes) {
      const b = Buffer.from(f.bytes);
      for (let at = 0; at + 4 <= b.length; at += 4) out.push(b.readFloatLE(at));
    }
  }
  return out;
}

function decodeNode(bytes: Uint8Array): DecodedNode {
  const fields = readFields(bytes);
  const attributes = new Map<string, RawField[]>();
  for (const f of fields) {
    if (f.field !== NODE.attribute || !f.bytes) continue;
    const attr = readFields(f.bytes);
    const name = text(attr.find((a) => a.field === ATTR.name)?.bytes);
    attributes.set(name, attr);
  }
  const strings = (n: number) => fields.filter((f) => f.field === n).map((f) => text(f.bytes));
  return {
    opType: strings(NODE.opType)[0] ?? '',
    domain: strings(NODE.domain)[0] ?? '',
    inputs: strings(NODE.input),
    outputs: strings(NODE.output),
    attributes,
  };
}

function attrInts(node: DecodedNode, name: string): number[] {
  const a = node.attributes.get(name);
  if (!a) return [];
  return repeatedInts(a, ATTR.ints).map((v) => Number(BigInt.asIntN(64, v)));
}

function attrFloats(node: DecodedNode, name: string): number[] {
  const a = node.attributes.get(name);
  return a ? floatsOf(a, ATTR.floats) : [];
}

function attrStrings(node: DecodedNode, name: string): string[] {
  const a = node.attributes.get(name);
  return a ? a.filter((f) => f.field === ATTR.strings).map((f) => text(f.bytes)) : [];
}

function attrString(node: DecodedNode, name: string): string | undefined {
  const a = node.attributes.get(name)?.find((f) => f.field === ATTR.s);
  return a ? text(a.bytes) : undefined;
}

function attrInt(node: DecodedNode, name: string): number | undefined {
  const a = node.attributes.get(name)?.find((f) => f.field === ATTR.i);
  return a?.varint !== undefined ? Number(BigInt.asIntN(64, a.varint)) : undefined;
}

export function decodeTreeEnsemble(onnx: Uint8Array, nFeatures: number): TreeEnsemble {
  let graph: Uint8Array | undefined;
  try {
    graph = readFields(onnx).find((f) => f.field === MODEL_GRAPH)?.bytes;
  } catch (error) {
    throw new TreeDecodeError(`model.onnx: is not a readable ONNX model: ${(error as Error).message}`);
  }
  if (!graph) throw new TreeDecodeError('model.onnx: has no graph');
  const graphFields = readFields(graph);
  const nodes = graphFields.filter((f) => f.field === GRAPH_NODE && f.bytes).map((f) => decodeNode(f.bytes as Uint8Array));
  if (graphFields.filter((f) => f.field === GRAPH_INPUT).length !== 1) throw new TreeDecodeError('model.onnx: must have exactly one input');
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

  const feature = new Int32Array(n);
  const threshold = new Float32Array(n);
  const trueNode = new Int32Array(n);
  const falseNode = new Int32Array(n);
  const missingTrue = new Uint8Array(n);
  const value = new Float64Array(n);
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
  return new TreeEnsemble({ roots: Int32Array.from(roots), feature, threshold, trueNode, falseNode, missingTrue, value, baseScore: base[0] ?? 0, nFeatures });
}
