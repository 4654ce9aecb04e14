// Plain description of an ONNX model and its encoding as ModelProto (field numbers from
// onnxSchema.ts; onnxModelReader.ts reads what this writes).
import {
  AttributeProto, AttributeType, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto,
  TensorDataType, TensorProto, TensorShapeDimension, TensorShapeProto, TypeProto, TypeProtoTensor, ValueInfoProto,
} from './onnxSchema';
import { ProtoWriter } from './protobufWriter';

export type OnnxAttribute =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'floats'; value: ArrayLike<number> }
  | { name: string; type: 'ints'; value: ArrayLike<number> }
  | { name: string; type: 'strings'; value: readonly string[] };

export interface OnnxNode {
  opType: string;
  domain?: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: OnnxAttribute[];
}

export interface OnnxFloatTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType (onnxSchema's TensorDataType). */
  elemType: number;
  /** Numbers are fixed sizes, strings symbolic (e.g. 'N'). */
  shape: (number | string)[];
}

export interface OnnxGraphSpec {
  name: string;
  nodes: OnnxNode[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers?: OnnxFloatTensor[];
}

export interface OnnxModelSpec {
  graph: OnnxGraphSpec;
  opsets: { domain: string; version: number }[];
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  metadata?: Record<string, string>;
}

const ATTR_TYPE = {
  float: AttributeType.FLOAT,
  int: AttributeType.INT,
  string: AttributeType.STRING,
  floats: AttributeType.FLOATS,
  ints: AttributeType.INTS,
  strings: AttributeType.STRINGS,
} as const;

export const attr = {
  float: (name: string, value: number): OnnxAttribute => ({ name, type: 'float', value }),
  int: (name: string, value: number): OnnxAttribute => ({ name, type: 'int', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, type: 'string', value }),
  floats: (name: string, value: ArrayLike<number>): OnnxAttribute => ({ name, type: 'floats', value }),
  ints: (name: string, value: ArrayLike<number>): OnnxAttribute => ({ name, type: 'ints', value }),
  strings: (name: string, value: readonly string[]): OnnxAttribute => ({ name, type: 'strings', value }),
};

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(AttributeProto.name, a.name);
  switch (a.type) {
    case 'float':
      w.float(AttributeProto.f, a.value);
      break;
    case 'int':
      w.varint(AttributeProto.i, a.value);
      break;
    case 'string':
      w.string(AttributeProto.s, a.value);
      break;
    case 'floats':
      w.packedFloats(AttributeProto.floats, a.value);
      break;
    case 'ints':
      w.packedVarints(AttributeProto.ints, a.value);
      break;
    case 'strings':
      for (const s of a.value) w.string(AttributeProto.strings, s);
      break;
  }
  w.varint(AttributeProto.type, ATTR_TYPE[a.type]);
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(NodeProto.input, i);
  for (const o of n.outputs) w.string(NodeProto.output, o);
  w.string(NodeProto.name, n.name);
  w.string(NodeProto.opType, n.opType);
  for (const a of n.attributes ?? []) w.message(NodeProto.attribute, (aw) => writeAttribute(aw, a));
  if (n.domain) w.string(NodeProto.domain, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(ValueInfoProto.name, v.name);
  // ValueInfoProto.type → TypeProto.tensor_type → {elem_type, shape{dim*}}
  w.message(ValueInfoProto.type, (tw) =>
    tw.message(TypeProto.tensorType, (tt) => {
      tt.varint(TypeProtoTensor.elemType, v.elemType);
      tt.message(TypeProtoTensor.shape, (sw) => {
        for (const dim of v.shape) {
          sw.message(TensorShapeProto.dim, (dw) =>
            typeof dim === 'number' ? dw.varint(TensorShapeDimension.dimValue, dim) : dw.string(TensorShapeDimension.dimParam, dim),
          );
        }
      });
    }),
  );
}

function writeTensor(w: ProtoWriter, t: OnnxFloatTensor): void {
  w.packedVarints(TensorProto.dims, t.dims);
  w.varint(TensorProto.dataType, TensorDataType.FLOAT);
  w.string(TensorProto.name, t.name);
  const raw = new Uint8Array(t.data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
  w.bytes(TensorProto.rawData, raw);
}

function writeGraph(w: ProtoWriter, g: OnnxGraphSpec): void {
  for (const n of g.nodes) w.message(GraphProto.node, (nw) => writeNode(nw, n));
  w.string(GraphProto.name, g.name);
  for (const t of g.initializers ?? []) w.message(GraphProto.initializer, (tw) => writeTensor(tw, t));
  for (const i of g.inputs) w.message(GraphProto.input, (vw) => writeValueInfo(vw, i));
  for (const o of g.outputs) w.message(GraphProto.output, (vw) => writeValueInfo(vw, o));
}

/** Serialises a model description to ONNX ModelProto bytes. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.varint(ModelProto.irVersion, spec.irVersion ?? 8);
  w.string(ModelProto.producerName, spec.producerName ?? 'personalization-functions');
  w.string(ModelProto.producerVersion, spec.producerVersion ?? '0.1.0');
  if (spec.docString) w.string(ModelProto.docString, spec.docString);
  w.message(ModelProto.graph, (gw) => writeGraph(gw, spec.graph));
  for (const o of spec.opsets) {
    w.message(ModelProto.opsetImport, (ow) => ow.string(OperatorSetIdProto.domain, o.domain).varint(OperatorSetIdProto.version, o.version));
  }
  for (const [key, value] of Object.entries(spec.metadata ?? {})) {
    w.message(ModelProto.metadataProps, (mw) => mw.string(StringStringEntryProto.key, key).string(StringStringEntryProto.value, value));
  }
  return w.finish();
}
