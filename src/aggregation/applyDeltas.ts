// The I/O half of aggregation: folds each document's delta into Cosmos DB with exactly-once effect.
//
// Every document keeps `applied[partitionId]`, the highest sequence number of that Event Hub
// partition already folded in. For each document: read it (1 operation; with `bulkReads` a
// batch's first reads go out as bulk Read operations, ~100 per request), drop the delta's events
// at or below that mark, fold the rest in, and write it back guarded by the read's etag (replace
// with If-Match, or create, which fails if someone else created it first) (1 operation). A 412 or
// 409 means another writer got there first: read again and redo. A consumer always processes a
// partition in order from a checkpoint, so "≤ mark" means "already counted" for that document.
import { BulkOperationType, type Container, type OperationInput } from '@azure/cosmos';
import { withRetry, type RetryOptions } from '../common/retry';
import { forEachConcurrently } from '../common/boundedConcurrency';
import { rebuildDelta, type ComputedDeltas, type DocumentDelta } from './deltas';
import { appliedMarks, foldDelta, locate, type DocumentLocation, type StoredDocument } from './documents';

export interface ApplyDeps {
  aggregates: Container;
  profiles: Container;
  /** Documents written at once. Default 24. */
  concurrency?: number;
  /**
   * Read the batch's documents with bulk Read operations (~100 per request) instead of concurrent
   * point reads. Fewer round trips against a multi-partition account; slower against the local
   * emulator's single partition key range (the SDK's bulk executor starts at one request in
   * flight per range).
   * Default false.
   */
  bulkReads?: boolean;
  retry?: Partial<RetryOptions>;
  /** Read/write rounds per document before giving up on contention. Default 25. */
  maxConflictRounds?: number;
  log?: (message: string) => void;
}

export interface ApplyResult {
  /** 1 where the event changed at least one document in this call. */
  appliedEvents: Uint8Array;
  /** Documents this call wrote. */
  documentsWritten: number;
  cosmosOperations: number;
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof code === 'number' ? code : undefined;
}

export class ConflictError extends Error {}

/** A document as read: its body (undefined if it does not exist) and etag. */
interface ReadResult {
  existing: StoredDocument | undefined;
  etag: string | undefined;
}

export async function applyDeltas(computed: ComputedDeltas, deps: ApplyDeps): Promise<ApplyResult> {
  const { events, partitionId } = computed;
  const appliedEvents = new Uint8Array(events.length);
  const maxRounds = deps.maxConflictRounds ?? 25;
  let operationCount = 0;
  let documentsWritten = 0;
  const retry: Partial<RetryOptions> = {
    onRetry: (error, attempt, delayMs) =>
      deps.log?.(`Cosmos DB call failed (attempt ${attempt}, retrying in ${Math.round(delayMs)} ms): ${(error as Error).message}`),
    ...deps.retry,
  };
  const call = <T>(fn: () => Promise<T>) =>
    withRetry(() => {
      operationCount++;
      return fn();
    }, retry);

  /**
   * Reads many documents of one container with bulk Read operations. A document whose read
   * failed is left out; it gets a point read (with retries) instead.
   */
  const bulkRead = async (container: Container, locations: DocumentLocation[]): Promise<(ReadResult | undefined)[]> => {
    const found: (ReadResult | undefined)[] = new Array(locations.length);
    if (locations.length === 0) return found;
    const operations: OperationInput[] = locations.map((l) => ({ operationType: BulkOperationType.Read, id: l.id, partitionKey: l.partitionKey }));
    const results = await withRetry(() => {
      operationCount += operations.length;
      return container.items.executeBulkOperations(operations);
    }, retry);
    results.forEach((result, i) => {
      const status = result.response?.statusCode ?? statusOf(result.error);
      if (status === 200 && result.response?.resourceBody) {
        found[i] = { existing: result.response.resourceBody as StoredDocument, etag: result.response.eTag };
      } else if (status === 404) {
        found[i] = { existing: undefined, etag: undefined };
      }
    });
    return found;
  };

  const pointRead = async (container: Container, location: DocumentLocation): Promise<ReadResult> => {
    const read = await call(() => container.item(location.id, location.partitionKey).read<StoredDocument>());
    return read.statusCode === 404 ? { existing: undefined, etag: undefined } : { existing: read.resource, etag: read.etag };
  };

  const applyOne = async (delta: DocumentDelta, location: DocumentLocation, prefetched: ReadResult | undefined): Promise<void> => {
    const container = location.container === 'profiles' ? deps.profiles : deps.aggregates;
    for (let round = 1; round <= maxRounds; round++) {
      const { existing, etag } = round === 1 && prefetched ? prefetched : await pointRead(container, location);
      const mark = appliedMarks(existing)[partitionId] ?? -1;
      if (delta.maxSeq <= mark) return;
      const effective = delta.minSeq > mark ? delta : rebuildDelta(delta, events, mark);
      const body = foldDelta(existing, effective, location, partitionId);
      try {
        if (existing) {
          const condition = etag ?? String(existing._etag);
          await call(() => container.item(location.id, location.partitionKey).replace(body, { accessCondition: { type: 'IfMatch', condition } }));
        } else {
          await call(() => container.items.create(body));
        }
      } catch (error) {
        const status = statusOf(error);
        if (status === 412 || status === 409) continue;
        throw error;
      }
      documentsWritten++;
      for (const index of effective.eventIndexes) appliedEvents[index] = 1;
      return;
    }
    throw new ConflictError(`document ${location.id} in ${location.container}: still conflicting after ${maxRounds} rounds`);
  };

  const work = computed.deltas.map((delta) => ({ delta, location: locate(delta), prefetched: undefined as ReadResult | undefined }));
  if (deps.bulkReads) {
    await Promise.all(
      (['aggregates', 'profiles'] as const).map(async (name) => {
        const mine = work.filter((w) => w.location.container === name);
        const reads = await bulkRead(deps[name], mine.map((w) => w.location));
        mine.forEach((w, i) => (w.prefetched = reads[i]));
      }),
    );
  }
  await forEachConcurrently(work, deps.concurrency ?? 24, (w) => applyOne(w.delta, w.location, w.prefetched));
  return { appliedEvents, documentsWritten, cosmosOperations: operationCount };
}
