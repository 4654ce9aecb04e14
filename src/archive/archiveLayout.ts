// Blob names and block ids of the archive.
//
// Blob: {Namespace}/{EventHub}/{PartitionId}/{YYYY}/{MM}/{DD}/{hh}/{mm}/{ss}.avro for the first blob
// of a time window (Capture's default layout, named by the window start), and
// ...{ss}-{firstSequenceNumber, 20 digits}.avro for the blobs it rolls over to.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function windowStartMs(enqueuedMs: number, windowMinutes: number): number {
  const size = windowMinutes * 60_000;
  return Math.floor(enqueuedMs / size) * size;
}

/** `{ns}/{hub}/{pid}/YYYY/MM/DD/hh/mm/ss` of a window start: every blob of that window starts with it. */
export function windowPrefix(namespace: string, eventHub: string, partitionId: string, startMs: number): string {
  const d = new Date(startMs);
  return [
    namespace, eventHub, partitionId,
    pad(d.getUTCFullYear(), 4), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()),
    pad(d.getUTCHours()), pad(d.getUTCMinutes()), pad(d.getUTCSeconds()),
  ].join('/');
}

export const firstBlobName = (prefix: string) => `${prefix}.avro`;

/** The blob a full blob rolls over to: named by the first sequence number it may hold. */
export const rolloverBlobName = (prefix: string, firstSequenceNumber: number) => `${prefix}-${pad(firstSequenceNumber, 20)}.avro`;

const BLOB_PATH = /(?:^|\/)([^/]+)\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})(?:-(\d{1,20}))?\.avro$/;

export interface ParsedBlobName {
  partitionId: string;
  /** Start of the window (ours) or of the capture window (native Capture). */
  timeMs: number;
  /** Rollover blobs only: the first sequence number they may hold; -1 for a window's first blob. */
  rolloverSeq: number;
  /** Everything before the partition id, e.g. `ns/hub`. */
  hubPath: string;
}

/** Parses a Capture-layout blob name; undefined if it does not end in .../{pid}/YYYY/MM/DD/hh/mm/ss.avro. */
export function parseBlobName(name: string): ParsedBlobName | undefined {
  const m = BLOB_PATH.exec(name);
  if (!m) return undefined;
  const timeMs = Date.UTC(+m[2], +m[3] - 1, +m[4], +m[5], +m[6], +m[7]);
  if (Number.isNaN(timeMs)) return undefined;
  return { partitionId: m[1], timeMs, rolloverSeq: m[8] ? Number(m[8]) : -1, hubPath: name.slice(0, name.length - m[0].length) };
}

// Block ids: all 53 characters before base64, as Azure requires equal lengths within a blob.
//   h + 52 zeros                                   the Avro header
//   b + first seq (16 hex) + last seq (16 hex) + latest enqueued ms (12 hex) + content hash (8 hex)
// The hash keeps two different blocks from ever sharing an id; the rest lets the writer
// rebuild its state (highest sequence number, latest enqueued time) from the block list alone.
export const HEADER_BLOCK_ID = Buffer.from('h'.padEnd(53, '0')).toString('base64');

export interface BlockInfo {
  firstSeq: number;
  lastSeq: number;
  lastEnqueuedMs: number;
}

export function dataBlockId(info: BlockInfo, contentHash: string): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const raw = `b${hex(info.firstSeq, 16)}${hex(info.lastSeq, 16)}${hex(info.lastEnqueuedMs, 12)}${contentHash.slice(0, 8)}`;
  return Buffer.from(raw).toString('base64');
}

/** The data block info in a block id; undefined for the header or foreign ids. */
export function parseBlockId(id: string): BlockInfo | undefined {
  const raw = Buffer.from(id, 'base64').toString('latin1');
  const m = /^b([0-9a-f]{16})([0-9a-f]{16})([0-9a-f]{12})[0-9a-f]{8}$/.exec(raw);
  if (!m) return undefined;
  return { firstSeq: parseInt(m[1], 16), lastSeq: parseInt(m[2], 16), lastEnqueuedMs: parseInt(m[3], 16) };
}
