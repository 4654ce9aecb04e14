/**
 * Maps a partition key to a partition the same way the Event Hubs service does:
 * Bob Jenkins' lookup3 `hashlittle2` over the UTF-8 bytes (both seeds 0), the two 32-bit
 * results XOR-ed and truncated to a signed 16-bit value, then `abs(hash % partitionCount)`.
 */
export function partitionIndexForKey(partitionKey: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`partitionCount must be a positive integer, got ${partitionCount}`);
  }
  return Math.abs(hashPartitionKey(partitionKey) % partitionCount);
}

/** The signed 16-bit hash of a partition key. */
export function hashPartitionKey(partitionKey: string): number {
  const { b, c } = lookup3(Buffer.from(partitionKey, 'utf8'));
  return ((c ^ b) << 16) >> 16;
}

const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** lookup3 `hashlittle2` with pc = pb = 0; returns the primary (c) and secondary (b) hash. */
function lookup3(data: Buffer): { b: number; c: number } {
  let a = (0xdeadbeef + data.length) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  let left = data.length;

  while (left > 12) {
    a = (a + data.readUInt32LE(i)) >>> 0;
    b = (b + data.readUInt32LE(i + 4)) >>> 0;
    c = (c + data.readUInt32LE(i + 8)) >>> 0;
    // mix(a, b, c)
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    i += 12;
    left -= 12;
  }

  if (left === 0) return { b, c };

  // The last 1..12 bytes, read little-endian into a, b, c (missing bytes count as zero).
  const tail = Buffer.alloc(12);
  data.copy(tail, 0, i);
  a = (a + tail.readUInt32LE(0)) >>> 0;
  b = (b + tail.readUInt32LE(4)) >>> 0;
  c = (c + tail.readUInt32LE(8)) >>> 0;

  // final(a, b, c)
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return { b, c };
}
