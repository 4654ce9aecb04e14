import zlib from 'node:zlib';

/**
 * One record in a segment file (little-endian):
 *   u32 totalLength | u32 crc32(bytes 8..end) | f64 sequenceNumber | f64 enqueuedTimeMs |
 *   u32 headerSectionLength | payload (an encoded AMQP message)
 * The CRC lets recovery tell a torn tail from a complete record.
 */
export const RECORD_HEADER_BYTES = 28;

export interface RecordMeta {
  sequenceNumber: number;
  enqueuedTimeMs: number;
  /** Bytes of the AMQP header section at the start of the payload (delivery annotations go after it). */
  headerSectionLength: number;
}

export interface StoredRecord extends RecordMeta {
  /** Logical position of the record in the partition log; the event's offset. */
  offset: number;
  payload: Buffer;
}

export function recordLength(payloadLength: number): number {
  return RECORD_HEADER_BYTES + payloadLength;
}

/** Writes one record into `target` at `at`; returns the position after it. */
export function writeRecord(target: Buffer, at: number, meta: RecordMeta, payload: Buffer): number {
  const total = recordLength(payload.length);
  target.writeUInt32LE(total, at);
  target.writeDoubleLE(meta.sequenceNumber, at + 8);
  target.writeDoubleLE(meta.enqueuedTimeMs, at + 16);
  target.writeUInt32LE(meta.headerSectionLength, at + 24);
  payload.copy(target, at + RECORD_HEADER_BYTES);
  target.writeUInt32LE(zlib.crc32(target.subarray(at + 8, at + total)), at + 4);
  return at + total;
}

/** Length of the record starting at `at`, or 0 when fewer than its header bytes are available. */
export function peekRecordLength(source: Buffer, at: number): number {
  if (source.length - at < RECORD_HEADER_BYTES) return 0;
  return source.readUInt32LE(at);
}

export function readRecordMeta(source: Buffer, at: number): RecordMeta {
  return {
    sequenceNumber: source.readDoubleLE(at + 8),
    enqueuedTimeMs: source.readDoubleLE(at + 16),
    headerSectionLength: source.readUInt32LE(at + 24),
  };
}

export function recordChecksumValid(source: Buffer, at: number, total: number): boolean {
  return zlib.crc32(source.subarray(at + 8, at + total)) === source.readUInt32LE(at + 4);
}
