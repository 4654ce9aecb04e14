// Protocol-buffers wire-format writer (varint, fixed32, length-delimited): ProtoWriter builds a
// message field by field (onnxModelWriter.ts writes whole models with it); lengthDelimited and
// varintField encode single fields for splicing into bytes read by protobufReader.ts.
import { WireType, tagOf } from './protobufWire';

const textEncoder = new TextEncoder();

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: number | bigint): void {
    // int64 fields: negative values are written as 10-byte two's complement.
    let v = BigInt.asUintN(64, BigInt(value));
    if (v < 0x80n && typeof value === 'number') {
      this.ensure(1);
      this.buf[this.len++] = Number(v);
      return;
    }
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wireType: WireType): void {
    this.rawVarint(tagOf(field, wireType));
  }

  /** int32/int64/enum/bool field (wire type 0). */
  varint(field: number, value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`protobuf: field ${field} needs an integer, got ${value}`);
    this.tag(field, WireType.varint);
    this.rawVarint(value);
    return this;
  }

  /** float field (wire type 5, little-endian IEEE-754 single). */
  float(field: number, value: number): this {
    this.tag(field, WireType.fixed32);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, WireType.lengthDelimited);
    this.rawVarint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, textEncoder.encode(s));
  }

  /** Embedded message: the callback writes the sub-message's fields. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const sub = new ProtoWriter();
    write(sub);
    return this.bytes(field, sub.finish());
  }

  /** repeated float, packed. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const data = new Uint8Array(values.length * 4);
    const view = new DataView(data.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, data);
  }

  /** repeated int64/int32, packed. */
  packedVarints(field: number, values: ArrayLike<number>): this {
    const sub = new ProtoWriter();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isSafeInteger(values[i])) throw new RangeError(`protobuf: field ${field} item ${i} is not an integer: ${values[i]}`);
      sub.rawVarint(values[i]);
    }
    return this.bytes(field, sub.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** A varint on its own (a tag, a length or a value), as Buffer. */
export function encodeVarint(value: number | bigint): Buffer {
  let v = BigInt(value);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

/** One length-delimited field (bytes, string or embedded message). */
export function lengthDelimited(field: number, content: Uint8Array): Buffer {
  return Buffer.concat([encodeVarint(tagOf(field, WireType.lengthDelimited)), encodeVarint(content.length), content]);
}

/** One varint field. */
export function varintField(field: number, value: number): Buffer {
  return Buffer.concat([encodeVarint(tagOf(field, WireType.varint)), encodeVarint(value)]);
}
