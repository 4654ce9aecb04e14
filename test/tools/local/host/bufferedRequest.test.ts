// The local host's fast request/response adaptation must behave like @azure/functions' own
// undici-backed path: each case runs through both and compares.
import { describe, expect, it } from 'vitest';
import { HttpRequest, HttpRequestInit, HttpResponse, HttpResponseInit } from '@azure/functions';
import { BufferedNativeRequest } from '../../../../tools/local/host/bufferedRequest';
import { responsePayload } from '../../../../tools/local/host/responsePayload';

const URL_ = 'http://127.0.0.1:7071/api/things?x=1';

function both(method: string, body: Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): [HttpRequest, HttpRequest] {
  const reference = new HttpRequest({ method, url: URL_, headers, body: { bytes: body } });
  const fast = new HttpRequest({
    method, url: URL_, headers, query: { x: '1' }, params: {},
    nativeRequest: new BufferedNativeRequest(URL_, method, headers, method === 'GET' ? undefined : body),
  } as HttpRequestInit);
  return [reference, fast];
}

describe('BufferedNativeRequest behind HttpRequest', () => {
  it('reads text and JSON as fetch does, a UTF-8 byte order mark dropped', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"€"}')]);
    for (const read of ['text', 'json'] as const) {
      const [reference, fast] = both('POST', body);
      expect(await fast[read]()).toEqual(await reference[read]());
    }
    const invalid = Buffer.from([0x7b, 0xff, 0x7d]);
    const [reference, fast] = both('POST', invalid);
    expect(await fast.text()).toBe(await reference.text());
  });

  it('refuses a second read like fetch, and reports bodyUsed', async () => {
    const [reference, fast] = both('POST', Buffer.from('{}'));
    for (const r of [reference, fast]) {
      expect(r.bodyUsed).toBe(false);
      await r.text();
      expect(r.bodyUsed).toBe(true);
      await expect(r.json()).rejects.toThrow(TypeError);
    }
  });

  it('gives bytes, headers, method, url, query and form data like the library', async () => {
    const [reference, fast] = both('POST', Buffer.from('a=1&b=two'), { 'content-type': 'application/x-www-form-urlencoded', 'X-Custom': 'v' });
    expect([fast.method, fast.url, fast.headers.get('x-custom'), fast.query.get('x')]).toEqual([reference.method, reference.url, 'v', '1']);
    const form = await fast.formData();
    expect([...form.entries()]).toEqual([...(await reference.formData()).entries()]);
    const [r2, f2] = both('POST', Buffer.from([1, 2, 3]));
    expect(new Uint8Array(await f2.arrayBuffer())).toEqual(new Uint8Array(await r2.arrayBuffer()));
    const [, f3] = both('POST', Buffer.from('streamed'));
    const chunks: Uint8Array[] = [];
    for await (const chunk of f3.body!) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('streamed');
  });

  it('has no body on GET', async () => {
    const [reference, fast] = both('GET', Buffer.alloc(0));
    expect(fast.body).toBe(reference.body);
    expect(await fast.text()).toBe(await reference.text());
  });
});

async function referencePayload(init: HttpResponseInit) {
  const response = new HttpResponse(init);
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => (headers[k] = v));
  return { status: response.status ?? 200, headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('responsePayload', () => {
  const cases: [string, HttpResponseInit][] = [
    ['jsonBody, default content type', { status: 202, jsonBody: { accepted: 3 }, headers: { 'Cache-Control': 'no-store' } }],
    ['jsonBody with its own content type', { jsonBody: { a: 1 }, headers: { 'content-type': 'application/problem+json' } }],
    ['no body', { status: 401 }],
    ['204 with a jsonBody', { status: 204, jsonBody: { ignored: true } }],
    ['null jsonBody', { status: 200, jsonBody: null }],
    ['string body', { status: 200, body: 'hello', headers: { 'content-type': 'text/plain' } }],
    ['duplicate header names', { status: 200, jsonBody: 1, headers: { 'X-A': '1', 'x-a': '2' } }],
    ['header value with outer spaces', { status: 200, jsonBody: 'x', headers: { 'x-b': '  v  ' } }],
  ];
  it.each(cases)('writes %s as HttpResponse would', async (_name, init) => {
    expect(await responsePayload(init)).toEqual(await referencePayload(init));
  });

  it('takes an HttpResponse and an empty result', async () => {
    expect(await responsePayload(new HttpResponse({ status: 201, body: 'made' }))).toEqual(await referencePayload({ status: 201, body: 'made' }));
    expect(await responsePayload(undefined)).toEqual(await referencePayload({}));
  });
});
