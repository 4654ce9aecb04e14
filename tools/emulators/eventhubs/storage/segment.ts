import fs from 'node:fs';
import path from 'node:path';
import {
  RECORD_HEADER_BYTES,
  StoredRecord,
  peekRecordLength,
  readRecordMeta,
  recordChecksumValid,
} from './recordFormat';

/** A sparse index entry every INDEX_INTERVAL_BYTES of a segment; lookups scan forward from one. */
export const INDEX_INTERVAL_BYTES = 64 * 1024;
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;
const MIN_READ_BYTES = 4 * 1024;
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

interface IndexEntry {
  position: number;
  sequenceNumber: number;
  enqueuedTimeMs: number;
}

const pad = (n: number): string => String(n).padStart(20, '0');

export function segmentFileName(baseOffset: number, baseSequenceNumber: number): string {
  return `${pad(baseOffset)}-${pad(baseSequenceNumber)}.log`;
}

export function parseSegmentFileName(name: string): { baseOffset: number; baseSequenceNumber: number } | undefined {
  const m = /^(\d{20})-(\d{20})\.log$/.exec(name);
  return m ? { baseOffset: Number(m[1]), baseSequenceNumber: Number(m[2]) } : undefined;
}

/**
 * One append-only file of a partition log. Offsets are logical: `baseOffset + position in file`.
 * The file name carries the base offset and base sequence number, so an empty segment still
 * tells recovery where the log continues.
 */
export class Segment {
  readonly file: string;
  size = 0;
  count = 0;
  firstTimeMs = 0;
  lastTimeMs = 0;
  private readonly index: IndexEntry[] = [];
  private appendFd: number | undefined;
  private readFd: number | undefined;

  constructor(
    dir: string,
    readonly baseOffset: number,
    readonly baseSequenceNumber: number,
  ) {
    this.file = path.join(dir, segmentFileName(baseOffset, baseSequenceNumber));
  }

  get nextSequenceNumber(): number {
    return this.baseSequenceNumber + this.count;
  }

  get endOffset(): number {
    return this.baseOffset + this.size;
  }

  static create(dir: string, baseOffset: number, baseSequenceNumber: number): Segment {
    const segment = new Segment(dir, baseOffset, baseSequenceNumber);
    segment.appendFd = fs.openSync(segment.file, 'a');
    return segment;
  }

  /**
   * Opens an existing file and rebuilds the in-memory index by scanning it. With `repairTail`
   * (the active segment) checksums are verified and a torn or corrupt tail is cut off.
   */
  static recover(dir: string, baseOffset: number, baseSequenceNumber: number, repairTail: boolean): Segment {
    const segment = new Segment(dir, baseOffset, baseSequenceNumber);
    const fd = fs.openSync(segment.file, 'r');
    const fileSize = fs.fstatSync(fd).size;
    let position = 0;
    let chunk = Buffer.alloc(0);
    let chunkStart = 0;
    try {
      while (position < fileSize) {
        let at = position - chunkStart;
        let total = peekRecordLength(chunk, at);
        if (total === 0 || at + total > chunk.length) {
          const want = Math.min(Math.max(SCAN_CHUNK_BYTES, total), fileSize - position);
          chunk = Buffer.allocUnsafe(want);
          const got = fs.readSync(fd, chunk, 0, want, position);
          chunk = chunk.subarray(0, got);
          chunkStart = position;
          at = 0;
          total = peekRecordLength(chunk, 0);
        }
        if (total < RECORD_HEADER_BYTES || total > MAX_RECORD_BYTES || at + total > chunk.length) break;
        if (repairTail && !recordChecksumValid(chunk, at, total)) break;
        const meta = readRecordMeta(chunk, at);
        if (meta.sequenceNumber !== segment.nextSequenceNumber) break;
        segment.noteAppended(position, meta.sequenceNumber, meta.enqueuedTimeMs, total);
        position += total;
      }
    } finally {
      fs.closeSync(fd);
    }
    if (position < fileSize) {
      if (!repairTail) throw new Error(`segment ${segment.file} is damaged at position ${position}`);
      fs.truncateSync(segment.file, position);
    }
    if (repairTail) segment.appendFd = fs.openSync(segment.file, 'a');
    return segment;
  }

  /** Records bookkeeping for a record written at `position`. */
  noteAppended(position: number, sequenceNumber: number, enqueuedTimeMs: number, length: number): void {
    const last = this.index[this.index.length - 1];
    if (!last || position - last.position >= INDEX_INTERVAL_BYTES) {
      this.index.push({ position, sequenceNumber, enqueuedTimeMs });
    }
    if (this.count === 0) this.firstTimeMs = enqueuedTimeMs;
    this.lastTimeMs = enqueuedTimeMs;
    this.count++;
    this.size = position + length;
  }

  /** Appends pre-built records (one write call); `fsync` also flushes them to the device. */
  write(bytes: Buffer, fsync: boolean): void {
    if (this.appendFd === undefined) throw new Error(`segment ${this.file} is sealed`);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.appendFd, bytes, written, bytes.length - written);
    if (fsync) fs.fdatasyncSync(this.appendFd);
  }

  /** Closes the append handle; the segment stays readable. */
  seal(): void {
    if (this.appendFd !== undefined) fs.closeSync(this.appendFd);
    this.appendFd = undefined;
  }

  close(): void {
    this.seal();
    if (this.readFd !== undefined) fs.closeSync(this.readFd);
    this.readFd = undefined;
  }

  delete(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }

  /**
   * The position of the first record for which `reached` holds, scanning from the last index
   * entry before it; `undefined` when no record of this segment qualifies. `reached` must be
   * monotone over the log (false … false true … true).
   */
  findPosition(reached: (seq: number, offset: number, timeMs: number) => boolean): { position: number; sequenceNumber: number } | undefined {
    if (this.count === 0) return undefined;
    let lo = 0;
    let hi = this.index.length - 1;
    // Last index entry that has not reached the target (or the first one).
    let start = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.index[mid];
      if (reached(e.sequenceNumber, this.baseOffset + e.position, e.enqueuedTimeMs)) hi = mid - 1;
      else {
        start = mid;
        lo = mid + 1;
      }
    }
    const entry = this.index[start];
    let found: { position: number; sequenceNumber: number } | undefined;
    this.scan(entry.position, Number.MAX_SAFE_INTEGER, 1 << 30, (record, position) => {
      if (reached(record.sequenceNumber, record.offset, record.enqueuedTimeMs)) {
        found = { position, sequenceNumber: record.sequenceNumber };
        return false;
      }
      return true;
    });
    return found;
  }

  /** Position of the record with this sequence number (which must be in this segment). */
  positionOf(sequenceNumber: number): number {
    if (sequenceNumber >= this.nextSequenceNumber) return this.size;
    const found = this.findPosition((seq) => seq >= sequenceNumber);
    return found ? found.position : this.size;
  }

  /**
   * Reads records from `position` on, up to `maxCount` records or about `maxBytes` bytes
   * (at least one record). Returns the records and the position after the last one.
   */
  read(position: number, maxCount: number, maxBytes: number): { records: StoredRecord[]; next: number } {
    const records: StoredRecord[] = [];
    const next = this.scan(position, maxCount, maxBytes, (record) => {
      records.push(record);
      return true;
    });
    return { records, next };
  }

  private scan(
    position: number,
    maxCount: number,
    maxBytes: number,
    visit: (record: StoredRecord, position: number) => boolean,
  ): number {
    const end = this.size;
    let count = 0;
    let bytes = 0;
    while (position < end && count < maxCount && (count === 0 || bytes < maxBytes)) {
      // Read about what the caller wants (by the average record size), not a fixed large chunk.
      const average = this.count > 0 ? Math.ceil(this.size / this.count) : MIN_READ_BYTES;
      const estimate = Math.min(maxBytes - bytes, (maxCount - count) * average);
      const want = Math.min(end - position, Math.min(Math.max(estimate, MIN_READ_BYTES), SCAN_CHUNK_BYTES));
      let chunk = this.readAt(position, want);
      let at = 0;
      let progressed = false;
      while (at < chunk.length && count < maxCount && (count === 0 || bytes < maxBytes)) {
        const total = peekRecordLength(chunk, at);
        if (total === 0) break;
        if (at + total > chunk.length) {
          if (at > 0) break;
          chunk = this.readAt(position, total); // one record larger than the chunk
        }
        const meta = readRecordMeta(chunk, at);
        // Each chunk is a fresh buffer, so records may share it without copying.
        const payload = chunk.subarray(at + RECORD_HEADER_BYTES, at + total);
        const record: StoredRecord = { ...meta, offset: this.baseOffset + position + at, payload };
        at += total;
        bytes += total;
        count++;
        progressed = true;
        if (!visit(record, position + at - total)) return position + at - total;
      }
      if (!progressed) throw new Error(`segment ${this.file}: unreadable record at ${position}`);
      position += at;
    }
    return position;
  }

  private readAt(position: number, length: number): Buffer {
    if (this.readFd === undefined) this.readFd = fs.openSync(this.file, 'r');
    const buffer = Buffer.allocUnsafe(length);
    const got = fs.readSync(this.readFd, buffer, 0, length, position);
    return buffer.subarray(0, got);
  }
}
