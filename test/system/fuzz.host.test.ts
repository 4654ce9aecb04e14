// Request targets that the local Functions host stand-in (tools/local/host) once failed on, found by
// the fuzz tests. They concern only the local runtime: in Azure the Functions host does its own
// routing.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startFuzzRuntime, FuzzRuntime, send, errorMessage } from './fuzzKit';

describe('host stand-in: request targets it must refuse, not crash on or reroute', () => {
  let rt: FuzzRuntime;
  beforeAll(async () => {
    rt = await startFuzzRuntime();
  }, 90_000);
  afterAll(async () => rt?.close());

  // A malformed escape ("%", "%ZZ", a truncated or invalid UTF-8 sequence) made route parameter
  // decoding throw URIError, answered 500; requestTarget.ts now refuses the path with a 400.
  for (const path of [
    '/personalizer/v1.0/events/%E0%A4%A/reward',
    '/personalizer/v1.0/events/%/activate',
    '/personalizer/v1.0/events/%ZZ/reward',
    '/api/manage/offers/%ED%A0%80',
    '/api/dashboard/assets/abc%',
  ]) {
    it(`malformed percent-escape in a route parameter: POST/GET ${path} answers 400 with a message, not 500`, async () => {
      const method = path.startsWith('/personalizer') ? 'POST' : 'GET';
      const answer = await send(rt.url, {
        method, path,
        headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey, 'x-functions-key': rt.runtime.keys.masterKey },
        body: method === 'POST' ? '{"value":1}' : undefined,
      });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(errorMessage(answer)).toBeTruthy();
    });
  }

  // new URL(target, base) reads a target starting with "//" as a network-path reference ("//x/y":
  // host "x", path "/y"): it threw for an invalid host (500) and served "//evil.example/api/health"
  // as /api/health. The target is a path; these match no route.
  it('request target "//v1.0/x" answers 404 with a message, not 500', async () => {
    const answer = await send(rt.url, { method: 'GET', path: '//v1.0/x' });
    expect(answer.status).toBe(404);
    expect(errorMessage(answer)).toBeTruthy();
  });

  it('request target "//evil.example/api/health" is not served as /api/health', async () => {
    const answer = await send(rt.url, { method: 'GET', path: '//evil.example/api/health' });
    expect(answer.status).toBe(404);
  });

  // (Node's parser itself answers 400 to most other forms, e.g. "api/health"; "*" gets through.)
  it('the asterisk form "*" answers 400 with a message', async () => {
    for (const method of ['GET', 'OPTIONS']) {
      const answer = await send(rt.url, { method, path: '*' });
      expect(answer.status, method).toBe(400);
      expect(errorMessage(answer), method).toMatch(/request target/);
    }
  });

  it('the absolute form (http://host/path), which HTTP/1.1 servers must accept, is served', async () => {
    const answer = await send(rt.url, { method: 'GET', path: `${rt.url}/api/health` });
    expect(answer.status).toBe(200);
  });
});
