// Property-based fuzzing of the remaining HTTP endpoints through the local HTTP host, in this
// process: the aggregates API, the catalog admin endpoints, the campaign endpoints, and routes/methods that match nothing. Never a 5xx (a 503
// naming a missing model or store is allowed for the campaign endpoints), never a crash or hang,
// every 4xx with a message. Keys are valid here: security.*.test.ts covers refusing them.
// The dashboard and health endpoints: fuzz.dashboard.test.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import {
  startFuzzRuntime, FuzzRuntime, fuzzEndpoint, summarize, send, errorMessage,
  nastyString, nastyKey, nastyJson, jsonText, contentType, encodedComponent, encodeLoose, headerValue, NASTY_NUMBERS_JSON, RequestSpec,
} from './fuzzKit';

const CASES = 10_000;

/** `name=value` with a plausible value, an arbitrary (maybe malformed) encoding, or nothing. */
function param(name: string, good: fc.Arbitrary<string>, weights = { good: 4, junk: 2, none: 3 }): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: weights.good, arbitrary: good.map((v) => `${name}=${encodeLoose(v)}`) },
    { weight: weights.junk, arbitrary: encodedComponent.map((v) => `${name}=${v}`) },
    { weight: weights.none, arbitrary: fc.constant('') },
  );
}

const query = (...parts: fc.Arbitrary<string>[]) =>
  fc.tuple(...parts, fc.oneof({ weight: 9, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.array(fc.tuple(encodedComponent, encodedComponent).map(([k, v]) => `${k}=${v}`), { maxLength: 1 }) }))
    .map((all) => all.flat().filter((p) => p !== '').join('&'));

describe('fuzz: aggregates, catalog admin and campaign endpoints', () => {
  let rt: FuzzRuntime;
  const fnKey = () => rt.runtime.keys.functionKey;

  beforeAll(async () => {
    rt = await startFuzzRuntime();
  }, 90_000);
  afterAll(async () => rt?.close());

  it(`GET /api/aggregates: ${CASES} hostile queries`, async () => {
    const token = fc
      .record({ c: fc.oneof(nastyString, fc.constantFrom('[]', '{"token":"x"}', '-RID:~abc', 'null')), f: fc.integer(), t: fc.integer(), k: fc.constantFrom('offer', 'product', 'x'), w: fc.constantFrom(60, 1440, 7) })
      .map((p) => Buffer.from(JSON.stringify({ v: 1, k: p.k, w: p.w, y: null, f: p.f, t: p.t, c: p.c })).toString('base64url'));
    const rare = { good: 1, junk: 1, none: 8 };
    const q = query(
      param('kind', fc.constantFrom('offer', 'product', 'channel', 'type', 'offer', 'product', 'OFFER', 'profile', '__proto__'), { good: 12, junk: 1, none: 1 }),
      param('window', fc.constantFrom('60', '1440', '60', '1440', '7', '-60', '60.0', '1e400', '0x3c'), { good: 3, junk: 1, none: 6 }),
      param('from', fc.constantFrom('2026-11-01', '2026-11-01T00:00:00Z', '2026-13-01', '0000-01-01', '9999-12-31', '2026-11-01T00:00:00', '-0', 'NaN'), rare),
      param('to', fc.constantFrom('2026-11-23', '2026-11-23T00:00:00+14:00', '1970-01-01', '2026-02-30'), rare),
      param('key', fc.oneof(fc.constantFrom('o-1', 'x'.repeat(300)), nastyString), { good: 2, junk: 1, none: 7 }),
      param('top', fc.constantFrom('1', '10', '0', '-1', '1e3', '99999999999', '5.5'), rare),
      param('sort', fc.constantFrom('views', 'clicks', 'revenue', 'x', '__proto__'), rare),
      param('pageSize', fc.constantFrom('1', '100', '0', '1001', 'abc'), rare),
      fc.oneof({ weight: 1, arbitrary: token.map((t) => `continuationToken=${t}`) }, { weight: 8, arbitrary: param('continuationToken', fc.base64String({ maxLength: 100 }), rare) }),
    );
    const request: fc.Arbitrary<RequestSpec> = q.map((s) => ({ method: 'GET', path: `/api/aggregates?${s}`, headers: { 'x-functions-key': fnKey() } }));
    const tally = await fuzzEndpoint(rt.url, request, { numRuns: CASES, seed: 11 });
    console.log(summarize('GET /api/aggregates', tally));
    expect(tally.problems).toEqual([]);
    expect(tally.statuses[200]).toBeGreaterThan(100);
    expect(tally.statuses[400]).toBeGreaterThan(1000);
  }, 120_000);

  it(`PUT/GET/DELETE /api/manage/offers/{id?}: ${CASES} hostile requests`, async () => {
    const feature = fc.dictionary(nastyKey, fc.oneof(nastyString, fc.double(), fc.boolean(), fc.array(fc.double(), { maxLength: 3 }), nastyJson), { maxKeys: 3 });
    const offer = fc.record(
      {
        title: fc.oneof(fc.constant('Offer'), nastyString, nastyJson),
        category: fc.oneof(fc.constant('shoes'), nastyString),
        price: fc.oneof(fc.double(), nastyJson),
        discount: fc.oneof(fc.double({ min: -1, max: 2 }), nastyJson),
        active: fc.oneof(fc.boolean(), nastyJson),
        tags: fc.oneof(fc.array(nastyString, { maxLength: 25 }), nastyJson),
        features: fc.oneof(fc.array(feature, { maxLength: 12 }), nastyJson),
        productId: nastyString,
        imageUrl: fc.oneof(fc.webUrl(), nastyString, fc.constantFrom('javascript:alert(1)', 'data:text/html,x', 'file:///etc/passwd')),
        startsAt: fc.oneof(fc.constantFrom('2026-01-01T00:00:00Z', '2030-01-01T00:00:00+02:00'), nastyString),
        endsAt: fc.oneof(fc.constantFrom('2025-01-01T00:00:00Z', '2031-01-01T00:00:00Z'), nastyString),
        id: fc.oneof(fc.constantFrom('o-1', 'o-2'), nastyString),
        extra: nastyJson,
      },
      { requiredKeys: ['title', 'category', 'price', 'active'] },
    );
    const rawNumbers = fc.constantFrom(...NASTY_NUMBERS_JSON).map((n) => `{"title":"t","category":"c","price":${n},"discount":${n},"active":true}`);
    const body = fc.oneof({ weight: 6, arbitrary: jsonText(offer) }, { weight: 2, arbitrary: rawNumbers }, { weight: 2, arbitrary: jsonText(nastyJson) }, { weight: 1, arbitrary: fc.integer({ min: 262_000, max: 300_000 }).map((n) => JSON.stringify({ title: 't', category: 'c', price: 1, active: true, pad: 'x'.repeat(n) })) });
    const id = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('o-1', 'o-2', 'o-3', 'A.b:c@d-e_f') }, { weight: 3, arbitrary: nastyString.filter((s) => s !== '').map(encodeLoose) }, { weight: 1, arbitrary: fc.constant('') });
    const request: fc.Arbitrary<RequestSpec> = fc
      .tuple(fc.constantFrom('PUT', 'PUT', 'GET', 'DELETE', 'POST', 'PATCH'), id, body, contentType, fc.oneof(fc.constant(''), fc.constant('?active=true'), encodedComponent.map((c) => `?active=${c}`)))
      .map(([method, i, text, type, q]) => ({
        method,
        path: `/api/manage/offers${i === '' ? '' : `/${i}`}${q}`,
        headers: { 'x-catalog-key': rt.secrets.catalogApiKey, ...(type === undefined ? {} : { 'content-type': type }) },
        body: method === 'GET' ? undefined : text,
      }));
    const tally = await fuzzEndpoint(rt.url, request, { numRuns: CASES, seed: 13 });
    console.log(summarize('/api/manage/offers/{id?}', tally));
    expect(tally.problems).toEqual([]);
    expect((tally.statuses[200] ?? 0) + (tally.statuses[201] ?? 0)).toBeGreaterThan(100);
    expect(tally.statuses[400]).toBeGreaterThan(1000);
  }, 150_000);

  it(`POST /api/campaigns/recommend and /api/manage/campaigns/{campaignId}/plan: ${CASES} hostile requests each`, async () => {
    const lead = fc.record(
      {
        leadId: fc.oneof(fc.constantFrom('lead-1', 'lead-2'), nastyString, nastyJson),
        age: fc.oneof(fc.integer({ min: 0, max: 200 }), nastyJson),
        incomeBand: fc.oneof(fc.constantFrom('low', 'medium', 'high'), nastyString),
        creditScore: fc.oneof(fc.integer({ min: 200, max: 900 }), nastyJson),
        householdSize: fc.oneof(fc.integer({ min: 0, max: 12 }), nastyJson),
        region: fc.oneof(fc.constantFrom('north', 'south'), nastyString),
        extra: nastyJson,
      },
      { requiredKeys: [] },
    );
    const recommendBody = fc.record(
      { campaignId: fc.oneof(fc.constantFrom('c-1'), nastyString, nastyJson), product: fc.oneof(fc.constantFrom('loan'), nastyString), lead, leads: fc.oneof(fc.array(lead, { maxLength: 5 }), nastyJson), extra: nastyJson },
      { requiredKeys: [] },
    );
    const rawNumbers = fc.constantFrom(...NASTY_NUMBERS_JSON).map((n) => `{"lead":{"age":${n},"incomeBand":"low","creditScore":${n},"householdSize":${n},"region":"north"}}`);
    // Valid inline leads, so requests also get past validation (to the model: 503 while none is loaded).
    const validLead = fc.record({
      age: fc.integer({ min: 18, max: 120 }), incomeBand: fc.constantFrom('low', 'lower-middle', 'middle', 'upper-middle', 'high'),
      creditScore: fc.integer({ min: 300, max: 850 }), householdSize: fc.integer({ min: 1, max: 20 }), region: fc.constantFrom('north', 'south', 'east'),
    });
    const validBody = fc.tuple(
      fc.oneof(fc.constant({ campaignId: 'c-1' }), fc.constant({ product: 'loan' })),
      fc.oneof(validLead.map((lead) => ({ lead })), fc.array(validLead, { minLength: 1, maxLength: 5 }).map((leads) => ({ leads })), fc.constant({ lead: { leadId: 'lead-1' } })),
    ).map(([scope, leads]) => ({ ...scope, ...leads }));
    const recommend: fc.Arbitrary<RequestSpec> = fc
      .tuple(fc.oneof({ weight: 6, arbitrary: jsonText(recommendBody) }, { weight: 2, arbitrary: rawNumbers }, { weight: 2, arbitrary: jsonText(nastyJson) }, { weight: 2, arbitrary: validBody.map((b) => JSON.stringify(b)) }), contentType)
      .map(([text, type]) => ({ method: 'POST', path: '/api/campaigns/recommend', headers: { 'x-functions-key': fnKey(), ...(type === undefined ? {} : { 'content-type': type }) }, body: text }));
    const planBody = fc.oneof(jsonText(fc.record({ modelVersion: fc.oneof(fc.constantFrom('v1', '1.0.0', ''), nastyString, nastyJson), extra: nastyJson }, { requiredKeys: [] })), jsonText(nastyJson), fc.constant(''));
    const plan: fc.Arbitrary<RequestSpec> = fc
      .tuple(fc.oneof(fc.constantFrom('c-1', 'campaign_2'), nastyString.filter((s) => s !== '').map(encodeLoose)), planBody, contentType)
      .map(([id, text, type]) => ({ method: 'POST', path: `/api/manage/campaigns/${id}/plan`, headers: { 'x-campaign-key': rt.secrets.campaignApiKey, ...(type === undefined ? {} : { 'content-type': type }) }, body: text }));
    for (const [name, request] of [['POST /api/campaigns/recommend', recommend], ['POST /api/manage/campaigns/{campaignId}/plan', plan]] as const) {
      const tally = await fuzzEndpoint(rt.url, request, { numRuns: CASES, seed: 14, allow: { status503: true } });
      console.log(summarize(name, tally));
      expect(tally.problems, name).toEqual([]);
      expect(tally.statuses[400], name).toBeGreaterThan(1000);
    }
    // (No campaign model is registered in this runtime, so valid recommend requests end in 503.)
  }, 150_000);

  it(`routes and methods that match nothing: ${CASES} hostile requests`, async () => {
    const segment = fc.oneof(fc.constantFrom('api', 'events', 'manage', 'admin', 'personalizer', 'v1.0', 'offers', 'dashboard', 'aggregates', 'health', 'campaigns', '..', '.', ''), nastyString.map(encodeLoose));
    const request: fc.Arbitrary<RequestSpec> = fc
      .tuple(fc.array(segment, { minLength: 0, maxLength: 6 }), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'), fc.option(jsonText(nastyJson)), fc.dictionary(fc.constantFrom('origin', 'access-control-request-method', 'x-functions-key', 'content-type'), headerValue, { maxKeys: 3 }))
      .map(([segments, method, body, headers]) => ({ method, path: `/${segments.join('/')}`, headers, body: method === 'GET' || method === 'HEAD' || body === null ? undefined : body }));
    const tally = await fuzzEndpoint(rt.url, request, { numRuns: CASES, seed: 15, allow: { emptyHost401: true, status503: true } });
    console.log(summarize('any route', tally));
    expect(tally.problems).toEqual([]);
  }, 120_000);

  it('the host logged no failed invocation', () => {
    expect(rt.log.lines.filter((l) => /Executed '.*' \(Failed|HTTP host error|Unhandled/.test(l))).toEqual([]);
  });
});

// Found by the fuzz above: GET or DELETE of an offer id that Cosmos DB cannot take as a document
// id (holding / \ # or ?, or only whitespace) made the SDK throw before any request, answered
// 503 "the catalog is unavailable". No offer can have such an id (PUT refuses it): 404.
describe('catalog admin: ids Cosmos DB refuses', () => {
  let rt: FuzzRuntime;
  beforeAll(async () => {
    rt = await startFuzzRuntime();
  }, 90_000);
  afterAll(async () => rt?.close());

  for (const [method, id] of [['GET', 'a%2Fb'], ['GET', '%5C'], ['DELETE', '%23'], ['GET', 'a%3Fb'], ['GET', '%20'], ['DELETE', '%09'], ['GET', '%EF%BB%BF']]) {
    it(`${method} /api/manage/offers/${id} answers 404 naming the id`, async () => {
      const answer = await send(rt.url, { method, path: `/api/manage/offers/${id}`, headers: { 'x-catalog-key': rt.secrets.catalogApiKey } });
      expect(answer.status, answer.text).toBe(404);
      expect(errorMessage(answer)).toMatch(/^id: no offer/);
    });
  }

  for (const id of ['a%2Fb', '%5C', '%23', 'a%3Fb', '%20']) {
    it(`PUT /api/manage/offers/${id} answers 400 naming the id`, async () => {
      const answer = await send(rt.url, {
        method: 'PUT', path: `/api/manage/offers/${id}`,
        headers: { 'x-catalog-key': rt.secrets.catalogApiKey, 'content-type': 'application/json' }, body: '{"title":"t","category":"c","price":1,"active":true}',
      });
      expect(answer.status, answer.text).toBe(400);
      expect(errorMessage(answer)).toMatch(/^id: /);
    });
  }

  // Found by the fuzz above: the handler's String(input.id), building the "does not match the
  // route" message, threw for an object with its own toString ("Cannot convert object to
  // primitive value"), answered 503.
  for (const body of ['{"id":{"toString":1}}', '{"id":{"a":1}}', '{"id":[1]}', '{"id":7}', '{"id":null}']) {
    it(`PUT /api/manage/offers/o-1 ${body} answers 400 naming the id`, async () => {
      const answer = await send(rt.url, {
        method: 'PUT', path: '/api/manage/offers/o-1',
        headers: { 'x-catalog-key': rt.secrets.catalogApiKey, 'content-type': 'application/json' }, body,
      });
      expect(answer.status, answer.text).toBe(400);
      expect(errorMessage(answer)).toMatch(/^id: /);
    });
  }
});
