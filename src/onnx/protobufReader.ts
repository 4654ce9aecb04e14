// Protocol-buffers wire-format reader: just enough to walk an ONNX model's fields and splice some
// out. Each field keeps its raw bytes, so whatever is not touched is written back unchanged (new
// fields are encoded with protobufWriter.ts).
import { WireType } from './protobufWire';

export interface RawField {
  field: number;
  wireType: number;
  /** The whole field as encoded (tag included), for copying it unchanged. */
  raw: Uint8Array;
  /** Length-delimited content (wire type 2) or the varint value (wire type 0). */
  bytes?: Uint8Array;
  varint?: bigint;
}

export class ProtobufError extends Error {}

function readVarint(buf: Uint8Array, at: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    value |= BigInt(buf[i] & 0x7f) << shift;
    if ((buf[i] & 0x80) === 0) return [value, i + 1];
    shift += 7n;
  }
  throw new ProtobufError(`truncated varint at byte ${at}`);
}

export function readFields(buf: Uint8Array): RawField[] {
  const fields: RawField[] = [];
  let at = 0;
  while (at < buf.length) {
    const start = at;
    const [tag, afterTag] = readVarint(buf, at);
    const field = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (field === 0) throw new ProtobufError(`field number 0 at byte ${start}`);
    at = afterTag;
    const entry: RawField = { field, wireType, raw: buf };
    switch (wireType) {
      case WireType.varint: {
        const [v, next] = readVarint(buf, at);
        entry.varint = v;
        at = next;
        break;
      }
      case WireType.fixed64: at += 8; break;
      case WireType.fixed32: at += 4; break;
      case WireType.lengthDelimited: {
        const [len, next] = readVarint(buf, at);
        const end = next + Number(len);
        if (end > buf.length) throw new ProtobufError(`field ${field} runs past the end (byte ${start})`);
        entry.bytes = buf.subarray(next, end);
        at = end;
        break;
      }
      default:
        throw new ProtobufError(`unsupported wire type ${wireType} at byte ${start}`);
    }
    if (at > buf.length) throw new ProtobufError(`field ${field} runs past the end (byte ${start})`);
    entry.raw = buf.subarray(start, at);
    fields.push(entry);
  }
  return fields;
}

export const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/** Values of a repeated int64 field, packed or not. */
export function repeatedInts(fields: RawField[], field: number): bigint[] {
  const out: bigint[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === WireType.varint && f.varint !== undefined) out.push(f.varint);
    else if (f.wireType === WireType.lengthDelimited && f.bytes) {
      let at = 0;
      while (at < f.bytes.length) {
        const [v, next] = readVarint(f.bytes, at);
        out.push(v);
        at = next;
      }
    }
  }
  return out;
}

/** Values of a repeated float field, packed or not. */
export function repeatedFloats(fields: RawField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === WireType.fixed32) out.push(Buffer.from(f.raw.subarray(f.raw.length - 4)).readFloatLE(0));
    else if (f.wireType === WireType.lengthDelimited && f.bytes) {
      const b = Buffer.from(f.bytes);
      for (let at = 0; at + 4 <= b.length; at += 4) out.push(b.readFloatLE(at));
    }
  }
  return out;
}
