// Bulk requests of the aggregation's pre-phases (rewardLedger.ts, repeatedEventIds.ts): reads and
// etag-guarded writes in requests of at most 100 operations, a failed request retried whole.
import type { Container, OperationInput, OperationResponse } from '@azure/cosmos';
import { sleep, type RetryOptions } from '../common/retry';

/** Operations in bulk requests of ≤100 (the service's limit); a failed request is retried whole (reads and guarded writes are idempotent). */
export async function bulk(container: Container, operations: OperationInput[], retry: RetryOptions): Promise<OperationResponse[]> {
  const out: Promise<OperationResponse[]>[] = [];
  for (let start = 0; start < operations.length; start += 100) {
    const chunk = operations.slice(start, start + 100);
    out.push((async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await container.items.bulk(chunk, { continueOnError: true });
        } catch (error) {
          if (attempt >= retry.maxAttempts) throw new Error(`Cosmos DB bulk request to ${container.id} failed: ${(error as Error).message}`, { cause: error });
          await sleep(Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
        }
      }
    })());
  }
  return (await Promise.all(out)).flat();
}
