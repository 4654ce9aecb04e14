// Appends delivered Event Hub batches to Capture-format Avro block blobs, each event once.
import crypto from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { ReceivedBatch, ReceivedEvent } from '../events/receivedBatch';
import { RetryOptions, sleep, withRetry } from '../common/retry';
import { ArchiveInputError } from './archiveInputError';
import { validateBatch, namespaceName } from './batchValidation';
import { captureRecordFromEvent } from './eventToCapture';
import type { CaptureRecord } from './captureSchema';
import { encodeCaptureBlock, encodeCaptureHeader } from './captureAvro';
import { AvroCodec, syncMarkerFor } from './avroContainer';
import {
  HEADER_BLOCK_ID, dataBlockId, firstBlobName, parseBlobName, parseBlockId, rolloverBlobName, windowPrefix, windowStartMs,
} from './archiveLayout';
import { isNotFound, isWriteConflict } from './blobErrors';
import { containerCreator } from './ensureContainer';

export interface ArchiveWriterOptions {
  /** Time window of one blob chain, by enqueued time; must divide a day. Default 60. */
  windowMinutes?: number;
  /** Blocks (header included) after which a blob rolls over. Default 2,000 (Azure allows 50,000, but every commit resends the whole list). */
  maxBlocksPerBlob?: number;
  /** Size after which a blob rolls over (a blob may pass it by one block). Default 128 MiB. */
  maxBlobBytes?: number;
  /** Default deflate: JSON bodies shrink several-fold and every Avro reader supports it. */
  codec?: AvroCodec;
  retry?: Partial<RetryOptions>;
  /** Attempts after write conflicts with concurrent writers. Default 20. */
  maxConflictAttempts?: number;
}

export interface ArchiveWriteResult {
  archived: number;
  skippedDuplicates: number;
  blobs: string[];
}

/** An event ready to be archived: its Capture record is built before any Blob call. */
interface Entry {
  seq: number;
  enqueuedMs: number;
  record: CaptureRecord;
}

/** What the writer knows about the latest blob of a window's chain. */
interface BlobState {
  name: string;
  /** Undefined while the blob does not exist yet. */
  etag?: string;
  blockIds: string[];
  size: number;
  firstSeq: number;
  /** Highest sequence number archived in this window (inherited by a new rollover blob). */
  highestSeq: number;
  lastEnqueuedMs: number;
}

const MAX_CACHED_WINDOWS = 256;

function positiveInt(value: number | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ArchiveInputError(`options.${name}`, `must be an integer between ${min} and ${max}`);
  }
  return value;
}

/**
 * Writes each batch as one Avro block appended to the window's blob (stageBlock + commitBlockList
 * guarded by the ETag). Events at or below the window's highest archived sequence number are
 * skipped, so redelivered and re-cut batches add nothing; a concurrent writer's commit makes ours
 * fail its precondition, and we re-read and retry.
 *
 * All writers of one container must use the same windowMinutes, maxBlocksPerBlob and maxBlobBytes:
 * the rollover decision depends only on the blob's state, so racing writers agree on it.
 */
export class ArchiveWriter {
  private readonly windowMinutes: number;
  private readonly maxBlocksPerBlob: number;
  private readonly maxBlobBytes: number;
  private readonly codec: AvroCodec;
  private readonly retry: Partial<RetryOptions>;
  private readonly maxConflictAttempts: number;
  private readonly ensureContainer: () => Promise<void>;
  private readonly windows = new Map<string, BlobState>();
  /** Write conflicts with concurrent writers seen so far (each was re-read and retried). */
  readonly stats = { conflicts: 0 };

  constructor(
    private readonly container: ContainerClient,
    opts: ArchiveWriterOptions = {},
  ) {
    this.windowMinutes = positiveInt(opts.windowMinutes, 60, 'windowMinutes', 1, 1440);
    if (1440 % this.windowMinutes !== 0) throw new ArchiveInputError('options.windowMinutes', 'must divide 1440 (a day)');
    this.maxBlocksPerBlob = positiveInt(opts.maxBlocksPerBlob, 2000, 'maxBlocksPerBlob', 2, 50_000);
    this.maxBlobBytes = positiveInt(opts.maxBlobBytes, 128 * 1024 * 1024, 'maxBlobBytes', 1024, 190 * 1024 ** 4);
    this.codec = opts.codec ?? 'deflate';
    if (this.codec !== 'deflate' && this.codec !== 'null') throw new ArchiveInputError('options.codec', 'must be "deflate" or "null"');
    this.retry = opts.retry ?? {};
    this.maxConflictAttempts = positiveInt(opts.maxConflictAttempts, 20, 'maxConflictAttempts', 1, 1000);
    this.ensureContainer = containerCreator(container, this.retry);
  }

  async write(batch: ReceivedBatch): Promise<ArchiveWriteResult> {
    validateBatch(batch);
    const { unique, duplicates } = sortUnique(batch.events);
    const result: ArchiveWriteResult = { archived: 0, skippedDuplicates: duplicates, blobs: [] };
    if (unique.length === 0) return result;
    // Converting first means a bad event fails the batch before anything is written.
    const entries: Entry[] = unique.map(({ event, index }) => ({
      seq: event.sequenceNumber,
      enqueuedMs: event.enqueuedTimeUtc.getTime(),
      record: captureRecordFromEvent(event, `batch.events[${index}]`),
    }));
    await this.ensureContainer();

    const ns = namespaceName(batch.fullyQualifiedNamespace);
    const groups = new Map<number, Entry[]>();
    for (const entry of entries) {
      const start = windowStartMs(entry.enqueuedMs, this.windowMinutes);
      let group = groups.get(start);
      if (!group) groups.set(start, (group = []));
      group.push(entry);
    }
    for (const [start, events] of [...groups].sort((a, b) => a[0] - b[0])) {
      const prefix = windowPrefix(ns, batch.eventHubName, batch.partitionId, start);
      const written = await this.appendToWindow(prefix, events);
      result.archived += written.archived;
      result.skippedDuplicates += events.length - written.archived;
      if (written.blob && !result.blobs.includes(written.blob)) result.blobs.push(written.blob);
    }
    return result;
  }

  private async appendToWindow(prefix: string, events: Entry[]): Promise<{ archived: number; blob?: string }> {
    let state = this.windows.get(prefix) ?? (await this.locateLatest(prefix));
    for (let attempt = 1; ; attempt++) {
      while (this.isFull(state)) state = await this.load(rolloverBlobName(prefix, state.highestSeq + 1), state);
      const highest = state.highestSeq;
      const fresh = events.filter((e) => e.seq > highest);
      if (fresh.length === 0) {
        this.remember(prefix, state);
        return { archived: 0 };
      }
      try {
        state = await this.append(state, fresh);
        this.remember(prefix, state);
        return { archived: fresh.length, blob: state.name };
      } catch (error) {
        if (!isWriteConflict(error) || attempt >= this.maxConflictAttempts) throw error;
        this.stats.conflicts++;
        this.windows.delete(prefix);
        // Let the winner finish (it may be mid-rollover), then start from what is stored.
        await sleep(Math.random() * 20 * Math.min(attempt, 5));
        state = await this.load(state.name, undefined);
      }
    }
  }

  private isFull(state: BlobState): boolean {
    return state.etag !== undefined && (state.blockIds.length >= this.maxBlocksPerBlob || state.size >= this.maxBlobBytes);
  }

  /** Stages the block and commits it after the blob's existing blocks, conditional on the ETag. */
  private async append(state: BlobState, events: Entry[]): Promise<BlobState> {
    const blob = this.container.getBlockBlobClient(state.name);
    const sync = syncMarkerFor(state.name);
    const block = encodeCaptureBlock(events.map((e) => e.record), this.codec, sync);
    const lastEnqueuedMs = events.reduce((max, e) => Math.max(max, e.enqueuedMs), state.lastEnqueuedMs);
    const info = { firstSeq: events[0].seq, lastSeq: events[events.length - 1].seq, lastEnqueuedMs };
    const blockId = dataBlockId(info, crypto.createHash('sha256').update(block).digest('hex'));

    const creating = state.etag === undefined;
    let size = state.size + block.length;
    if (creating) {
      const header = encodeCaptureHeader(this.codec, sync);
      size += header.length;
      await withRetry(() => blob.stageBlock(HEADER_BLOCK_ID, header, header.length), this.retry);
    }
    await withRetry(() => blob.stageBlock(blockId, block, block.length), this.retry);
    const blockIds = creating ? [HEADER_BLOCK_ID, blockId] : [...state.blockIds, blockId];
    const firstSeq = creating ? info.firstSeq : state.firstSeq;
    const response = await withRetry(
      () =>
        blob.commitBlockList(blockIds, {
          conditions: creating ? { ifNoneMatch: '*' } : { ifMatch: state.etag },
          blobHTTPHeaders: { blobContentType: 'application/avro' },
          metadata: {
            format: 'eventhubs-capture-avro',
            windowminutes: String(this.windowMinutes),
            firstsequencenumber: String(firstSeq),
            highestsequencenumber: String(info.lastSeq),
            lastenqueuedtimeutc: new Date(lastEnqueuedMs).toISOString(),
          },
        }),
      this.retry,
    );
    return { ...state, etag: response.etag, blockIds, size, firstSeq, highestSeq: info.lastSeq, lastEnqueuedMs };
  }

  /** Finds the newest blob of a window's chain (one list call), or the name its first blob will get. */
  private async locateLatest(prefix: string): Promise<BlobState> {
    let latest: { name: string; seq: number } | undefined;
    await withRetry(async () => {
      latest = undefined;
      for await (const item of this.container.listBlobsFlat({ prefix })) {
        const parsed = parseBlobName(item.name);
        if (!parsed || (item.name !== firstBlobName(prefix) && !item.name.startsWith(`${prefix}-`))) continue;
        if (!latest || parsed.rolloverSeq > latest.seq) latest = { name: item.name, seq: parsed.rolloverSeq };
      }
    }, this.retry);
    if (!latest) return emptyState(firstBlobName(prefix), -1);
    return this.load(latest.name, undefined);
  }

  /**
   * Reads a blob's state from its committed block list. `predecessor` is the full blob a rollover
   * blob follows; a blob that does not exist yet inherits its highest sequence number.
   */
  private async load(name: string, predecessor: BlobState | undefined): Promise<BlobState> {
    const blob = this.container.getBlockBlobClient(name);
    const inheritedSeq = predecessor?.highestSeq ?? inheritedFromName(name);
    try {
      const list = await withRetry(() => blob.getBlockList('committed'), this.retry);
      const committed = list.committedBlocks ?? [];
      // A blob with only uncommitted blocks (a writer staged, then lost or crashed) does not exist yet.
      if (committed.length === 0) return emptyState(name, inheritedSeq, predecessor?.lastEnqueuedMs);
      if (committed[0].name !== HEADER_BLOCK_ID) {
        // E.g. a file of native Capture at the same path: appending would corrupt it.
        throw new Error(`Blob ${name} was not written by ArchiveWriter (unknown block layout); refusing to append to it`);
      }
      const infos = committed.map((b) => parseBlockId(b.name)).filter((b) => b !== undefined);
      const last = infos[infos.length - 1];
      return {
        name,
        etag: list.etag,
        blockIds: committed.map((b) => b.name),
        size: committed.reduce((sum, b) => sum + b.size, 0),
        firstSeq: infos[0]?.firstSeq ?? inheritedSeq + 1,
        highestSeq: last?.lastSeq ?? inheritedSeq,
        lastEnqueuedMs: last?.lastEnqueuedMs ?? 0,
      };
    } catch (error) {
      if (isNotFound(error)) return emptyState(name, inheritedSeq, predecessor?.lastEnqueuedMs);
      throw error;
    }
  }

  private remember(prefix: string, state: BlobState): void {
    this.windows.delete(prefix);
    this.windows.set(prefix, state);
    if (this.windows.size > MAX_CACHED_WINDOWS) this.windows.delete(this.windows.keys().next().value as string);
  }
}

function emptyState(name: string, highestSeq: number, lastEnqueuedMs = 0): BlobState {
  return { name, blockIds: [], size: 0, firstSeq: highestSeq + 1, highestSeq, lastEnqueuedMs };
}

/** A rollover blob's name says the first sequence number it may hold: everything below is archived. */
function inheritedFromName(name: string): number {
  const parsed = parseBlobName(name);
  return parsed && parsed.rolloverSeq >= 0 ? parsed.rolloverSeq - 1 : -1;
}

/** Events in sequence order (with their index in the batch), without repeats inside the batch. */
function sortUnique(events: ReceivedEvent[]): { unique: { event: ReceivedEvent; index: number }[]; duplicates: number } {
  const sorted = events.map((event, index) => ({ event, index })).sort((a, b) => a.event.sequenceNumber - b.event.sequenceNumber);
  const unique = sorted.filter((e, i) => i === 0 || e.event.sequenceNumber !== sorted[i - 1].event.sequenceNumber);
  return { unique, duplicates: events.length - unique.length };
}
