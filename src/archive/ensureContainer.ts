import type { ContainerClient } from '@azure/storage-blob';
import { RetryOptions, withRetry } from '../common/retry';

/** Returns a function that creates the container if missing, once; a failed attempt is retried next call. */
export function containerCreator(container: ContainerClient, retry: Partial<RetryOptions>): () => Promise<void> {
  let created: Promise<void> | undefined;
  return () => {
    created ??= withRetry(async () => {
      await container.createIfNotExists();
    }, retry).catch((error: unknown) => {
      created = undefined;
      throw error;
    });
    return created;
  };
}
