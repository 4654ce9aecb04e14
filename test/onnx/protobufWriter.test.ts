import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../src/onnx/protobufWriter';

const bytes = (w: ProtoWriter) => Array.from(w.finish());

describe('ProtoWriter wire format', () => {
  it('varints, negative int64, floats, strings, packed and nested fields', () => {
    expect(bytes(new ProtoWriter().varint(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().varint(2, 300))).toEqual([0x10, 0xac, 0x02]);
    expect(bytes(new ProtoWriter().varint(1, -1))).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes(new ProtoWriter().string(2, 'testing'))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(bytes(new ProtoWriter().packedVarints(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytes(new ProtoWriter().message(3, (m) => m.varint(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('grows past its initial buffer and rejects non-integers', () => {
    const big = new ProtoWriter().bytes(1, new Uint8Array(1000).fill(7)).finish();
    expect(big.length).toBe(1 + 2 + 1000);
    expect(() => new ProtoWriter().varint(1, 1.5)).toThrow(/integer/);
    expect(() => new ProtoWriter().packedVarints(1, [1, NaN])).toThrow(/item 1/);
  });
});
