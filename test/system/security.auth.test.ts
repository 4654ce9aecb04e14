// Every endpoint's auth level is deliberate (authLevels.ts, docs/RELIABILITY.md) and enforced:
// function and admin endpoints refuse no key, wrong keys and keys of another kind; admin
// endpoints refuse the function key; the Personalizer routes refuse everything but an API key;
// the catalog and campaign routes everything but their own named key, the master key included.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startFuzzRuntime, FuzzRuntime, send, RequestSpec } from './fuzzKit';
import { ENDPOINT_AUTH } from './authLevels';

describe('security: auth levels', () => {
  let rt: FuzzRuntime;

  beforeAll(async () => {
    rt = await startFuzzRuntime();
  }, 90_000);
  afterAll(async () => rt?.close());

  const request = (sample: { method: string; path: string; body?: string }, headers: Record<string, string> = {}, query = ''): RequestSpec => ({
    method: sample.method,
    path: `${sample.path}${query ? `${sample.path.includes('?') ? '&' : '?'}${query}` : ''}`,
    headers: { ...(sample.body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: sample.body,
  });

  it('every HTTP function is in the table with the level it is registered with', () => {
    const registered = rt.runtime.http!.functions.map((f) => ({ name: f.name, route: f.route.replace(/^\//, ''), methods: [...f.methods].sort(), authLevel: f.authLevel.toLowerCase() }));
    const documented = ENDPOINT_AUTH.map((e) => ({ name: e.name, route: e.route, methods: [...e.methods].sort(), authLevel: e.authLevel }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(registered.sort(byName)).toEqual(documented.sort(byName));
  });

  it('only the Personalizer-compatible routes live outside api/ (host.json routePrefix is "")', () => {
    const outside = rt.runtime.http!.functions.filter((f) => !/^\/(api|personalizer)\//.test(f.route)).map((f) => f.route);
    expect(outside).toEqual([]);
  });

  for (const e of ENDPOINT_AUTH.filter((x) => x.authLevel !== 'anonymous')) {
    it(`${e.name} (${e.authLevel}) refuses no key, a wrong key, an empty key and the Personalizer API key`, async () => {
      const wrong: Record<string, string>[] = [
        {},
        { 'x-functions-key': '' },
        { 'x-functions-key': 'not-a-key' },
        { 'x-functions-key': `${rt.runtime.keys.functionKey}x` },
        { 'x-functions-key': rt.runtime.keys.functionKey.slice(0, -1) },
        { 'x-functions-key': rt.runtime.keys.masterKey.toUpperCase() },
        { 'x-functions-key': rt.secrets.personalizerApiKey },
        { 'ocp-apim-subscription-key': rt.runtime.keys.masterKey },
        { authorization: `Bearer ${rt.runtime.keys.masterKey}` },
      ];
      for (const headers of wrong) {
        const answer = await send(rt.url, request(e.sample, headers));
        expect(answer.status, JSON.stringify(headers)).toBe(401);
      }
      for (const query of ['code=', 'code=not-a-key', `code=${encodeURIComponent(rt.secrets.personalizerApiKey)}`]) {
        expect((await send(rt.url, request(e.sample, {}, query))).status, query).toBe(401);
      }
    });
  }

  for (const e of ENDPOINT_AUTH.filter((x) => x.authLevel === 'admin')) {
    it(`${e.name} (admin) refuses the function key and accepts only the master key`, async () => {
      expect((await send(rt.url, request(e.sample, { 'x-functions-key': rt.runtime.keys.functionKey }))).status).toBe(401);
      expect((await send(rt.url, request(e.sample, {}, `code=${encodeURIComponent(rt.runtime.keys.functionKey)}`))).status).toBe(401);
      const ok = await send(rt.url, request(e.sample, { 'x-functions-key': rt.runtime.keys.masterKey }));
      expect(ok.status, ok.text).not.toBe(401);
      expect(ok.status, ok.text).toBeLessThan(500);
    });
  }

  for (const e of ENDPOINT_AUTH.filter((x) => x.authLevel === 'function')) {
    it(`${e.name} (function) accepts the function key (header or code) and the master key`, async () => {
      for (const [headers, query] of [
        [{ 'x-functions-key': rt.runtime.keys.functionKey }, ''],
        [{}, `code=${encodeURIComponent(rt.runtime.keys.functionKey)}`],
        [{ 'x-functions-key': rt.runtime.keys.masterKey }, ''],
      ] as const) {
        const answer = await send(rt.url, request(e.sample, headers, query));
        expect(answer.status, `${JSON.stringify(headers)} ${query}: ${answer.text.slice(0, 200)}`).not.toBe(401);
        expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(500);
      }
    });
  }

  for (const e of ENDPOINT_AUTH.filter((x) => x.apiKey)) {
    it(`${e.name} refuses every key but a Personalizer API key, in the gateway's 401 shape`, async () => {
      const refused: Record<string, string>[] = [
        {},
        { 'ocp-apim-subscription-key': '' },
        { 'ocp-apim-subscription-key': 'wrong' },
        // (Surrounding spaces are not part of a header value in HTTP: "key " is "key".)
        { 'ocp-apim-subscription-key': `${rt.secrets.personalizerApiKey}0` },
        { 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey.toUpperCase() },
        { 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey.slice(1) },
        { 'ocp-apim-subscription-key': rt.runtime.keys.functionKey },
        { 'ocp-apim-subscription-key': rt.runtime.keys.masterKey },
        { 'x-functions-key': rt.runtime.keys.masterKey },
        { 'ocp-apim-subscription-key': rt.secrets.signingKeyBase64 },
      ];
      for (const headers of refused) {
        const answer = await send(rt.url, request(e.sample, headers));
        expect(answer.status, JSON.stringify(headers)).toBe(401);
        expect(JSON.parse(answer.text)).toMatchObject({ error: { code: '401', message: expect.stringMatching(/^Access denied/) } });
      }
      const ok = await send(rt.url, request(e.sample, { 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey }));
      expect(ok.status, ok.text).not.toBe(401);
      expect(ok.status, ok.text).toBeLessThan(500);
    });
  }

  for (const e of ENDPOINT_AUTH.filter((x) => x.namedKey)) {
    const header = e.namedKey === 'catalog' ? 'x-catalog-key' : 'x-campaign-key';
    it(`${e.name} refuses every key but a ${e.namedKey} key (${header} or Authorization: Bearer), the master key included`, async () => {
      const keys = rt.runtime.keys;
      const own = e.namedKey === 'catalog' ? rt.secrets.catalogApiKey : rt.secrets.campaignApiKey;
      // The other capability's key: a leaked key opens its own routes only.
      const other = e.namedKey === 'catalog' ? rt.secrets.campaignApiKey : rt.secrets.catalogApiKey;
      const otherHeader = e.namedKey === 'catalog' ? 'x-campaign-key' : 'x-catalog-key';
      const refused: [Record<string, string>, string][] = [
        [{}, ''],
        [{ [header]: '' }, ''],
        [{ [header]: 'wrong' }, ''],
        [{ [header]: `${own}0` }, ''],
        [{ [header]: own.toUpperCase() }, ''],
        [{ [header]: own.slice(1) }, ''],
        [{ [header]: keys.masterKey }, ''],
        [{ [header]: keys.functionKey }, ''],
        [{ [header]: rt.secrets.personalizerApiKey }, ''],
        [{ [header]: other }, ''],
        [{ [otherHeader]: own }, ''],
        [{ [otherHeader]: other }, ''],
        [{ authorization: `Bearer ${other}` }, ''],
        [{ 'x-functions-key': keys.masterKey }, ''],
        [{ 'x-functions-key': keys.functionKey }, ''],
        [{ 'x-functions-key': own }, ''],
        [{ 'ocp-apim-subscription-key': own }, ''],
        [{ authorization: own }, ''],
        [{ authorization: `Basic ${own}` }, ''],
        [{ authorization: `Bearer ${keys.masterKey}` }, ''],
        [{ cookie: `code=${own}` }, ''],
        [{}, `code=${encodeURIComponent(keys.masterKey)}`],
        [{}, `code=${encodeURIComponent(own)}`],
      ];
      for (const [headers, query] of refused) {
        const answer = await send(rt.url, request(e.sample, headers, query));
        expect(answer.status, `${JSON.stringify(headers)} ${query}`).toBe(401);
        expect(JSON.parse(answer.text)).toMatchObject({ field: header });
      }
      for (const headers of [{ [header]: own }, { authorization: `Bearer ${own}` }] as Record<string, string>[]) {
        const ok = await send(rt.url, request(e.sample, headers));
        expect(ok.status, ok.text).not.toBe(401);
        expect(ok.status, ok.text).toBeLessThan(500);
      }
    });
  }

  for (const e of ENDPOINT_AUTH.filter((x) => x.authLevel === 'anonymous' && !x.apiKey && !x.namedKey)) {
    it(`${e.name} (anonymous) answers without any key`, async () => {
      const answer = await send(rt.url, request(e.sample));
      expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(400);
    });
  }

  it('a key in another header or a cookie does not authorise', async () => {
    const others: Record<string, string>[] = [{ cookie: `code=${rt.runtime.keys.masterKey}` }, { 'x-functions-code': rt.runtime.keys.masterKey }, { 'x-ms-client-principal': 'admin' }];
    for (const headers of others) {
      expect((await send(rt.url, { method: 'GET', path: '/api/manage/offers', headers })).status).toBe(401);
    }
  });
});
