import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { installFunctionsCoreShim, FunctionRegistration } from '../../../../tools/local/host/functionsCoreShim';
import { startHttpHost, HttpHost } from '../../../../tools/local/host/httpHost';
import { silentLogger } from '../../../../tools/local/host/hostLogger';

const keys = { masterKey: 'master-secret', functionKey: 'function-secret' };

describe('local HTTP host', () => {
  let registrations: FunctionRegistration[];
  let host: HttpHost;

  beforeAll(async () => {
    registrations = installFunctionsCoreShim(() => {});
    // The real @azure/functions package, registering through the shim as it would with the Azure host.
    const { app, HttpResponse } = await import('@azure/functions');
    app.http('echo', {
      route: 'items/{id:int}',
      methods: ['GET', 'PUT'],
      authLevel: 'anonymous',
      handler: async (req, ctx) => ({
        jsonBody: { id: req.params.id, q: req.query.get('q'), method: req.method, header: req.headers.get('x-test'), body: await req.text(), fn: ctx.functionName },
      }),
    });
    app.http('secured', { route: 'secured', methods: ['GET'], authLevel: 'function', handler: () => ({ body: 'ok' }) });
    app.http('adminOnly', { route: 'admin/thing', methods: ['POST'], authLevel: 'admin', handler: () => ({ status: 204 }) });
    app.http('broken', { route: 'broken', methods: ['GET'], authLevel: 'anonymous', handler: () => { throw new Error('boom'); } });
    app.http('typed', { methods: ['GET'], authLevel: 'anonymous', handler: () => new HttpResponse({ status: 201, headers: { 'x-made': 'yes' }, body: 'made' }) });
    host = await startHttpHost(registrations, {
      port: 0,
      routePrefix: 'api',
      maxRequestBodyBytes: 1024,
      keys,
      corsOrigins: ['https://shop.example'],
      logger: silentLogger,
    });
  });
  afterAll(async () => host?.close());

  it('registers the functions with their metadata', () => {
    expect(registrations.map((r) => r.name).sort()).toEqual(['adminOnly', 'broken', 'echo', 'secured', 'typed']);
    expect(host.functions.find((f) => f.name === 'echo')).toMatchObject({ route: '/api/items/{id:int}', methods: ['GET', 'PUT'], authLevel: 'anonymous' });
  });

  it('routes with the prefix, constraints, methods, query, headers and body', async () => {
    const res = await fetch(`${host.url}/api/items/42?q=shoes`, { method: 'PUT', headers: { 'x-test': 't' }, body: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: '42', q: 'shoes', method: 'PUT', header: 't', body: 'hello', fn: 'echo' });
    expect((await fetch(`${host.url}/api/items/abc`)).status).toBe(404);
    expect((await fetch(`${host.url}/items/42`)).status).toBe(404);
    expect((await fetch(`${host.url}/api/items/42`, { method: 'DELETE' })).status).toBe(404);
  });

  it('uses the function name as the route when none is given', async () => {
    const res = await fetch(`${host.url}/api/typed`);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-made')).toBe('yes');
    expect(await res.text()).toBe('made');
  });

  it('enforces function and admin auth levels with header or code keys', async () => {
    expect((await fetch(`${host.url}/api/secured`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/secured?code=wrong`)).status).toBe(401);
    expect((await fetch(`${host.url}/api/secured?code=function-secret`)).status).toBe(200);
    expect((await fetch(`${host.url}/api/secured`, { headers: { 'x-functions-key': 'master-secret' } })).status).toBe(200);
    expect((await fetch(`${host.url}/api/admin/thing`, { method: 'POST', headers: { 'x-functions-key': 'function-secret' } })).status).toBe(401);
    expect((await fetch(`${host.url}/api/admin/thing`, { method: 'POST', headers: { 'x-functions-key': 'master-secret' } })).status).toBe(204);
  });

  it('answers 500 when a handler throws, and keeps serving', async () => {
    expect((await fetch(`${host.url}/api/broken`)).status).toBe(500);
    expect((await fetch(`${host.url}/api/typed`)).status).toBe(201);
  });

  it('refuses bodies over the host limit with 413', async () => {
    const res = await fetch(`${host.url}/api/items/1`, { method: 'PUT', body: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
  });

  it('applies CORS for allowed origins only, including preflight', async () => {
    const pre = await fetch(`${host.url}/api/items/1`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const ok = await fetch(`${host.url}/api/typed`, { headers: { origin: 'https://shop.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const other = await fetch(`${host.url}/api/typed`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const badPre = await fetch(`${host.url}/api/typed`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(badPre.status).toBe(403);
  });
});
