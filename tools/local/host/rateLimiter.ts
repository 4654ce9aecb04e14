// Per-client rate limits on the local host's anonymous routes: a token bucket per client address,
// and one per anonymous or user id a request names in its query (so one shopper id cannot be used
// from many addresses either). Azure Functions has no such limiter; in Azure the front door's WAF
// rate rule does this (docs/deploy.md, "Front door"). Off unless configured (`npm start --
// --rate-limit 600`): the simulator, the benchmarks and the tests drive the host from one address.

export interface RateLimitOptions {
  /** Tokens added per minute: the sustained requests per minute a client may make. */
  perMinute: number;
  /** Bucket size: the requests a client may make at once after being idle. */
  burst: number;
  /** Buckets kept at most; past it the least recently used are forgotten (a forgotten client starts full). */
  maxClients?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Checks one setting (both numbers > 0, burst ≥ 1), naming the option. */
export function checkRateLimit(o: RateLimitOptions): RateLimitOptions {
  if (!Number.isFinite(o.perMinute) || o.perMinute <= 0) throw new RangeError(`rate limit: perMinute must be a positive number, got ${o.perMinute}`);
  if (!Number.isInteger(o.burst) || o.burst < 1) throw new RangeError(`rate limit: burst must be an integer ≥ 1, got ${o.burst}`);
  return o;
}

export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxClients: number;

  constructor(private readonly o: RateLimitOptions) {
    checkRateLimit(o);
    this.perMs = o.perMinute / 60_000;
    this.maxClients = o.maxClients ?? 100_000;
  }

  /**
   * Takes one token from every key's bucket, or none when one of them is empty; then says how long
   * until the emptiest has a token again (whole seconds, at least 1: what Retry-After carries).
   */
  take(keys: readonly string[], nowMs: number): RateDecision {
    const buckets = keys.map((key) => this.bucket(key, nowMs));
    const short = buckets.filter((b) => b.tokens < 1);
    if (short.length > 0) {
      const waitMs = Math.max(...short.map((b) => (1 - b.tokens) / this.perMs));
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    for (const b of buckets) b.tokens -= 1;
    return { ok: true };
  }

  private bucket(key: string, nowMs: number): Bucket {
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.o.burst, atMs: nowMs };
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    } else {
      this.buckets.delete(key); // re-inserted below: the Map's order is least recently used first
      b.tokens = Math.min(this.o.burst, b.tokens + (nowMs - b.atMs) * this.perMs);
      b.atMs = nowMs;
    }
    this.buckets.set(key, b);
    return b;
  }
}

/** The buckets a request draws from: its address, and the anonymous or user id its query names. */
export function rateKeys(address: string | undefined, query: URLSearchParams): string[] {
  const keys = [`addr:${address ?? 'unknown'}`];
  for (const name of ['anonymousId', 'userId']) {
    const id = query.get(name);
    if (id) keys.push(`${name}:${id}`);
  }
  return keys;
}
