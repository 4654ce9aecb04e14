// When to try a failed send again: exponential backoff with jitter, never sooner than the server
// asked (Retry-After). Jitter spreads the retries of many browsers that failed together (an
// outage ends for everyone at once) so they do not come back as one wave.

/**
 * Milliseconds before retry number `attempt` (1 = the first retry): `baseMs · 2^(attempt-1)`
 * capped at `maxMs`, scaled by a random factor in [0.5, 1); at least `retryAfterMs`.
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number, retryAfterMs = 0): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(retryAfterMs, Math.round(ceiling * (0.5 + random() / 2)));
}

/** A Retry-After header (delay-seconds or an HTTP date) as milliseconds from `nowMs`; 0 when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, nowMs: number): number {
  if (!header) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : 0;
}
