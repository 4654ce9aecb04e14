// Plain description of an ONNX model and its encoding as ModelProto (field numbers from onnx.proto).
import { ProtoWriter } from './protobuf';

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
  /** TensorProto.DataType: 1 = FLOAT, 9 = BOOL. */
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

export const ONNX_FLOAT = 1;
export const ONNX_BOOL = 9;

// AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const;

export const attr = {
  float: (name: string, value: number): OnnxAttribute => ({ name, type: 'float', value }),
  int: (name: string, value: number): OnnxAttribute => ({ name, type: 'int', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, type: 'string', value }),
  floats: (name: string, value: ArrayLike<number>): OnnxAttribute => ({ name, type: 'floats', value }),
  ints: (name: string, value: ArrayLike<number>): OnnxAttribute => ({ name, type: 'ints', value }),
  strings: (name: string, value: readonly string[]): OnnxAttribute => ({ name, type: 'strings', value }),
};

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  switch (a.type) {
    case 'float':
      w.float(2, a.value);
      break;
    case 'int':
      w.varint(3, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'floats':
      w.packedFloats(7, a.value);
      break;
    case 'ints':
      w.packedVarints(8, a.value);
      break;
    case 'strings':
      for (const s of a.value) w.string(9, s);
      break;
  }
  w.varint(20, ATTR_TYPE[a.type]);
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, (aw) => writeAttribute(aw, a));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  // ValueInfoProto.type → TypeProto.tensor_type → {elem_type, shape{dim*}}
  w.message(2, (tw) =>
    tw.message(1, (tt) => {
      tt.varint(1, v.elemType);
      tt.message(2, (sw) => {
        for (const dim of v.shape) {
          sw.message(1, (dw) => (typeof dim === 'number' ? dw.varint(1, dim) : dw.string(2, dim)));
        }
      });
    }),
  );
}

function writeTensor(w: ProtoWriter, t: OnnxFloatTensor): void {
  w.packedVarints(1, t.dims);
  w.varint(2, ONNX_FLOAT);
  w.string(8, t.name);
  const raw = new Uint8Array(t.data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
  w.bytes(9, raw);
}

function writeGraph(w: ProtoWriter, g: OnnxGraphSpec): void {
  for (const n of g.nodes) w.message(1, (nw) => writeNode(nw, n));
  w.string(2, g.name);
  for (const t of g.initializers ?? []) w.message(5, (tw) => writeTensor(tw, t));
  for (const i of g.inputs) w.message(11, (vw) => writeValueInfo(vw, i));
  for (const o of g.outputs) w.message(12, (vw) => writeValueInfo(vw, o));
}

/** Serialises a model description to ONNX ModelProto bytes. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, spec.irVersion ?? 8);
  w.string(2, spec.producerName ?? 'personalization-functions');
  w.string(3, spec.producerVersion ?? '0.1.0');
  if (spec.docString) w.string(6, spec.docString);
  w.message(7, (gw) => writeGraph(gw, spec.graph));
  for (const o of spec.opsets) w.message(8, (ow) => ow.string(1, o.domain).varint(2, o.version));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) w.message(14, (mw) => mw.string(1, key).string(2, value));
  return w.finish();
}
