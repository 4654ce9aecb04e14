// Reads Capture-format Avro (ours or Event Hubs Capture's) back as events, each once.
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { RetryOptions, withRetry } from '../common/retry';
import { ArchiveInputError } from './archiveInputError';
import { parseBlobName } from './archiveLayout';
import { decodeCaptureAvro } from './captureAvro';
import type { CaptureRecord } from './captureSchema';
import { parseCaptureTime } from './captureTime';

export interface ArchivedEvent {
  partitionId: string;
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: Date;
  partitionKey?: string;
  properties: Record<string, unknown>;
  /** One event's JSON; an envelope message (see src/events/eventEnvelope.ts) is yielded event by event. */
  body: Buffer;
  /** The event's place in its envelope message, which shares the sequence number. */
  envelopePosition?: number;
  blobName: string;
}

export interface ReadArchiveOptions {
  /** Only blobs (or files, relative to the folder) whose name starts with this. */
  prefix?: string;
  /** Inclusive lower bound on enqueued time. */
  from?: Date;
  /** Exclusive upper bound on enqueued time. */
  to?: Date;
  retry?: Partial<RetryOptions>;
}

interface SourceEntry {
  name: string;
  /** Latest enqueued time in the file, when the writer recorded it (our blobs' metadata). */
  lastEnqueuedMs?: number;
}

interface ArchiveSource {
  list(prefix: string): AsyncIterable<SourceEntry>;
  load(name: string): Promise<Buffer>;
}

interface PlannedFile extends SourceEntry {
  timeMs: number;
  rolloverSeq: number;
}

function checkDate(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new ArchiveInputError(field, 'must be a valid Date');
  return value.getTime();
}

function enqueuedMsOf(rec: CaptureRecord, blobName: string): number {
  const ms = rec.systemProperties['x-opt-enqueued-time'];
  if (typeof ms === 'number') return ms;
  const parsed = parseCaptureTime(rec.enqueuedTimeUtc);
  if (!parsed) throw new ArchiveInputError(`${blobName}: record ${rec.sequenceNumber} EnqueuedTimeUtc`, `is not a time: "${rec.enqueuedTimeUtc}"`);
  return parsed.getTime();
}

const OPEN_BRACKET = 0x5b;

/** The events of an envelope body, each as its own JSON; undefined for any other body. */
function envelopeEvents(body: Buffer): Buffer[] | undefined {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i] !== OPEN_BRACKET) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined; // left for the reader's own parse to report
  }
  return Array.isArray(value) ? value.map((event) => Buffer.from(JSON.stringify(event), 'utf8')) : undefined;
}

function comparePartitions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isInteger(na) && Number.isInteger(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Yields every event once per (event hub path, partition, sequence number, envelope position), partition by partition,
 * in sequence order within a partition. Files are read in window order, which is sequence order
 * because Event Hubs assigns enqueued times in sequence order within a partition.
 */
async function* readFromSource(source: ArchiveSource, opts: ReadArchiveOptions): AsyncGenerator<ArchivedEvent> {
  const fromMs = checkDate(opts.from, 'opts.from');
  const toMs = checkDate(opts.to, 'opts.to');
  if (opts.prefix !== undefined && typeof opts.prefix !== 'string') throw new ArchiveInputError('opts.prefix', 'must be a string');

  const partitions = new Map<string, { hubPath: string; partitionId: string; files: PlannedFile[] }>();
  for await (const entry of source.list(opts.prefix ?? '')) {
    if (!entry.name.endsWith('.avro')) continue;
    const parsed = parseBlobName(entry.name);
    const partitionId = parsed?.partitionId ?? path.posix.basename(path.posix.dirname(entry.name));
    const hubPath = parsed?.hubPath ?? path.posix.dirname(path.posix.dirname(entry.name));
    const timeMs = parsed?.timeMs ?? Number.NEGATIVE_INFINITY;
    // Events in a file are enqueued at or after its window start and up to its recorded latest time.
    if (toMs !== undefined && timeMs >= toMs) continue;
    if (fromMs !== undefined && entry.lastEnqueuedMs !== undefined && entry.lastEnqueuedMs < fromMs) continue;
    const key = `${hubPath}\u0000${partitionId}`;
    let group = partitions.get(key);
    if (!group) partitions.set(key, (group = { hubPath, partitionId, files: [] }));
    group.files.push({ ...entry, timeMs, rolloverSeq: parsed?.rolloverSeq ?? -1 });
  }

  const groups = [...partitions.values()].sort((a, b) =>
    a.hubPath < b.hubPath ? -1 : a.hubPath > b.hubPath ? 1 : comparePartitions(a.partitionId, b.partitionId),
  );
  for (const group of groups) {
    const files = group.files.sort((a, b) => a.timeMs - b.timeMs || a.rolloverSeq - b.rolloverSeq || (a.name < b.name ? -1 : 1));
    let lastSeq = Number.NEGATIVE_INFINITY;
    // Download the next file while the caller consumes this one.
    let next: Promise<Buffer> | undefined = files.length > 0 ? source.load(files[0].name) : undefined;
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const buf = await next!;
      next = i + 1 < files.length ? source.load(files[i + 1].name) : undefined;
      next?.catch(() => undefined); // surfaced when awaited
      let records: CaptureRecord[];
      try {
        records = decodeCaptureAvro(buf).records;
      } catch (error) {
        throw new Error(`${file.name}: ${(error as Error).message}`, { cause: error });
      }
      records.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
      for (const rec of records) {
        if (rec.sequenceNumber <= lastSeq) continue;
        lastSeq = rec.sequenceNumber;
        const enqueuedMs = enqueuedMsOf(rec, file.name);
        if ((fromMs !== undefined && enqueuedMs < fromMs) || (toMs !== undefined && enqueuedMs >= toMs)) continue;
        const partitionKey = rec.systemProperties['x-opt-partition-key'];
        const message: ArchivedEvent = {
          partitionId: group.partitionId,
          sequenceNumber: rec.sequenceNumber,
          offset: rec.offset,
          enqueuedTimeUtc: new Date(enqueuedMs),
          ...(typeof partitionKey === 'string' && partitionKey !== '' ? { partitionKey } : {}),
          properties: rec.properties,
          body: rec.body ?? Buffer.alloc(0),
          blobName: file.name,
        };
        const envelope = envelopeEvents(message.body);
        if (envelope) for (let position = 0; position < envelope.length; position++) yield { ...message, body: envelope[position], envelopePosition: position };
        else yield message;
      }
    }
  }
}

/** Reads the archive in a blob container (ours or native Capture's). */
export function readArchive(container: ContainerClient, opts: ReadArchiveOptions = {}): AsyncIterable<ArchivedEvent> {
  const retry = opts.retry ?? {};
  return readFromSource(
    {
      async *list(prefix) {
        const entries: SourceEntry[] = await withRetry(async () => {
          const out: SourceEntry[] = [];
          for await (const item of container.listBlobsFlat({ prefix: prefix || undefined, includeMetadata: true })) {
            const last = item.metadata?.lastenqueuedtimeutc;
            const lastMs = last ? Date.parse(last) : Number.NaN;
            out.push({ name: item.name, ...(Number.isNaN(lastMs) ? {} : { lastEnqueuedMs: lastMs }) });
          }
          return out;
        }, retry);
        yield* entries;
      },
      load: (name) => withRetry(() => container.getBlobClient(name).downloadToBuffer(), retry),
    },
    opts,
  );
}

function* walk(dir: string, rel = ''): Generator<string> {
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* walk(dir, child);
    else if (entry.isFile()) yield child;
  }
}

/** Reads Capture-format .avro files under a local folder (e.g. a downloaded Capture container). */
export function readArchiveFolder(dir: string, opts: ReadArchiveOptions = {}): AsyncIterable<ArchivedEvent> {
  if (typeof dir !== 'string' || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ArchiveInputError('dir', `must be an existing folder, got "${String(dir)}"`);
  }
  return readFromSource(
    {
      async *list(prefix) {
        for (const name of walk(dir)) if (name.startsWith(prefix)) yield { name };
      },
      load: (name) => fs.promises.readFile(path.join(dir, ...name.split('/'))),
    },
    opts,
  );
}
