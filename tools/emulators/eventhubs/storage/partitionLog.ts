import fs from 'node:fs';
import { StoredRecord, recordLength, writeRecord } from './recordFormat';
import { Segment, parseSegmentFileName } from './segment';

export interface PartitionLogOptions {
  dir: string;
  retentionMs: number;
  /** Roll to a new segment after this many bytes (default 64 MiB). */
  segmentMaxBytes?: number;
  /** Roll to a new segment once its first event is this old (default min(retention / 4, 1 h)). */
  segmentMaxAgeMs?: number;
  /** fdatasync after every append (default false: a completed write(2) survives a process kill). */
  fsync?: boolean;
  now?: () => number;
}

/** What the log assigns to an event before its bytes are built (they embed these values). */
export interface AssignedPosition {
  sequenceNumber: number;
  offset: number;
  enqueuedTimeMs: number;
}

export type EventBuilder = (position: AssignedPosition) => { payload: Buffer; headerSectionLength: number };

/** A reader's place in the log; `read` advances it. The segment/position pair is only a hint. */
export interface LogCursor {
  nextSequenceNumber: number;
  segment?: Segment;
  position?: number;
}

export interface LastEnqueued {
  sequenceNumber: number;
  offset: string;
  enqueuedTimeMs: number;
}

/** The append-only, segmented, on-disk event log of one partition. */
export class PartitionLog {
  private readonly segments: Segment[];
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly segmentMaxBytes: number;
  private readonly segmentMaxAgeMs: number;
  private last: LastEnqueued;
  private notifyScheduled = false;
  private closed = false;

  private constructor(private readonly opts: PartitionLogOptions, segments: Segment[]) {
    this.segments = segments;
    this.now = opts.now ?? Date.now;
    this.segmentMaxBytes = opts.segmentMaxBytes ?? 64 * 1024 * 1024;
    this.segmentMaxAgeMs = opts.segmentMaxAgeMs ?? Math.min(opts.retentionMs / 4, 3_600_000);
    this.last = { sequenceNumber: this.nextSequenceNumber - 1, offset: '-1', enqueuedTimeMs: 0 };
    const newest = [...segments].reverse().find((s) => s.count > 0);
    if (newest) {
      const position = newest.positionOf(newest.nextSequenceNumber - 1);
      this.last = { sequenceNumber: newest.nextSequenceNumber - 1, offset: String(newest.baseOffset + position), enqueuedTimeMs: newest.lastTimeMs };
    }
  }

  /** Opens (recovering) or creates the log in `opts.dir`. */
  static open(opts: PartitionLogOptions): PartitionLog {
    fs.mkdirSync(opts.dir, { recursive: true });
    const found = fs
      .readdirSync(opts.dir)
      .map((name) => parseSegmentFileName(name))
      .filter((s): s is { baseOffset: number; baseSequenceNumber: number } => s !== undefined)
      .sort((a, b) => a.baseOffset - b.baseOffset);
    const segments = found.map((s, i) => Segment.recover(opts.dir, s.baseOffset, s.baseSequenceNumber, i === found.length - 1));
    if (segments.length === 0) segments.push(Segment.create(opts.dir, 0, 0));
    for (const segment of segments.slice(0, -1)) segment.seal();
    return new PartitionLog(opts, segments);
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  get firstSequenceNumber(): number {
    return this.segments[0].baseSequenceNumber;
  }

  get nextSequenceNumber(): number {
    return this.active.nextSequenceNumber;
  }

  get isEmpty(): boolean {
    return this.firstSequenceNumber === this.nextSequenceNumber;
  }

  get lastEnqueued(): LastEnqueued {
    return this.last;
  }

  /**
   * Assigns sequence numbers, offsets and enqueued times to the events, writes them with one
   * write call and returns what was assigned. Throws (leaving the log unchanged) if the write fails.
   */
  append(builders: EventBuilder[]): AssignedPosition[] {
    if (this.closed) throw new Error('partition log is closed');
    if (builders.length === 0) return [];
    const now = this.now();
    this.maybeRoll(now);
    const segment = this.active;
    const enqueuedTimeMs = Math.max(now, this.last.enqueuedTimeMs);
    const assigned: AssignedPosition[] = [];
    const built: { payload: Buffer; headerSectionLength: number }[] = [];
    let offset = segment.endOffset;
    let total = 0;
    for (let i = 0; i < builders.length; i++) {
      const position = { sequenceNumber: segment.nextSequenceNumber + i, offset, enqueuedTimeMs };
      const item = builders[i](position);
      assigned.push(position);
      built.push(item);
      const length = recordLength(item.payload.length);
      offset += length;
      total += length;
    }
    const bytes = Buffer.allocUnsafe(total);
    let at = 0;
    for (let i = 0; i < built.length; i++) {
      at = writeRecord(bytes, at, { ...assigned[i], headerSectionLength: built[i].headerSectionLength }, built[i].payload);
    }
    const sizeBefore = segment.size;
    try {
      segment.write(bytes, this.opts.fsync ?? false);
    } catch (err) {
      // Cut off whatever part of the batch reached the file so the log stays consistent.
      try {
        fs.truncateSync(segment.file, sizeBefore);
      } catch {
        /* the original error is the one to report */
      }
      throw err;
    }
    let position = sizeBefore;
    for (let i = 0; i < assigned.length; i++) {
      const length = recordLength(built[i].payload.length);
      segment.noteAppended(position, assigned[i].sequenceNumber, enqueuedTimeMs, length);
      position += length;
    }
    const lastAssigned = assigned[assigned.length - 1];
    this.last = { sequenceNumber: lastAssigned.sequenceNumber, offset: String(lastAssigned.offset), enqueuedTimeMs };
    this.scheduleNotify();
    return assigned;
  }

  /** Reads up to `maxCount` events (about `maxBytes`) from the cursor on and advances it. */
  read(cursor: LogCursor, maxCount: number, maxBytes = 1024 * 1024): StoredRecord[] {
    if (cursor.nextSequenceNumber < this.firstSequenceNumber) {
      cursor.nextSequenceNumber = this.firstSequenceNumber; // those events have expired
      cursor.segment = undefined;
    }
    if (cursor.nextSequenceNumber >= this.nextSequenceNumber || maxCount <= 0) return [];
    let segment = cursor.segment;
    let position = cursor.position;
    if (!segment || position === undefined || !this.segments.includes(segment) || position >= segment.size) {
      segment = this.segmentFor(cursor.nextSequenceNumber);
      position = segment.positionOf(cursor.nextSequenceNumber);
    }
    const { records, next } = segment.read(position, maxCount, maxBytes);
    if (records.length > 0) cursor.nextSequenceNumber = records[records.length - 1].sequenceNumber + 1;
    cursor.segment = segment;
    cursor.position = next;
    return records;
  }

  /** Sequence number of the first event whose offset is after (or at, if inclusive) `offset`. */
  sequenceNumberForOffset(offset: number, inclusive: boolean): number {
    return this.firstReached((_seq, off) => (inclusive ? off >= offset : off > offset));
  }

  /** Sequence number of the first event enqueued strictly after `timeMs`. */
  sequenceNumberAfterTime(timeMs: number): number {
    return this.firstReached((_seq, _off, time) => time > timeMs);
  }

  /** Calls `listener` (asynchronously, coalesced) after events were appended. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deletes whole segments whose newest event is older than the retention period. */
  applyRetention(): number {
    if (this.closed) return 0;
    const cutoff = this.now() - this.opts.retentionMs;
    const active = this.active;
    if (active.count > 0 && active.lastTimeMs < cutoff) this.roll();
    let deleted = 0;
    while (this.segments.length > 1 && (this.segments[0].count === 0 || this.segments[0].lastTimeMs < cutoff)) {
      this.segments.shift()!.delete();
      deleted++;
    }
    return deleted;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const segment of this.segments) segment.close();
  }

  private firstReached(reached: (seq: number, offset: number, timeMs: number) => boolean): number {
    for (const segment of this.segments) {
      if (segment.count === 0) continue;
      const found = segment.findPosition(reached);
      if (found) return found.sequenceNumber;
    }
    return this.nextSequenceNumber;
  }

  private segmentFor(sequenceNumber: number): Segment {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].baseSequenceNumber <= sequenceNumber) lo = mid;
      else hi = mid - 1;
    }
    // Skip empty segments that share the base sequence number of the next one.
    while (lo < this.segments.length - 1 && this.segments[lo].nextSequenceNumber <= sequenceNumber) lo++;
    return this.segments[lo];
  }

  private maybeRoll(now: number): void {
    const active = this.active;
    if (active.count === 0) return;
    if (active.size >= this.segmentMaxBytes || now - active.firstTimeMs >= this.segmentMaxAgeMs) this.roll();
  }

  private roll(): void {
    const old = this.active;
    old.seal();
    this.segments.push(Segment.create(this.opts.dir, old.endOffset, old.nextSequenceNumber));
  }

  private scheduleNotify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      if (this.closed) return;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
