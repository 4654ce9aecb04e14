// Writes many documents with Cosmos DB bulk Upsert operations (the SDK groups them ~100 per
// request; each executeBulkOperations call costs about a second of fixed latency, so calls are
// large and several run at once), retrying the operations the service refused for a moment (429, 408, 449, 503) and
// failing on anything else with the document's id. Upserts by id make a repeated run overwrite.
import { BulkOperationType, type Container, type JSONObject, type OperationInput } from '@azure/cosmos';
import { sleep, withRetry } from '../../common/retry';

export interface BulkUpsertOptions {
  /** Documents handed to the SDK per executeBulkOperations call. */
  chunkSize?: number;
  /** Chunks written at once. */
  concurrency?: number;
  maxAttempts?: number;
  onProgress?: (written: number) => void;
}

/** Up to this many documents are written as concurrent point upserts instead. */
const SMALL_WRITE = 100;
const TRANSIENT = new Set([408, 429, 449, 500, 503]);

export class BulkWriteError extends Error {}

type Doc = JSONObject & { id: string };

async function writeChunk(container: Container, docs: readonly Doc[], partitionKeyOf: (d: Doc) => string, maxAttempts: number): Promise<void> {
  let pending = docs;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const operations: OperationInput[] = pending.map((d) => ({ operationType: BulkOperationType.Upsert, partitionKey: partitionKeyOf(d), resourceBody: d }));
    let results;
    try {
      results = await container.items.executeBulkOperations(operations);
    } catch (error) {
      const status = (error as { code?: unknown }).code;
      if (attempt >= maxAttempts || !(typeof status === 'number' && TRANSIENT.has(status))) throw error;
      await sleep(Math.min(5000, 100 * 2 ** attempt));
      continue;
    }
    const retry: Doc[] = [];
    let waitMs = 0;
    results.forEach((r, i) => {
      const status = r.response?.statusCode ?? (r.error as { code?: number } | undefined)?.code ?? 0;
      if (status >= 200 && status < 300) return;
      if (TRANSIENT.has(status) && attempt < maxAttempts) {
        retry.push(pending[i]);
        waitMs = Math.max(waitMs, (r.error as { retryAfterInMs?: number } | undefined)?.retryAfterInMs ?? 0);
        return;
      }
      throw new BulkWriteError(`writing document ${pending[i].id} failed with status ${status}${r.error?.message ? `: ${r.error.message}` : ''}`);
    });
    pending = retry;
    if (pending.length > 0) await sleep(Math.max(waitMs, Math.min(5000, 50 * 2 ** attempt)));
  }
}

/** One document: a plain upsert (a bulk call would wait for its batching timer). */
export async function upsertOne<T extends Doc>(container: Container, doc: T): Promise<void> {
  await withRetry(() => container.items.upsert(doc));
}

export async function bulkUpsert<T extends Doc>(container: Container, docs: readonly T[], partitionKeyOf: (d: T) => string, opts: BulkUpsertOptions = {}): Promise<number> {
  const chunkSize = opts.chunkSize ?? 5000;
  const concurrency = opts.concurrency ?? 4;
  const maxAttempts = opts.maxAttempts ?? 8;
  if (docs.length <= SMALL_WRITE) {
    await Promise.all(docs.map((d) => upsertOne(container, d)));
    opts.onProgress?.(docs.length);
    return docs.length;
  }
  let next = 0;
  let written = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < docs.length) {
      const chunk = docs.slice(next, next + chunkSize);
      next += chunkSize;
      try {
        await writeChunk(container, chunk, partitionKeyOf as (d: Doc) => string, maxAttempts);
      } catch (error) {
        failed = true;
        throw error;
      }
      written += chunk.length;
      opts.onProgress?.(written);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(concurrency, Math.ceil(docs.length / chunkSize))) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
  return written;
}
