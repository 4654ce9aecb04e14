// What the protobuf writer (protobufWriter.ts) and reader (protobufReader.ts) share: the wire
// types of the encoding (https://protobuf.dev/programming-guides/encoding/) and the tag that
// packs a field number with its wire type.

export const WireType = {
  /** int32, int64, uint*, bool, enum. */
  varint: 0,
  /** fixed64, sfixed64, double. */
  fixed64: 1,
  /** string, bytes, embedded messages, packed repeated fields. */
  lengthDelimited: 2,
  /** fixed32, sfixed32, float. */
  fixed32: 5,
} as const;

export type WireType = (typeof WireType)[keyof typeof WireType];

/** The tag preceding a field: field number << 3 | wire type. */
export function tagOf(field: number, wireType: WireType): number {
  return field * 8 + wireType;
}
