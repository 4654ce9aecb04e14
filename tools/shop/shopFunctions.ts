// The demo shop (`npm start` → /shop): a storefront over the product catalog that uses only the
// browser library (clients/web) against the app's public routes. This file plays the shop's own
// backend, registered on the local host only (never deployed): the pages and the library's ES
// module, product details from the catalog, and sign-in, which signs the user id with
// UserTokenKeys as a real shop backend would (docs/web-client.md, "Identity").
import fs from 'node:fs';
import path from 'node:path';
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { appServices } from '../../src/app/appServices';
import { readIdentitySettings } from '../../src/config/identitySettings';
import { signUserToken } from '../../src/events/userToken';

/** How long a sign-in's token is valid; the page signs in again after it. */
export const TOKEN_LIFETIME_MS = 8 * 3600_000;

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'tools', 'shop', 'static'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no tools/shop/static above ${from}`);
  }
}

const ROOT = repositoryRoot(__dirname);
const FILES: Readonly<Record<string, { file: string; type: string }>> = {
  '': { file: 'tools/shop/static/index.html', type: 'text/html; charset=utf-8' },
  'shop.js': { file: 'tools/shop/static/shop.js', type: 'text/javascript; charset=utf-8' },
  'shop.css': { file: 'tools/shop/static/shop.css', type: 'text/css; charset=utf-8' },
  'personalization.esm.js': { file: 'clients/web/dist/personalization.esm.js', type: 'text/javascript; charset=utf-8' },
};

const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body, headers: { 'cache-control': 'no-store' } });

function page(request: HttpRequest): HttpResponseInit {
  const name = request.params.path ?? '';
  const entry = FILES[name];
  if (!entry) return { status: 404, body: 'not found' };
  return { status: 200, body: fs.readFileSync(path.join(ROOT, entry.file)), headers: { 'content-type': entry.type, 'cache-control': 'no-store' } };
}

async function product(request: HttpRequest): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const found = (await appServices().products().catalog.get()).products.get(id);
  return found ? json(200, found) : json(404, { error: `product ${id} is not in the catalog` });
}

async function signIn(request: HttpRequest): Promise<HttpResponseInit> {
  // A real shop checks a password here; the demo takes any user id.
  const body = (await request.json().catch(() => ({}))) as { userId?: unknown };
  const userId = typeof body.userId === 'string' ? body.userId.trim() : '';
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(userId) || userId.startsWith('anon-')) return json(400, { error: 'userId: 1-64 letters, digits, . _ @ -, not starting with anon-' });
  const key = readIdentitySettings().userTokenKeys[0];
  if (!key) return json(503, { error: 'UserTokenKeys is not set: the shop cannot sign user ids' });
  return json(200, { userId, token: signUserToken(userId, key, Date.now() + TOKEN_LIFETIME_MS) });
}

app.http('shopPage', { route: 'shop/{*path}', methods: ['GET'], authLevel: 'anonymous', handler: page });
app.http('shopProduct', { route: 'shop-api/products/{id}', methods: ['GET'], authLevel: 'anonymous', handler: product });
app.http('shopSignIn', { route: 'shop-api/sign-in', methods: ['POST'], authLevel: 'anonymous', handler: signIn });
