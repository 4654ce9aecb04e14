// The I/O half of aggregation: folds each document's delta into Cosmos DB with exactly-once effect.
//
// Every document keeps `applied[partitionId]`, the highest sequence number of that Event Hub
// partition already folded in. Writes go in rounds; each round reads every pending document
// (bulk Read), drops the events at or below its mark, folds the rest in, and writes it back
// guarded by the read's etag (bulk Replace with If-Match, or Create, which fails if someone else
// created it first). A 412 or 409 means another writer got there first, and a transient failure
// (429, 503, …) means the write may not have happened: such documents go into the next round,
// which reads them again. A consumer always processes a partition in order from a checkpoint, so
// "≤ mark" means "already counted" for that document.
//
// Group commit: the partitions' consumers in one process share a writer (per Cosmos client and
// pair of containers). Batches that arrive while a flush runs wait for the next one, which folds
// all their deltas to the same document (an offer's hourly counters, from every partition) into
// one read and one write. Without it, the consumers raced for the same hot documents and a third
// of the writes lost (412) and were redone.
//
// Why bulk: a point operation costs the SDK ~0.4–0.7 ms of CPU (headers, signing, HTTP,
// diagnostics) against ~0.05 ms for an operation inside a bulk request, and a batch of 500
// events touches ~900 documents. With point operations the consumer's process, not Cosmos DB,
// was the limit (~700 events/s on one core).
//
// Why `items.bulk` (one request per ≤100 operations) and not `executeBulkOperations`: the latter
// (SDK 4.9) queues the last partial batch and then sleeps a fixed second before it looks at the
// results again, so every call took over a second. Requests of ≤100 operations suit both the
// service's per-request limit and `items.bulk`, which sends them at once.
import {
  BulkOperationType, type Container, type CosmosClient, type JSONObject, type OperationInput, type OperationResponse,
} from '@azure/cosmos';
import { DEFAULT_RETRY, isTransientError, sleep, withRetry, type RetryOptions } from '../common/retry';
import { rebuildDelta, type ComputedDeltas, type DocumentDelta } from './deltas';
import { documentCacheFor, type DocumentCache } from './documentCache';
import { appliedMarks, effectiveMark, foldDelta, locate, type DocumentLocation, type StoredDocument } from './documents';

export interface ApplyDeps {
  aggregates: Container;
  profiles: Container;
  /** Backoff for transient failures, of a whole bulk request or of single operations in it. */
  retry?: Partial<RetryOptions>;
  /** Rounds a document may lose to other writers (412/409) before its batches fail. Default 25. */
  maxConflictRounds?: number;
  log?: (message: string) => void;
}

export interface ApplyResult {
  /** 1 where the event changed at least one document in this call. */
  appliedEvents: Uint8Array;
  /** Documents this call's events went into. */
  documentsWritten: number;
  /**
   * Item operations sent for this call's documents (each read and write inside a bulk request
   * counts as one); a document shared with other calls of the same flush counts its share.
   */
  cosmosOperations: number;
}

export class ConflictError extends Error {}

/** Operations per bulk request: the service's limit. */
const BULK_REQUEST_OPERATIONS = 100;

/** One caller's batch, waiting for the flush that writes it. */
interface Submission {
  computed: ComputedDeltas;
  appliedEvents: Uint8Array;
  documentsWritten: number;
  operations: number;
  log?: (message: string) => void;
  /** Whether a restart of the hub's sequence numbers was logged for this batch already. */
  restartLogged?: boolean;
  error?: unknown;
  resolve: (result: ApplyResult) => void;
  reject: (error: unknown) => void;
}

/** One document of a flush, with every submission's delta to it in arrival order. */
interface DocumentWork {
  location: DocumentLocation;
  contributions: { submission: Submission; delta: DocumentDelta }[];
  operations: number;
  conflicts: number;
  transientFailures: number;
  /** Whether the last failure was transient (then the next round waits), not a lost race. */
  lastFailureTransient: boolean;
  /**
   * What the first round builds on instead of reading: the read the batch made already (its
   * profile, repeatedEventIds.ts), else the version this process last wrote (documentCache.ts).
   */
  prefetched?: OperationResponse;
  lastError?: unknown;
}

const writers = new WeakMap<CosmosClient, Map<string, DeltaWriter>>();

/** The process's writer for these containers and settings. */
function writerFor(deps: ApplyDeps): DeltaWriter {
  const client = deps.aggregates.database.client;
  let byKey = writers.get(client);
  if (!byKey) writers.set(client, (byKey = new Map()));
  const key = JSON.stringify([deps.aggregates.url, deps.profiles.url, deps.retry ?? null, deps.maxConflictRounds ?? null]);
  let writer = byKey.get(key);
  if (!writer) byKey.set(key, (writer = new DeltaWriter(deps)));
  return writer;
}

/**
 * Writes one batch's deltas; resolves when every document of the batch holds them (or held them
 * already), rejects when a document could not be written (the caller's retry redelivers the
 * batch, harmlessly).
 */
export function applyDeltas(computed: ComputedDeltas, deps: ApplyDeps): Promise<ApplyResult> {
  return writerFor(deps).apply(computed, deps.log);
}

class DeltaWriter {
  private readonly retry: RetryOptions;
  private readonly maxConflicts: number;
  private queue: Submission[] = [];
  private flushing = false;

  constructor(private readonly deps: ApplyDeps) {
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
    this.maxConflicts = deps.maxConflictRounds ?? 25;
  }

  apply(computed: ComputedDeltas, log?: (message: string) => void): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      const submission: Submission = {
        computed, appliedEvents: new Uint8Array(computed.events.length), documentsWritten: 0, operations: 0, log, resolve, reject,
      };
      this.queue.push(submission);
      if (!this.flushing) {
        this.flushing = true;
        // After the current tick, so that batches handed over together share the first flush.
        setImmediate(() => void this.flushAll());
      }
    });
  }

  private async flushAll(): Promise<void> {
    while (this.queue.length > 0) {
      const submissions = this.queue;
      this.queue = [];
      await this.flush(submissions);
      for (const s of submissions) {
        if (s.error !== undefined) s.reject(s.error);
        else s.resolve({ appliedEvents: s.appliedEvents, documentsWritten: s.documentsWritten, cosmosOperations: Math.round(s.operations) });
      }
    }
    this.flushing = false;
  }

  /** Writes every document of `submissions`; records failures on the submissions, never throws. */
  private async flush(submissions: Submission[]): Promise<void> {
    const byContainer = new Map<Container, Map<string, DocumentWork>>();
    for (const submission of submissions) {
      for (const delta of submission.computed.deltas) {
        const location = locate(delta);
        const container = location.container === 'profiles' ? this.deps.profiles : this.deps.aggregates;
        let documents = byContainer.get(container);
        if (!documents) byContainer.set(container, (documents = new Map()));
        let work = documents.get(location.id);
        if (!work) {
          work = { location, contributions: [], operations: 0, conflicts: 0, transientFailures: 0, lastFailureTransient: false };
          documents.set(location.id, work);
        }
        // A stale read costs only a lost round (its etag no longer matches), so any batch's will do.
        work.prefetched ??= location.container === 'profiles' ? submission.computed.prefetchedProfiles?.get(location.id) : undefined;
        work.contributions.push({ submission, delta });
      }
    }
    await Promise.all([...byContainer].map(([container, documents]) => this.writeAll(container, [...documents.values()])));
    for (const documents of byContainer.values()) {
      for (const work of documents.values()) {
        for (const { submission } of work.contributions) submission.operations += work.operations / work.contributions.length;
      }
    }
  }

  private async writeAll(container: Container, work: DocumentWork[]): Promise<void> {
    const cache = documentCacheFor(container);
    for (const w of work) w.prefetched ??= cache.read(w.location.partitionKey, w.location.id);
    for (let pending = work; pending.length > 0; ) {
      try {
        pending = await this.round(container, cache, pending);
      } catch (error) {
        // A bulk request kept failing: none of the pending documents is known to be written.
        for (const w of pending) {
          cache.forget(w.location.partitionKey, w.location.id);
          this.fail(w, error);
        }
        return;
      }
      // Back off only when something failed transiently; a lost race is retried at once.
      const failed = pending.filter((w) => w.lastFailureTransient);
      if (failed.length > 0) {
        const attempts = Math.max(...failed.map((w) => w.transientFailures));
        const backoff = Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (attempts - 1));
        const delay = backoff / 2 + Math.random() * (backoff / 2);
        this.logRetry(failed, failed[0].lastError, attempts, delay);
        await sleep(delay);
      }
    }
  }

  /** One round: read, fold, write; returns the documents that go into the next round. */
  private async round(container: Container, cache: DocumentCache, pending: DocumentWork[]): Promise<DocumentWork[]> {
    const next: DocumentWork[] = [];
    const readOperations: OperationInput[] = pending.map((w) => ({ operationType: BulkOperationType.Read, id: w.location.id, partitionKey: w.location.partitionKey }));
    const toRead = pending.flatMap((w, i) => (w.prefetched ? [] : [i]));
    const fresh = await this.bulk(container, toRead.map((i) => readOperations[i]), toRead.map((i) => pending[i]));
    const reads: OperationResponse[] = pending.map((w) => w.prefetched!);
    toRead.forEach((i, k) => (reads[i] = fresh[k]));
    for (const w of pending) w.prefetched = undefined; // later rounds read again
    const writes: OperationInput[] = [];
    const writers: { work: DocumentWork; body: StoredDocument; applied: { submission: Submission; eventIndexes: number[] }[] }[] = [];
    pending.forEach((w, i) => {
      const read = reads[i];
      if (read.statusCode !== 200 && read.statusCode !== 404) {
        if (this.requeue(w, readOperations[i], read)) next.push(w);
        return;
      }
      const existing = read.statusCode === 200 ? (read.resourceBody as StoredDocument) : undefined;
      let body = existing;
      const applied: { submission: Submission; eventIndexes: number[] }[] = [];
      for (const { submission, delta } of w.contributions) {
        const { partitionId, events } = submission.computed;
        const mark = effectiveMark(body, partitionId, events[delta.eventIndexes[0]]);
        if (delta.maxSeq <= mark) continue; // every event of the delta is in the document already
        if (mark === -1 && (appliedMarks(body)[partitionId] ?? -1) >= 0 && !submission.restartLogged) {
          submission.restartLogged = true;
          submission.log?.(`partition ${partitionId}: sequence numbers started again (event ${delta.minSeq} enqueued after the event at mark ${appliedMarks(body)[partitionId]} of ${w.location.id}); counting its events as new`);
        }
        const effective = delta.minSeq > mark ? delta : rebuildDelta(delta, events, mark);
        const last = effective.eventIndexes[effective.eventIndexes.length - 1];
        body = foldDelta(body, effective, w.location, partitionId, events[last].enqueuedMs);
        applied.push({ submission, eventIndexes: effective.eventIndexes });
      }
      if (applied.length === 0) return;
      // Stored documents are JSON: they come from JSON and fold in only counters and strings.
      const resourceBody = body as JSONObject;
      writes.push(
        existing
          ? { operationType: BulkOperationType.Replace, id: w.location.id, partitionKey: w.location.partitionKey, resourceBody, ifMatch: read.eTag ?? String(existing._etag) }
          : { operationType: BulkOperationType.Create, partitionKey: w.location.partitionKey, resourceBody },
      );
      writers.push({ work: w, body: resourceBody, applied });
    });
    const written = await this.bulk(container, writes, writers.map((w) => w.work));
    written.forEach((result, i) => {
      const { work, body, applied } = writers[i];
      const { partitionKey, id } = work.location;
      if (result.statusCode === 200 || result.statusCode === 201) {
        cache.remember(partitionKey, id, body, result.eTag);
        for (const { submission, eventIndexes } of applied) {
          submission.documentsWritten++;
          for (const index of eventIndexes) submission.appliedEvents[index] = 1;
        }
      } else {
        cache.forget(partitionKey, id);
        if (this.requeue(work, writes[i], result)) next.push(work);
      }
    });
    return next;
  }

  /**
   * The operations in bulk requests of ≤100, sent at once, each retried whole when the request
   * fails (it is idempotent: reads, and writes guarded by etag or create). A failed operation
   * comes back with its status code; it does not throw.
   */
  private async bulk(container: Container, operations: OperationInput[], work: DocumentWork[]): Promise<OperationResponse[]> {
    const requests: Promise<OperationResponse[]>[] = [];
    for (let start = 0; start < operations.length; start += BULK_REQUEST_OPERATIONS) {
      const chunk = operations.slice(start, start + BULK_REQUEST_OPERATIONS);
      const chunkWork = work.slice(start, start + BULK_REQUEST_OPERATIONS);
      const retry: RetryOptions = { ...this.retry, onRetry: (error, attempt, delay) => this.logRetry(chunkWork, error, attempt, delay) };
      requests.push(withRetry(async () => {
        for (const w of chunkWork) w.operations++;
        try {
          return await container.items.bulk(chunk, { continueOnError: true });
        } catch (error) {
          // `items.bulk` rethrows a failed request as a plain Error, without its status. Bad
          // operations come back as statuses, not as a failed request, so a failure here is
          // the service or the network: retried like a 503.
          throw Object.assign(new Error(`Cosmos DB bulk request to ${container.id} failed: ${(error as Error).message}`), { retryable: true, cause: error });
        }
      }, retry));
    }
    return (await Promise.all(requests)).flat();
  }

  /** Whether a failed operation of `w` goes into the next round; fails its batches otherwise. */
  private requeue(w: DocumentWork, operation: OperationInput, { statusCode: status }: OperationResponse): boolean {
    w.lastFailureTransient = false;
    // 404 to a Replace: the document was deleted after the version the write built on (a cached
    // one, or a read just before): the next round reads again and creates it.
    if (status === 412 || status === 409 || (status === 404 && operation.operationType === BulkOperationType.Replace)) {
      if (++w.conflicts < this.maxConflicts) return true;
      this.fail(w, new ConflictError(`document ${w.location.id} in ${w.location.container}: still conflicting after ${this.maxConflicts} rounds`));
      return false;
    }
    const error = Object.assign(
      new Error(`Cosmos DB answered ${status} to the bulk ${operation.operationType} of ${w.location.id} in ${w.location.container}`),
      { code: status },
    );
    if (isTransientError(error) && ++w.transientFailures < this.retry.maxAttempts) {
      w.lastFailureTransient = true;
      w.lastError = error;
      return true;
    }
    this.fail(w, error);
    return false;
  }

  private fail(w: DocumentWork, error: unknown): void {
    for (const { submission } of w.contributions) submission.error ??= error;
  }

  /** Tells each batch waiting on these documents (once per log function) that a call is retried. */
  private logRetry(work: DocumentWork[], error: unknown, attempt: number, delayMs: number): void {
    const logs = new Set<(message: string) => void>();
    for (const w of work) for (const { submission } of w.contributions) if (submission.log) logs.add(submission.log);
    const message = `Cosmos DB call failed (attempt ${attempt}, retrying in ${Math.round(delayMs)} ms): ${(error as Error)?.message}`;
    for (const log of logs) log(message);
    this.deps.retry?.onRetry?.(error, attempt, delayMs);
  }
}
