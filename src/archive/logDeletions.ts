// Deleting the learning loop's logs (Personalizer's Log_Delete) from the raw archive: a deletion is
// first written as a record (the audit record and, at the same time, the tombstone the training
// view honours), then the archive's Capture blobs are rewritten without the deleted events.
//
// Why both: in Azure the archive container has a time-based retention (WORM) policy
// (infra/app/dataLake.bicep): a blob younger than archiveRetentionDays cannot be rewritten, only
// appended to. Such blobs are refused (409 BlobImmutableDueTo…) and stay as they are, listed as
// pending in the record; the tombstone keeps their events out of training from the moment the
// deletion is recorded, and a later sweep (every Log_Delete sweeps the pending blobs of earlier
// deletions) rewrites them once their retention has run out. Records are new blobs under
// DELETIONS_PREFIX, never rewritten, so the retention policy protects the audit trail as well.
//
// Which events: decision, reward and activation events (every one carries a `decision` member;
// client events cannot) whose `timestamp` is in [from, to), and that were archived before the
// deletion (an interaction uploaded later with an old timestamp is not deleted by it).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { forEachConcurrently } from '../common/boundedConcurrency';
import { withRetry, type RetryOptions } from '../common/retry';
import { HEADER_BLOCK_ID, dataBlockId, parseBlobName, parseBlockId } from './archiveLayout';
import { isNotFound, isWriteConflict } from './blobErrors';
import { decodeCaptureAvro, encodeCaptureBlock, encodeCaptureFile } from './captureAvro';
import type { CaptureRecord } from './captureSchema';
import { parseCaptureTime } from './captureTime';
import { parseContainer, type AvroCodec } from './avroContainer';

/** Where deletion records live in the archive container (readers skip everything that is not .avro). */
export const DELETIONS_PREFIX = 'personalizer-log-deletions/';
/** An event's timestamp may be this much after its enqueued time (capture accepts 5 minutes in the future). */
const FUTURE_SKEW_MS = 5 * 60_000;
const LEARNING_TYPES = new Set(['decision', 'reward', 'activation']);
/** Event Hubs keeps events at most 7 days: an event enqueued before a deletion is archived within that. */
const LATE_ARCHIVE_MS = 7 * 86_400_000;
/** Blobs rewritten at once. */
const CONCURRENCY = 8;
const DECISION_FIELD = Buffer.from('"decision"');

export interface DeletionRange {
  /** Inclusive; undefined: from the beginning. */
  fromMs?: number;
  /** Exclusive; undefined: up to the deletion. */
  toMs?: number;
}

export interface RemovedCounts {
  decisions: number;
  rewards: number;
  activations: number;
}

export interface LogDeletionRecord {
  id: string;
  kind: 'deletion' | 'sweep';
  /** Deletions are recorded twice: 'started' (the tombstone, before any rewrite) and 'finished' (the counts). */
  phase?: 'started' | 'finished';
  requestedAt: string;
  /** Who asked: a fingerprint of the API key used (never the key) and the client address. */
  requestedBy: { apiKeyFingerprint?: string; clientAddress?: string; operation: string };
  range: { from: string | null; to: string | null };
  removed: RemovedCounts;
  blobsRewritten: number;
  /** Blobs the retention policy did not let us rewrite yet: their events are hidden by the tombstone. */
  pendingBlobs: string[];
  /** Sweeps: the deletions whose pending blobs they rewrote. */
  sweptDeletions?: string[];
}

export interface Tombstone {
  id: string;
  fromMs: number;
  toMs: number;
  /** Events archived after this are not covered (they were logged after the deletion). */
  requestedAtMs: number;
}

export interface DeleteLogsOptions {
  now?: () => Date;
  requestedBy: LogDeletionRecord['requestedBy'];
  retry?: Partial<RetryOptions>;
  /** Progress per blob looked at. */
  onBlob?: (name: string, outcome: 'unchanged' | 'rewritten' | 'pending') => void;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function tombstoneOf(record: LogDeletionRecord): Tombstone | undefined {
  if (record.kind !== 'deletion') return undefined;
  const requestedAtMs = Date.parse(record.requestedAt);
  if (Number.isNaN(requestedAtMs)) return undefined;
  return {
    id: record.id,
    fromMs: record.range.from === null ? Number.NEGATIVE_INFINITY : Date.parse(record.range.from),
    toMs: record.range.to === null ? Number.POSITIVE_INFINITY : Date.parse(record.range.to),
    requestedAtMs,
  };
}

const isIso = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/**
 * A record as this module writes it, or undefined for anything else under the prefix (records
 * cannot be corrected under the retention lock, so a foreign file must not stop training).
 */
function parseRecord(text: Buffer): LogDeletionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.toString('utf8'));
  } catch {
    return undefined;
  }
  const r = value as Partial<LogDeletionRecord> | null;
  if (typeof r !== 'object' || r === null || (r.kind !== 'deletion' && r.kind !== 'sweep') || typeof r.id !== 'string' || !isIso(r.requestedAt)) return undefined;
  if (typeof r.range !== 'object' || r.range === null || (r.range.from !== null && !isIso(r.range.from)) || (r.range.to !== null && !isIso(r.range.to))) return undefined;
  if (!Array.isArray(r.pendingBlobs)) return undefined;
  return r as LogDeletionRecord;
}

/** Every deletion and sweep record of an archive container, oldest first (none while it does not exist). */
export async function readDeletionRecords(container: ContainerClient, retry: Partial<RetryOptions> = {}): Promise<LogDeletionRecord[]> {
  const records: LogDeletionRecord[] = [];
  try {
    const names: string[] = [];
    for await (const item of container.listBlobsFlat({ prefix: DELETIONS_PREFIX })) if (item.name.endsWith('.json')) names.push(item.name);
    for (const name of names.sort()) {
      const text = await withRetry(() => container.getBlobClient(name).downloadToBuffer(), retry);
      const record = parseRecord(text);
      if (record) records.push(record);
    }
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return records;
}

/** The tombstones of a container (the training view drops what they cover). */
export async function readTombstones(container: ContainerClient): Promise<Tombstone[]> {
  return (await readDeletionRecords(container)).map(tombstoneOf).filter((t): t is Tombstone => t !== undefined);
}

/** The tombstones of a downloaded archive folder (its personalizer-log-deletions/*.json). */
export function readFolderTombstones(dir: string): Tombstone[] {
  const folder = path.join(dir, ...DELETIONS_PREFIX.split('/').filter(Boolean));
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseRecord(fs.readFileSync(path.join(folder, f))))
    .map((r) => (r ? tombstoneOf(r) : undefined))
    .filter((t): t is Tombstone => t !== undefined);
}

/** The learning event's type and timestamp, or undefined for any other event. */
function learningEventOf(event: unknown): { type: string; timestampMs: number } | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  const e = event as { type?: unknown; timestamp?: unknown; decision?: unknown };
  if (typeof e.type !== 'string' || !LEARNING_TYPES.has(e.type) || e.decision === undefined) return undefined;
  const timestampMs = typeof e.timestamp === 'string' ? Date.parse(e.timestamp) : Number.NaN;
  return Number.isNaN(timestampMs) ? undefined : { type: e.type, timestampMs };
}

const covers = (t: Pick<Tombstone, 'fromMs' | 'toMs'>, ms: number) => ms >= t.fromMs && ms < t.toMs;

/** Which learning events a deletion removes: by timestamp, and archived before the deletion. */
type Selector = (timestampMs: number, enqueuedMs: number) => boolean;

function selectorOf(t: Tombstone): Selector {
  return (timestampMs, enqueuedMs) => covers(t, timestampMs) && enqueuedMs <= t.requestedAtMs;
}

function enqueuedMsOf(record: CaptureRecord): number {
  const ms = record.systemProperties['x-opt-enqueued-time'];
  if (typeof ms === 'number') return ms;
  return parseCaptureTime(record.enqueuedTimeUtc)?.getTime() ?? Number.NEGATIVE_INFINITY;
}

/** True when a tombstone deletes this archived event body (one event, not an envelope). */
export function isTombstoned(body: Buffer, enqueuedMs: number, tombstones: readonly Tombstone[]): boolean {
  // Cheap checks first: most events are client events, or archived after every deletion.
  if (tombstones.length === 0 || !tombstones.some((t) => enqueuedMs <= t.requestedAtMs) || body.indexOf(DECISION_FIELD) < 0) return false;
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  const learning = learningEventOf(event);
  return learning !== undefined && tombstones.some((t) => enqueuedMs <= t.requestedAtMs && covers(t, learning.timestampMs));
}

/**
 * True when an archive window (enqueued from startMs to lastMs) lies inside a deletion's range and
 * was complete when it was deleted: Log_GetProperties leaves it out of the logs' date range.
 */
export function windowDeleted(startMs: number, lastMs: number, tombstones: readonly Tombstone[]): boolean {
  return tombstones.some((t) => t.fromMs <= startMs && lastMs < t.toMs && lastMs <= t.requestedAtMs);
}

const emptyCounts = (): RemovedCounts => ({ decisions: 0, rewards: 0, activations: 0 });

function count(counts: RemovedCounts, type: string): void {
  if (type === 'decision') counts.decisions++;
  else if (type === 'reward') counts.rewards++;
  else counts.activations++;
}

/**
 * A record's body without the events `deleted` selects: undefined when nothing changes, null when
 * nothing is left. Envelope bodies (JSON arrays) lose only their deleted events.
 */
function filterBody(body: Buffer, enqueuedMs: number, deleted: Selector, counts: RemovedCounts): Buffer | null | undefined {
  if (body.indexOf(DECISION_FIELD) < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const drop = (event: unknown) => {
    const learning = learningEventOf(event);
    if (!learning || !deleted(learning.timestampMs, enqueuedMs)) return false;
    count(counts, learning.type);
    return true;
  };
  if (!Array.isArray(value)) return drop(value) ? null : undefined;
  const kept = value.filter((event) => !drop(event));
  if (kept.length === value.length) return undefined;
  return kept.length === 0 ? null : Buffer.from(JSON.stringify(kept), 'utf8');
}

function filterRecords(records: readonly CaptureRecord[], deleted: Selector, counts: RemovedCounts): CaptureRecord[] | undefined {
  let changed = false;
  const out: CaptureRecord[] = [];
  for (const record of records) {
    const body = record.body ? filterBody(record.body, enqueuedMsOf(record), deleted, counts) : undefined;
    if (body === undefined) out.push(record);
    else {
      changed = true;
      if (body !== null) out.push({ ...record, body });
    }
  }
  return changed ? out : undefined;
}

/** 409 BlobImmutableDueToPolicy / …LegalHold: the retention policy protects the blob. */
export function isImmutable(error: unknown): boolean {
  const e = error as { statusCode?: unknown; code?: unknown } | null;
  return e?.statusCode === 409 && typeof e.code === 'string' && e.code.startsWith('BlobImmutable');
}

/**
 * Rewrites one blob without the deleted events, keeping its block layout for the archive writer:
 * unchanged blocks keep their ids, a changed block is staged again under the same sequence
 * numbers (an emptied block stays, empty, so the writer's duplicate check still knows them), all
 * committed under the ETag read. Native Capture blobs (no ArchiveWriter header block) are uploaded
 * whole. 'pending' when the retention policy refused.
 */
async function rewriteBlob(
  container: ContainerClient,
  name: string,
  deleted: Selector,
  counts: RemovedCounts,
  retry: Partial<RetryOptions>,
): Promise<'unchanged' | 'rewritten' | 'pending'> {
  const blob = container.getBlockBlobClient(name);
  for (let attempt = 1; ; attempt++) {
    const found = emptyCounts();
    try {
      const list = await withRetry(() => blob.getBlockList('committed'), retry);
      const etag = list.etag;
      const committed = list.committedBlocks ?? [];
      const properties = await withRetry(() => blob.getProperties({ conditions: { ifMatch: etag } }), retry);
      const bytes = await withRetry(() => blob.downloadToBuffer(0, undefined, { conditions: { ifMatch: etag } }), retry);
      if (committed.length === 0 || committed[0].name !== HEADER_BLOCK_ID) {
        const decoded = decodeCaptureAvro(bytes);
        const kept = filterRecords(decoded.records, deleted, found);
        if (!kept) return 'unchanged';
        const codec = (decoded.codec === 'deflate' ? 'deflate' : 'null') as AvroCodec;
        const file = encodeCaptureFile([kept], codec, parseContainer(bytes).sync);
        await blob.upload(file, file.length, { conditions: { ifMatch: etag }, metadata: properties.metadata, blobHTTPHeaders: { blobContentType: properties.contentType } });
      } else {
        const header = bytes.subarray(0, committed[0].size);
        const { codec, sync } = parseContainer(header);
        const ids: string[] = [HEADER_BLOCK_ID];
        const staged: { id: string; block: Buffer }[] = [];
        let offset = committed[0].size;
        for (const block of committed.slice(1)) {
          const data = bytes.subarray(offset, offset + block.size);
          offset += block.size;
          const kept = filterRecords(decodeCaptureAvro(Buffer.concat([header, data])).records, deleted, found);
          const info = parseBlockId(block.name);
          if (!kept || !info) {
            ids.push(block.name);
            continue;
          }
          const encoded = encodeCaptureBlock(kept, codec === 'deflate' ? 'deflate' : 'null', sync);
          const id = dataBlockId(info, crypto.createHash('sha256').update(encoded).digest('hex'));
          ids.push(id);
          staged.push({ id, block: encoded });
        }
        if (staged.length === 0) return 'unchanged';
        for (const { id, block } of staged) await withRetry(() => blob.stageBlock(id, block, block.length), retry);
        await blob.commitBlockList(ids, { conditions: { ifMatch: etag }, metadata: properties.metadata, blobHTTPHeaders: { blobContentType: properties.contentType } });
      }
      counts.decisions += found.decisions;
      counts.rewards += found.rewards;
      counts.activations += found.activations;
      return 'rewritten';
    } catch (error) {
      if (isImmutable(error)) return 'pending';
      // The archiver appended meanwhile: read the blob again.
      if (isWriteConflict(error) && attempt < 10) continue;
      throw error;
    }
  }
}

/** Blob names of the archive's Capture files that may hold events with timestamps from `fromMs` on. */
async function candidateBlobs(container: ContainerClient, fromMs: number, lateFor?: Tombstone): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const item of container.listBlobsFlat({ includeMetadata: true })) {
      if (!item.name.endsWith('.avro') || item.name.startsWith(DELETIONS_PREFIX)) continue;
      const last = Date.parse(item.metadata?.lastenqueuedtimeutc ?? '');
      // Events are stamped at most FUTURE_SKEW_MS after they are enqueued.
      if (!Number.isNaN(last) && last + FUTURE_SKEW_MS < fromMs) continue;
      if (lateFor) {
        // Only blobs written to after the deletion, of windows that began before it and after the
        // oldest event the hub could still hold then (only the last week of blobs is read again).
        const window = parseBlobName(item.name);
        const modified = item.properties.lastModified?.getTime() ?? Number.POSITIVE_INFINITY;
        if (!window || window.timeMs > lateFor.requestedAtMs || window.timeMs < lateFor.requestedAtMs - LATE_ARCHIVE_MS - 86_400_000 || modified < lateFor.requestedAtMs - 1000) continue;
      }
      names.push(item.name);
    }
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return names.sort();
}

async function writeRecord(container: ContainerClient, record: LogDeletionRecord, retry: Partial<RetryOptions>): Promise<void> {
  const text = Buffer.from(JSON.stringify(record, null, 2), 'utf8');
  const name = `${DELETIONS_PREFIX}${record.requestedAt.replace(/[-:.]/g, '')}-${record.id}${record.phase ? `-${record.phase}` : ''}.json`;
  await container.createIfNotExists();
  await withRetry(() => container.getBlockBlobClient(name).upload(text, text.length, { conditions: { ifNoneMatch: '*' }, blobHTTPHeaders: { blobContentType: 'application/json' } }), retry);
}

/**
 * Deletes the learning events of `range` from the archive: records the deletion (tombstone +
 * audit), rewrites every blob that may hold them, sweeps what earlier deletions left pending, and
 * returns the record (its counts are of the blobs rewritten now).
 */
export async function deleteLoggedEvents(container: ContainerClient, range: DeletionRange, opts: DeleteLogsOptions): Promise<LogDeletionRecord> {
  const retry = opts.retry ?? {};
  const now = (opts.now ?? (() => new Date()))();
  const record: LogDeletionRecord = {
    id: crypto.randomUUID(),
    kind: 'deletion',
    requestedAt: now.toISOString(),
    requestedBy: opts.requestedBy,
    range: { from: iso(range.fromMs), to: iso(range.toMs) },
    removed: emptyCounts(),
    blobsRewritten: 0,
    pendingBlobs: [],
  };
  // The tombstone first: from here on training no longer sees the events, whatever happens next.
  const earlier = await readDeletionRecords(container, retry);
  await writeRecord(container, { ...record, phase: 'started' }, retry);

  const tombstone = tombstoneOf(record)!;
  const deleted = selectorOf(tombstone);
  await forEachConcurrently(await candidateBlobs(container, tombstone.fromMs), CONCURRENCY, async (name) => {
    const outcome = await rewriteBlob(container, name, deleted, record.removed, retry);
    if (outcome === 'rewritten') record.blobsRewritten++;
    if (outcome === 'pending') record.pendingBlobs.push(name);
    opts.onBlob?.(name, outcome);
  });
  record.pendingBlobs.sort();
  record.phase = 'finished';
  await writeRecord(container, record, retry);
  await sweepPending(container, earlier, opts);
  return record;
}

/**
 * Retries the blobs earlier deletions could not rewrite (their retention has perhaps run out); a
 * sweep record says what it removed. Returns undefined when nothing was pending.
 */
export async function sweepPending(container: ContainerClient, records: readonly LogDeletionRecord[], opts: DeleteLogsOptions): Promise<LogDeletionRecord | undefined> {
  const retry = opts.retry ?? {};
  const swept = new Set<string>();
  for (const r of records) if (r.kind === 'sweep') for (const id of r.sweptDeletions ?? []) swept.add(id);
  // Per deletion: the blobs left pending, or every candidate blob when it never finished (a crash mid-way).
  // A finished deletion younger than LATE_ARCHIVE_MS is also checked for events enqueued before it
  // but archived after its rewrite (archive lag, an outage): the tombstone hides them, the sweep
  // removes their bytes.
  const now = (opts.now ?? (() => new Date()))();
  const byId = new Map<string, { record: LogDeletionRecord; blobs: string[] | 'all'; late: boolean }>();
  for (const r of records) {
    if (r.kind !== 'deletion') continue;
    const late = r.phase === 'finished' && now.getTime() - Date.parse(r.requestedAt) < LATE_ARCHIVE_MS;
    if (swept.has(r.id) && !late) continue;
    if (r.phase === 'finished') byId.set(r.id, { record: r, blobs: swept.has(r.id) ? [] : r.pendingBlobs, late });
    else if (!byId.has(r.id) && !swept.has(r.id)) byId.set(r.id, { record: r, blobs: 'all', late: false });
  }
  const pending = [...byId.entries()].filter(([, p]) => p.blobs === 'all' || p.blobs.length > 0 || p.late);
  if (pending.length === 0) return undefined;
  const sweep: LogDeletionRecord = {
    id: crypto.randomUUID(),
    kind: 'sweep',
    requestedAt: now.toISOString(),
    requestedBy: opts.requestedBy,
    range: { from: null, to: null },
    removed: emptyCounts(),
    blobsRewritten: 0,
    pendingBlobs: [],
    sweptDeletions: [],
  };
  for (const [id, p] of pending) {
    const tomb = tombstoneOf(p.record);
    if (!tomb) continue;
    const deleted = selectorOf(tomb);
    let left = 0;
    const blobs = p.blobs === 'all' ? await candidateBlobs(container, tomb.fromMs) : [...new Set([...p.blobs, ...(p.late ? await candidateBlobs(container, tomb.fromMs, tomb) : [])])];
    for (const name of blobs) {
      if (!parseBlobName(name)) continue;
      let outcome: 'unchanged' | 'rewritten' | 'pending';
      try {
        outcome = await rewriteBlob(container, name, deleted, sweep.removed, retry);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        outcome = 'unchanged'; // removed by the lifecycle rule meanwhile
      }
      opts.onBlob?.(name, outcome);
      if (outcome === 'rewritten') sweep.blobsRewritten++;
      if (outcome === 'pending') {
        left++;
        if (!sweep.pendingBlobs.includes(name)) sweep.pendingBlobs.push(name);
      }
    }
    const hadPending = p.blobs === 'all' || p.blobs.length > 0;
    if (left === 0 && hadPending) sweep.sweptDeletions!.push(id);
  }
  // A sweep that changed nothing (everything still locked) leaves no record: the daily timer would
  // otherwise add one per day for the whole retention period.
  if (sweep.blobsRewritten > 0 || sweep.sweptDeletions!.length > 0) await writeRecord(container, sweep, retry);
  return sweep;
}
