// Property-based fuzzing of POST /api/events (anonymous, the public ingest endpoint) through the
// local HTTP host, in this process: never a 5xx, never a crash or hang, a 4xx always says what is
// wrong, and nothing reaches Object.prototype.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import {
  startFuzzRuntime, FuzzRuntime, fuzzEndpoint, summarize, send, problemWith, errorMessage,
  nastyString, nastyKey, nastyJson, jsonText, contentType, encodedComponent, NASTY_NUMBERS_JSON, RequestSpec,
} from './fuzzKit';

const CASES = 10_000;
const EVENT_FIELDS = ['id', 'type', 'userId', 'anonymousId', 'timestamp', 'productId', 'offerId', 'category', 'value', 'quantity', 'currency', 'context', 'properties', 'schemaVersion', 'leadId', 'campaignId', 'touchId', 'channel'];
const TYPES = ['page_view', 'product_view', 'add_to_cart', 'remove_from_cart', 'purchase', 'offer_view', 'offer_click', 'campaign_touch', 'campaign_response', 'decision', 'reward', 'PAGE_VIEW', ''];

/** A valid event, the starting point of mutations. */
const validEvent = fc.record({
  id: fc.uuid(),
  type: fc.constantFrom('page_view', 'product_view', 'offer_view'),
  userId: fc.constantFrom('u-1', 'u-2', 'user-ü'),
  productId: fc.constant('p-1'),
  offerId: fc.constant('o-1'),
});

const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyJson,
  fc.constantFrom(...TYPES),
  fc.constantFrom('2026-11-23T10:00:00Z', '2026-11-23T10:00:00', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-11-23T10:00:00+25:00', 'yesterday', ''),
  fc.double(),
  fc.integer(),
);

/** A valid event with fields replaced, removed or added (hostile keys included). */
const mutatedEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    validEvent,
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...EVENT_FIELDS), nastyKey), fieldValue), { maxLength: 4 }),
    fc.subarray(EVENT_FIELDS, { maxLength: 2 }),
    fc.oneof(fc.constant(undefined), fc.dictionary(nastyKey, fc.oneof(nastyString, fc.double(), fc.boolean(), nastyJson), { maxKeys: 60 })),
  )
  .map(([base, sets, removes, props]) => {
    const e: Record<string, unknown> = { ...base };
    for (const r of removes) delete e[r];
    // defineProperty: "__proto__" becomes an own key, as JSON.parse would make it.
    for (const [k, v] of sets) Object.defineProperty(e, k, { value: v, enumerable: true, configurable: true, writable: true });
    if (props !== undefined) e.properties = props;
    return e;
  });

/** Raw JSON with a number (or number-like string) the parser has to deal with in a field. */
const rawNumberEvent = fc
  .tuple(fc.constantFrom('value', 'quantity', 'timestamp', 'schemaVersion', 'id', 'userId'), fc.constantFrom(...NASTY_NUMBERS_JSON))
  .map(([field, raw]) => `{"id":"n1","type":"add_to_cart","userId":"u","productId":"p","value":1,${JSON.stringify(field)}:${raw}}`);

const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 100, arbitrary: jsonText(mutatedEvent) },
  { weight: 80, arbitrary: jsonText(fc.array(mutatedEvent, { maxLength: 8 })) },
  { weight: 40, arbitrary: jsonText(nastyJson) },
  { weight: 40, arbitrary: rawNumberEvent },
  { weight: 20, arbitrary: jsonText(fc.array(validEvent, { maxLength: 3 })) },
  // Too many events, and oversize bodies (the limit is 1 MiB): rarer, they are the slow cases.
  { weight: 4, arbitrary: fc.integer({ min: 501, max: 700 }).map((n) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `m${i}`, type: 'page_view', userId: 'u' })))) },
  { weight: 1, arbitrary: fc.integer({ min: 1_048_000, max: 1_200_000 }).map((n) => JSON.stringify({ id: 'big', type: 'page_view', userId: 'u', category: 'x'.repeat(n) })) },
);

const request: fc.Arbitrary<RequestSpec> = fc
  .tuple(
    body,
    contentType,
    fc.oneof({ weight: 5, arbitrary: fc.constant('') }, { weight: 1, arbitrary: encodedComponent.map((c) => `?partial=${c}`) }, { weight: 1, arbitrary: fc.constant('?partial=true') }),
    fc.oneof({ weight: 20, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') }),
  )
  .map(([text, type, query, method]) => ({
    method,
    path: `/api/events${query}`,
    headers: (type === undefined ? {} : { 'content-type': type }) as Record<string, string>,
    body: method === 'GET' || method === 'HEAD' ? undefined : text,
  }));

describe('fuzz: POST /api/events', () => {
  let rt: FuzzRuntime;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    rt = await startFuzzRuntime();
  }, 90_000);
  afterAll(async () => rt?.close());

  it(`${CASES} hostile requests: no 5xx, no crash, every 4xx with a message`, async () => {
    const tally = await fuzzEndpoint(rt.url, request, {
      numRuns: CASES,
      extraCheck: (spec, answer) => {
        if (answer.status === 202) {
          const parsed = JSON.parse(answer.text) as { accepted?: unknown };
          if (typeof parsed.accepted !== 'number' || parsed.accepted < 1) return `202 without a positive "accepted": ${answer.text.slice(0, 200)}`;
        }
        if (spec.method === 'POST' && answer.status === 404) return 'POST /api/events answered 404';
        return undefined;
      },
    });
    console.log(summarize('POST /api/events', tally));
    expect(tally.cases).toBe(CASES);
    expect(tally.problems).toEqual([]);
    // Both sides of the property were exercised: accepted events and refused ones.
    expect(tally.statuses[202]).toBeGreaterThan(100);
    expect(tally.statuses[400]).toBeGreaterThan(1000);
    expect(tally.statuses[413]).toBeGreaterThan(5);
    expect(tally.statuses[415]).toBeGreaterThan(10);
  }, 120_000);

  it('prototype pollution keys neither pollute nor pass', async () => {
    for (const text of [
      '{"id":"p1","type":"page_view","userId":"u","__proto__":{"polluted":1}}',
      '{"id":"p1","type":"page_view","userId":"u","\\u005f_proto__":{"polluted":1}}',
      '{"id":"p1","type":"page_view","userId":"u","constructor":{"prototype":{"polluted":1}}}',
      '{"id":"p1","type":"page_view","userId":"u","properties":{"__proto__":"x"}}',
      '{"id":"p1","type":"page_view","userId":"u","properties":{"constructor":"x"}}',
      '{"id":"p1","type":"page_view","userId":"u","context":{"__proto__":{"device":"mobile"}}}',
      '[{"id":"p1","type":"page_view","userId":"u"},{"__proto__":{"polluted":1}}]',
    ]) {
      const answer = await send(rt.url, { method: 'POST', path: '/api/events', headers: { 'content-type': 'application/json' }, body: text });
      expect(answer.status, text).toBe(400);
      expect(errorMessage(answer), text).toBeTruthy();
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  });

  it('deep nesting, huge strings and huge numbers of keys are refused cleanly', async () => {
    const cases = [
      '['.repeat(200_000) + ']'.repeat(200_000),
      '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000),
      `{"id":"d1","type":"page_view","userId":"u","properties":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
      `{"id":"d1","type":"page_view","userId":"u","context":${'{"page":'.repeat(50_000)}"x"${'}'.repeat(50_000)}}`,
      `[${'{"id":"d1","type":"page_view","userId":"u"},'.repeat(400)}${'['.repeat(50_000)}${']'.repeat(50_000)}]`,
      JSON.stringify({ id: 'd2', type: 'page_view', userId: 'u', context: { page: 'p'.repeat(900_000) } }),
      JSON.stringify({ id: 'd3', type: 'page_view', userId: 'u', properties: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) }),
      JSON.stringify({ id: 'd4', type: 'page_view', userId: 'u'.repeat(500_000) }),
    ];
    for (const text of cases) {
      const answer = await send(rt.url, { method: 'POST', path: '/api/events', headers: { 'content-type': 'application/json' }, body: text });
      expect(problemWith(answer), `${text.slice(0, 60)}…`).toBeUndefined();
      expect(answer.status, `${text.slice(0, 60)}…`).toBeGreaterThanOrEqual(400);
    }
  }, 60_000);

  it('a body over the host cap is refused with 413 before it is read', async () => {
    // Declared far beyond the 1 MiB capture limit: the function refuses it by its content-length.
    const answer = await send(rt.url, {
      method: 'POST', path: '/api/events', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(5 * 1024 * 1024, 0x20),
    });
    expect(answer.status).toBe(413);
    expect(errorMessage(answer)).toMatch(/larger than/);
  }, 60_000);

  it('the runtime is still healthy and the host logged no failed invocation', async () => {
    const health = await send(rt.url, { method: 'GET', path: '/api/health' });
    expect(health.status).toBe(200);
    expect(rt.log.lines.filter((l) => /Executed '.*' \(Failed|HTTP host error|Unhandled/.test(l))).toEqual([]);
  });
});
