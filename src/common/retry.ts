// Retries for calls to Azure services (and their local stand-ins) that can fail transiently.

export interface RetryOptions {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Called before each wait, for logging. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 8, initialDelayMs: 100, maxDelayMs: 10_000 };

const TRANSIENT_STATUS = new Set([408, 429, 449, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ESOCKETTIMEDOUT',
  'ServiceUnavailable', 'ServerBusy', 'OperationTimedOut', 'TimeoutError', 'REQUEST_SEND_ERROR',
]);

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/** True for throttling, timeouts, unavailable services and dropped connections. */
export function isTransientError(error: unknown): boolean {
  const status = field(error, 'statusCode') ?? field(error, 'status') ?? field(error, 'code');
  if (typeof status === 'number' && TRANSIENT_STATUS.has(status)) return true;
  const code = field(error, 'code');
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  const name = field(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError' && field(error, 'retryable') === true) return true;
  if (field(error, 'retryable') === true) return true;
  const cause = field(error, 'cause');
  return cause !== undefined && cause !== error && isTransientError(cause);
}

/** Server-suggested wait (Cosmos `retryAfterInMs`, HTTP `retry-after-ms`), if any. */
function suggestedDelayMs(error: unknown): number | undefined {
  const direct = field(error, 'retryAfterInMs') ?? field(error, 'retryAfterInMilliseconds');
  if (typeof direct === 'number' && direct >= 0) return direct;
  return undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn`, retrying transient failures with exponential backoff and jitter. */
export async function withRetry<T>(fn: () => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  const opts = { ...DEFAULT_RETRY, ...options };
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= opts.maxAttempts || !isTransientError(error)) throw error;
      const backoff = Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(suggestedDelayMs(error) ?? 0, backoff / 2 + Math.random() * (backoff / 2));
      opts.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
