// skl2onnx / onnxmltools classifiers end in a ZipMap node (output seq(map(label, float))), which
// onnxruntime-node cannot return ("Non tensor type is temporarily not supported"). This removes
// such ZipMap nodes and makes their input, the [N, classes] probability tensor, a graph output.
import { lengthDelimited, readFields, repeatedInts, text, varintField, type RawField } from './protobufReader';

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_OUTPUT = 12;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTR_NAME = 1;
const ATTR_INTS = 8;
const ATTR_STRINGS = 9;
const VALUE_INFO_NAME = 1;
const FLOAT_ELEM_TYPE = 1;

export interface UnwrappedZipMap {
  /** Name of the tensor output that replaced the ZipMap output. */
  tensorOutput: string;
  /** Class label of each column of that tensor. */
  labels: (number | string)[];
}

export interface UnwrapResult {
  bytes: Uint8Array;
  /** ZipMap output name → what replaced it. Empty when the model had no ZipMap output. */
  zipMaps: Map<string, UnwrappedZipMap>;
}

function labelsOf(node: RawField[]): (number | string)[] {
  for (const f of node) {
    if (f.field !== NODE_ATTRIBUTE || !f.bytes) continue;
    const attr = readFields(f.bytes);
    const name = text(attr.find((a) => a.field === ATTR_NAME)?.bytes);
    if (name === 'classlabels_int64s') return repeatedInts(attr, ATTR_INTS).map((v) => Number(BigInt.asIntN(64, v)));
    if (name === 'classlabels_strings') return attr.filter((a) => a.field === ATTR_STRINGS).map((a) => text(a.bytes));
  }
  return [];
}

/** A ValueInfoProto for a float tensor [N, columns] (shape left open when the labels are unknown). */
function floatTensorValueInfo(name: string, columns: number): Buffer {
  if (columns === 0) {
    const open = lengthDelimited(1, varintField(1, FLOAT_ELEM_TYPE));
    return Buffer.concat([lengthDelimited(VALUE_INFO_NAME, Buffer.from(name, 'utf8')), lengthDelimited(2, open)]);
  }
  const dims = Buffer.concat([
    lengthDelimited(1, lengthDelimited(2, Buffer.from('N', 'utf8'))),
    lengthDelimited(1, varintField(1, columns)),
  ]);
  const tensorType = lengthDelimited(1, Buffer.concat([varintField(1, FLOAT_ELEM_TYPE), lengthDelimited(2, dims)]));
  return Buffer.concat([lengthDelimited(VALUE_INFO_NAME, Buffer.from(name, 'utf8')), lengthDelimited(2, tensorType)]);
}

export function unwrapZipMap(model: Uint8Array): UnwrapResult {
  const modelFields = readFields(model);
  const graphField = modelFields.find((f) => f.field === MODEL_GRAPH);
  if (!graphField?.bytes) return { bytes: model, zipMaps: new Map() };
  const graph = readFields(graphField.bytes);
  const outputNames = new Set(
    graph.filter((f) => f.field === GRAPH_OUTPUT && f.bytes).map((f) => text(readFields(f.bytes!).find((v) => v.field === VALUE_INFO_NAME)?.bytes)),
  );

  const zipMaps = new Map<string, UnwrappedZipMap>();
  const dropped = new Set<RawField>();
  for (const f of graph) {
    if (f.field !== GRAPH_NODE || !f.bytes) continue;
    const node = readFields(f.bytes);
    const op = text(node.find((n) => n.field === NODE_OP_TYPE)?.bytes);
    const domain = text(node.find((n) => n.field === NODE_DOMAIN)?.bytes);
    if (op !== 'ZipMap' || (domain !== 'ai.onnx.ml' && domain !== '')) continue;
    const input = text(node.find((n) => n.field === NODE_INPUT)?.bytes);
    const output = text(node.find((n) => n.field === NODE_OUTPUT)?.bytes);
    if (!outputNames.has(output) || input === '') continue;
    zipMaps.set(output, { tensorOutput: input, labels: labelsOf(node) });
    dropped.add(f);
  }
  if (zipMaps.size === 0) return { bytes: model, zipMaps };

  const parts: Uint8Array[] = [];
  const added = new Set<string>();
  for (const f of graph) {
    if (dropped.has(f)) continue;
    if (f.field === GRAPH_OUTPUT && f.bytes) {
      const name = text(readFields(f.bytes).find((v) => v.field === VALUE_INFO_NAME)?.bytes);
      const replaced = zipMaps.get(name);
      if (replaced) {
        if (!outputNames.has(replaced.tensorOutput) && !added.has(replaced.tensorOutput)) {
          parts.push(lengthDelimited(GRAPH_OUTPUT, floatTensorValueInfo(replaced.tensorOutput, replaced.labels.length)));
          added.add(replaced.tensorOutput);
        }
        continue;
      }
    }
    parts.push(f.raw);
  }
  const newGraph = Buffer.concat(parts);
  const out = modelFields.map((f) => (f === graphField ? lengthDelimited(MODEL_GRAPH, newGraph) : f.raw));
  return { bytes: Buffer.concat(out), zipMaps };
}
