// Reads ONNX messages by onnxSchema's names: the reading half of onnxModelWriter.ts, on top of
// protobufReader.ts. Fields stay raw (RawField), so a caller can also splice a model and write
// the untouched fields back unchanged (unwrapZipMap.ts).
import { AttributeProto, NodeProto, ValueInfoProto } from './onnxSchema';
import { readFields, repeatedFloats, repeatedInts, text, type RawField } from './protobufReader';

/** Every occurrence of a string field, in order. */
export function stringsOf(fields: RawField[], field: number): string[] {
  return fields.filter((f) => f.field === field).map((f) => text(f.bytes));
}

/** The first occurrence of a string field ('' when absent). */
export function stringOf(fields: RawField[], field: number): string {
  return text(fields.find((f) => f.field === field)?.bytes);
}

/** Embedded messages of a repeated message field, in order. */
export function messagesOf(fields: RawField[], field: number): Uint8Array[] {
  return fields.filter((f) => f.field === field && f.bytes).map((f) => f.bytes as Uint8Array);
}

/** An int64 field's varint read as a signed integer. */
export const int64 = (v: bigint): number => Number(BigInt.asIntN(64, v));

export interface OnnxNodeFields {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** AttributeProto messages, in the order of the node, not yet read (readAttribute). */
  attributes: Uint8Array[];
}

export interface OnnxAttributeFields {
  name: string;
  fields: RawField[];
}

/** A NodeProto's op, domain, inputs, outputs and attribute messages. */
export function readNode(bytes: Uint8Array): OnnxNodeFields {
  const fields = readFields(bytes);
  return {
    opType: stringsOf(fields, NodeProto.opType)[0] ?? '',
    domain: stringsOf(fields, NodeProto.domain)[0] ?? '',
    inputs: stringsOf(fields, NodeProto.input),
    outputs: stringsOf(fields, NodeProto.output),
    attributes: messagesOf(fields, NodeProto.attribute),
  };
}

/** An AttributeProto's name and fields. */
export function readAttribute(bytes: Uint8Array): OnnxAttributeFields {
  const fields = readFields(bytes);
  return { name: stringOf(fields, AttributeProto.name), fields };
}

/** Attributes by name (the last one wins if a name repeats). */
export function attributesByName(node: OnnxNodeFields): Map<string, RawField[]> {
  const byName = new Map<string, RawField[]>();
  for (const bytes of node.attributes) {
    const a = readAttribute(bytes);
    byName.set(a.name, a.fields);
  }
  return byName;
}

/** Values of an AttributeProto's fields, by the attribute's type. */
export const attributeValue = {
  ints: (a: RawField[]): number[] => repeatedInts(a, AttributeProto.ints).map(int64),
  floats: (a: RawField[]): number[] => repeatedFloats(a, AttributeProto.floats),
  strings: (a: RawField[]): string[] => stringsOf(a, AttributeProto.strings),
  string: (a: RawField[]): string | undefined => {
    const f = a.find((x) => x.field === AttributeProto.s);
    return f ? text(f.bytes) : undefined;
  },
  int: (a: RawField[]): number | undefined => {
    const f = a.find((x) => x.field === AttributeProto.i);
    return f?.varint !== undefined ? int64(f.varint) : undefined;
  },
};

/** The name of a ValueInfoProto (a graph input or output). */
export function valueInfoName(bytes: Uint8Array): string {
  return stringOf(readFields(bytes), ValueInfoProto.name);
}
