// Avro binary encoding primitives (https://avro.apache.org/docs/1.11.1/specification/#binary-encoding).

/** Appends Avro-encoded values to a growable buffer. */
export class AvroWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 4096) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Zig-zag varint. Numbers must be safe integers; larger values go through `writeBigLong`. */
  writeLong(n: number): void {
    if (!Number.isSafeInteger(n)) {
      throw new RangeError(`Avro long must be a safe integer, got ${n}`);
    }
    this.reserve(10);
    if (n >= -0x40000000 && n < 0x40000000) {
      // Fits in 31 bits after zig-zag: bit operations are exact here.
      let z = (n << 1) ^ (n >> 31);
      z >>>= 0;
      while (z > 0x7f) {
        this.buf[this.pos++] = (z & 0x7f) | 0x80;
        z >>>= 7;
      }
      this.buf[this.pos++] = z;
      return;
    }
    if (n >= 2 ** 52 || n < -(2 ** 52)) {
      // The zig-zag value would pass 2^53, where doubles are no longer exact.
      this.writeBigLong(BigInt(n));
      return;
    }
    let z = n >= 0 ? n * 2 : -n * 2 - 1;
    while (z >= 0x80) {
      this.buf[this.pos++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    this.buf[this.pos++] = z;
  }

  writeBigLong(n: bigint): void {
    if (n < -(1n << 63n) || n >= 1n << 63n) throw new RangeError(`Avro long out of 64-bit range: ${n}`);
    this.reserve(10);
    let z = n >= 0n ? n << 1n : (-n << 1n) - 1n;
    while (z >= 0x80n) {
      this.buf[this.pos++] = Number(z & 0x7fn) | 0x80;
      z >>= 7n;
    }
    this.buf[this.pos++] = Number(z);
  }

  writeDouble(n: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
  }

  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeFixed(bytes);
  }

  writeFixed(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  writeString(s: string): void {
    const len = Buffer.byteLength(s, 'utf8');
    this.writeLong(len);
    this.reserve(len);
    this.buf.write(s, this.pos, len, 'utf8');
    this.pos += len;
  }

  /** The bytes written so far (a copy, so the writer can be reused or dropped). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

export class AvroDecodeError extends Error {}

/** Reads Avro-encoded values from a buffer, with bounds checks that name the byte position. */
export class AvroReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new AvroDecodeError(`Truncated Avro data: ${what} needs ${n} bytes at position ${this.pos}, ${this.end - this.pos} left`);
    }
  }

  /** Zig-zag varint; returns a bigint only when the value is not a safe integer. */
  readLongOrBig(): number | bigint {
    let value = 0;
    let multiplier = 1;
    const start = this.pos;
    for (let i = 0; i < 10; i++) {
      this.need(1, 'long');
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * multiplier;
      if ((b & 0x80) === 0) {
        if (value <= Number.MAX_SAFE_INTEGER) {
          return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
        }
        const big = this.bigFrom(start);
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      multiplier *= 128;
    }
    throw new AvroDecodeError(`Invalid Avro long (more than 10 bytes) at position ${start}`);
  }

  private bigFrom(start: number): bigint {
    let z = 0n;
    let shift = 0n;
    for (let p = start; p < this.pos; p++) {
      z |= BigInt(this.buf[p] & 0x7f) << shift;
      shift += 7n;
    }
    const v = (z >> 1n) ^ -(z & 1n);
    return BigInt.asIntN(64, v);
  }

  /** A long that must fit a JS number (lengths, counts, sequence numbers). */
  readLong(what = 'long'): number {
    const v = this.readLongOrBig();
    if (typeof v === 'bigint') throw new AvroDecodeError(`Avro ${what} ${v} is too large at position ${this.pos}`);
    return v;
  }

  readInt(): number {
    return this.readLong('int');
  }

  readDouble(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  readFloat(): number {
    this.need(4, 'float');
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  readBoolean(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.pos++] !== 0;
  }

  readFixed(n: number): Buffer {
    this.need(n, 'fixed');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  readBytes(): Buffer {
    const len = this.readLong('bytes length');
    if (len < 0) throw new AvroDecodeError(`Negative Avro bytes length at position ${this.pos}`);
    return Buffer.from(this.readFixed(len));
  }

  readString(): string {
    const len = this.readLong('string length');
    if (len < 0) throw new AvroDecodeError(`Negative Avro string length at position ${this.pos}`);
    return this.readFixed(len).toString('utf8');
  }

  /**
   * Reads the block counts of an Avro array or map, calling `item` for each entry.
   * A negative count is followed by the block's byte size, which we do not need.
   */
  readBlocks(item: () => void): void {
    for (;;) {
      let count = this.readLong('block count');
      if (count === 0) return;
      if (count < 0) {
        count = -count;
        this.readLong('block size');
      }
      for (let i = 0; i < count; i++) item();
    }
  }
}
