// skl2onnx / onnxmltools classifiers end in a ZipMap node (output seq(map(label, float))), which
// onnxruntime-node cannot return ("Non tensor type is temporarily not supported"). This removes
// such ZipMap nodes and makes their input, the [N, classes] probability tensor, a graph output.
import { attributeValue, readAttribute, readNode, valueInfoName, type OnnxNodeFields } from './onnxModelReader';
import {
  GraphProto, ModelProto, TensorDataType, TensorShapeDimension, TensorShapeProto, TypeProto, TypeProtoTensor, ValueInfoProto,
} from './onnxSchema';
import { readFields, type RawField } from './protobufReader';
import { lengthDelimited, varintField } from './protobufWriter';

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

function labelsOf(node: OnnxNodeFields): (number | string)[] {
  for (const bytes of node.attributes) {
    const a = readAttribute(bytes);
    if (a.name === 'classlabels_int64s') return attributeValue.ints(a.fields);
    if (a.name === 'classlabels_strings') return attributeValue.strings(a.fields);
  }
  return [];
}

/** A ValueInfoProto for a float tensor [N, columns] (shape left open when the labels are unknown). */
function floatTensorValueInfo(name: string, columns: number): Buffer {
  const elemType = varintField(TypeProtoTensor.elemType, TensorDataType.FLOAT);
  const named = lengthDelimited(ValueInfoProto.name, Buffer.from(name, 'utf8'));
  if (columns === 0) {
    const open = lengthDelimited(TypeProto.tensorType, elemType);
    return Buffer.concat([named, lengthDelimited(ValueInfoProto.type, open)]);
  }
  const dims = Buffer.concat([
    lengthDelimited(TensorShapeProto.dim, lengthDelimited(TensorShapeDimension.dimParam, Buffer.from('N', 'utf8'))),
    lengthDelimited(TensorShapeProto.dim, varintField(TensorShapeDimension.dimValue, columns)),
  ]);
  const tensorType = lengthDelimited(TypeProto.tensorType, Buffer.concat([elemType, lengthDelimited(TypeProtoTensor.shape, dims)]));
  return Buffer.concat([named, lengthDelimited(ValueInfoProto.type, tensorType)]);
}

export function unwrapZipMap(model: Uint8Array): UnwrapResult {
  const modelFields = readFields(model);
  const graphField = modelFields.find((f) => f.field === ModelProto.graph);
  if (!graphField?.bytes) return { bytes: model, zipMaps: new Map() };
  const graph = readFields(graphField.bytes);
  const outputNames = new Set(
    graph.filter((f) => f.field === GraphProto.output && f.bytes).map((f) => valueInfoName(f.bytes as Uint8Array)),
  );

  const zipMaps = new Map<string, UnwrappedZipMap>();
  const dropped = new Set<RawField>();
  for (const f of graph) {
    if (f.field !== GraphProto.node || !f.bytes) continue;
    const node = readNode(f.bytes);
    if (node.opType !== 'ZipMap' || (node.domain !== 'ai.onnx.ml' && node.domain !== '')) continue;
    const input = node.inputs[0] ?? '';
    const output = node.outputs[0] ?? '';
    if (!outputNames.has(output) || input === '') continue;
    zipMaps.set(output, { tensorOutput: input, labels: labelsOf(node) });
    dropped.add(f);
  }
  if (zipMaps.size === 0) return { bytes: model, zipMaps };

  const parts: Uint8Array[] = [];
  const added = new Set<string>();
  for (const f of graph) {
    if (dropped.has(f)) continue;
    if (f.field === GraphProto.output && f.bytes) {
      const name = valueInfoName(f.bytes);
      const replaced = zipMaps.get(name);
      if (replaced) {
        if (!outputNames.has(replaced.tensorOutput) && !added.has(replaced.tensorOutput)) {
          parts.push(lengthDelimited(GraphProto.output, floatTensorValueInfo(replaced.tensorOutput, replaced.labels.length)));
          added.add(replaced.tensorOutput);
        }
        continue;
      }
    }
    parts.push(f.raw);
  }
  const newGraph = Buffer.concat(parts);
  const out = modelFields.map((f) => (f === graphField ? lengthDelimited(ModelProto.graph, newGraph) : f.raw));
  return { bytes: Buffer.concat(out), zipMaps };
}
