// Per-client rate limits of the local host's anonymous routes: token buckets per address and per
// anonymous/user id named in the query, 429 with Retry-After (exposed to other origins), keyed
// routes untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFunctionsCoreShim } from '../../../../tools/local/host/functionsCoreShim';
import { startHttpHost, type HttpHost } from '../../../../tools/local/host/httpHost';
import { silentLogger } from '../../../../tools/local/host/hostLogger';
import { ClientRateLimiter, rateKeys } from '../../../../tools/local/host/rateLimiter';

describe('ClientRateLimiter', () => {
  it('lets a burst through, then paces to the rate, saying when the next token comes', () => {
    const limiter = new ClientRateLimiter({ perMinute: 6, burst: 2 });
    expect(limiter.take(['a'], 0)).toEqual({ ok: true });
    expect(limiter.take(['a'], 0)).toEqual({ ok: true });
    expect(limiter.take(['a'], 0)).toEqual({ ok: false, retryAfterSeconds: 10 }); // 6 a minute: one every 10 s
    expect(limiter.take(['a'], 4_000)).toEqual({ ok: false, retryAfterSeconds: 6 });
    expect(limiter.take(['a'], 10_000)).toEqual({ ok: true });
    expect(limiter.take(['b'], 10_000)).toEqual({ ok: true }); // another client has its own bucket
    expect(limiter.take(['a'], 60_000_000)).toEqual({ ok: true });
  });

  it('refuses when any of the request\'s buckets is empty, taking from none', () => {
    const limiter = new ClientRateLimiter({ perMinute: 60, burst: 1 });
    expect(limiter.take(['addr:1', 'anonymousId:x'], 0).ok).toBe(true);
    // The same shopper id from another address: its id bucket is empty.
    expect(limiter.take(['addr:2', 'anonymousId:x'], 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take(['addr:2'], 0).ok).toBe(true); // addr:2 was not charged for the refusal
  });

  it('forgets the least recently used clients past maxClients', () => {
    const limiter = new ClientRateLimiter({ perMinute: 1, burst: 1, maxClients: 2 });
    limiter.take(['a'], 0);
    limiter.take(['b'], 0);
    limiter.take(['a'], 0); // refused, and now the most recently used
    limiter.take(['c'], 0); // b is forgotten
    expect(limiter.take(['a'], 0).ok).toBe(false);
    expect(limiter.take(['b'], 0).ok).toBe(true);
  });

  it('names a bad setting', () => {
    expect(() => new ClientRateLimiter({ perMinute: 0, burst: 1 })).toThrow(/perMinute must be a positive number/);
    expect(() => new ClientRateLimiter({ perMinute: 10, burst: 0.5 })).toThrow(/burst must be an integer/);
  });

  it('keys a request by its address and the ids its query names', () => {
    expect(rateKeys('::1', new URLSearchParams('anonymousId=anon-1&n=3'))).toEqual(['addr:::1', 'anonymousId:anon-1']);
    expect(rateKeys(undefined, new URLSearchParams('userId=u'))).toEqual(['addr:unknown', 'userId:u']);
  });
});

describe('local HTTP host with a rate limit', () => {
  let host: HttpHost;
  beforeAll(async () => {
    const registrations = installFunctionsCoreShim(() => {});
    const { app } = await import('@azure/functions');
    app.http('limitedOpen', { route: 'open', methods: ['GET', 'POST'], authLevel: 'anonymous', handler: () => ({ status: 202, jsonBody: { accepted: 1 } }) });
    app.http('limitedKeyed', { route: 'keyed', methods: ['GET'], authLevel: 'function', handler: () => ({ body: 'ok' }) });
    host = await startHttpHost(registrations, {
      port: 0, routePrefix: 'api', maxRequestBodyBytes: 1024, keys: { masterKey: 'm', functionKey: 'f' },
      corsOrigins: ['*'], rateLimit: { perMinute: 60, burst: 2 }, logger: silentLogger,
    });
  });
  afterAll(async () => host?.close());

  it('answers 429 with Retry-After once a client used its burst, on anonymous routes only', async () => {
    const origin = { origin: 'https://shop.example' };
    expect((await fetch(`${host.url}/api/open`, { headers: origin })).status).toBe(202);
    expect((await fetch(`${host.url}/api/open`, { method: 'POST', body: '[]', headers: origin })).status).toBe(202);
    const refused = await fetch(`${host.url}/api/open`, { method: 'POST', body: '[{"id":"x"}]', headers: origin });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(((await refused.json()) as { error: string }).error).toMatch(/too many requests from this client \(at most 60 a minute, 2 at once\): retry after 1 s/);
    // Keyed routes (the shop's backend, admin tools) are not limited.
    for (let i = 0; i < 5; i++) expect((await fetch(`${host.url}/api/keyed`, { headers: { 'x-functions-key': 'f' } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_050));
    expect((await fetch(`${host.url}/api/open`)).status).toBe(202); // a token came back after Retry-After
  });
});
