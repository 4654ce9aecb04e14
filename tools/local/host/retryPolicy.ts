import { RetryOptionsMetadata } from './functionsCoreShim';

export interface RetryPolicy {
  maxRetryCount: number; // -1: forever
  delayMs(retry: number): number;
}

/** The function-level retry policy (`retry` in app.eventHub options) as the host applies it. */
export function retryPolicyFrom(options: RetryOptionsMetadata | undefined): RetryPolicy | undefined {
  if (!options?.retryStrategy) return undefined;
  const ms = (d: { seconds?: number } | undefined, fallback: number) => (d?.seconds !== undefined ? d.seconds * 1000 : fallback);
  const maxRetryCount = options.maxRetryCount ?? 0;
  if (options.retryStrategy === 'fixedDelay') {
    const delay = ms(options.delayInterval, 0);
    return { maxRetryCount, delayMs: () => delay };
  }
  const min = ms(options.minimumInterval, 1000);
  const max = Math.max(min, ms(options.maximumInterval, 15 * 60 * 1000));
  return { maxRetryCount, delayMs: (retry) => Math.min(max, min * 2 ** Math.max(0, retry - 1)) };
}
