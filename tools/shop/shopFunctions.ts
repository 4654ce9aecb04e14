// The demo shop (`npm start` → /shop): a storefront over the product catalog that uses only the
// browser library (clients/web) against the app's public routes. This file plays the shop's own
// backend, registered on the local host only (never deployed): the pages and the library's ES
// module, product details from the catalog, sign-in, which signs the user id with UserTokenKeys
// as a real shop backend would (docs/web-client.md, "Identity"), and checkout, which confirms the
// order (prices from the catalog, the signed user) and posts its purchases server-to-server to
// POST /api/events/server with a function key: the browser route refuses purchases, since a page
// could forge them.
import fs from 'node:fs';
import path from 'node:path';
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { appServices } from '../../src/app/appServices';
import { readIdentitySettings } from '../../src/config/identitySettings';
import { signUserToken, verifyUserToken } from '../../src/events/userToken';

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

/** What the local host gives the shop's backend: the function key of the app's keyed routes. */
export interface ShopBackendConfig {
  functionKey: string;
}

let config: ShopBackendConfig | undefined;

/** Called by the local host after loading this file (tools/local/localRuntime.ts). */
export function configureShop(settings: ShopBackendConfig): void {
  config = settings;
}

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

interface CheckoutLine {
  productId: string;
  quantity: number;
  decisionId?: string;
}

/** The checkout body's problem, naming the field, or the order. */
function checkoutOrder(body: unknown): { error: string } | { orderId: string; lines: CheckoutLine[]; anonymousId?: string; userId?: string; userToken?: string } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.orderId !== 'string' || !/^[A-Za-z0-9-]{8,64}$/.test(b.orderId)) return { error: 'orderId: 8-64 letters, digits or -' };
  if (!Array.isArray(b.lines) || b.lines.length === 0 || b.lines.length > 50) return { error: 'lines: 1-50 order lines' };
  const lines: CheckoutLine[] = [];
  for (const [i, raw] of b.lines.entries()) {
    const line = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    if (typeof line.productId !== 'string' || line.productId === '') return { error: `lines[${i}].productId: is required` };
    if (!Number.isInteger(line.quantity) || (line.quantity as number) < 1 || (line.quantity as number) > 100) return { error: `lines[${i}].quantity: an integer 1-100` };
    if (line.decisionId !== undefined && typeof line.decisionId !== 'string') return { error: `lines[${i}].decisionId: must be a string` };
    lines.push({ productId: line.productId, quantity: line.quantity as number, ...(line.decisionId ? { decisionId: line.decisionId } : {}) });
  }
  for (const field of ['anonymousId', 'userId', 'userToken'] as const) {
    if (b[field] !== undefined && b[field] !== null && typeof b[field] !== 'string') return { error: `${field}: must be a string` };
  }
  return {
    orderId: b.orderId, lines,
    ...(typeof b.anonymousId === 'string' ? { anonymousId: b.anonymousId } : {}),
    ...(typeof b.userId === 'string' ? { userId: b.userId, userToken: typeof b.userToken === 'string' ? b.userToken : '' } : {}),
  };
}

/**
 * POST /shop-api/checkout: the page sends the cart (product, quantity, the recommendation that led
 * to it), its anonymous id and the signed-in user's token; the backend takes prices from the
 * catalog, believes the user only with a valid token, and posts one purchase per line to the keyed
 * route. Purchase ids are made from the page's order id, so a checkout the page sends again (its
 * answer lost) makes the same events, which the aggregates count once.
 */
async function checkout(request: HttpRequest): Promise<HttpResponseInit> {
  if (!config) return json(503, { error: 'the shop backend has no function key: start it through the local host (npm start)' });
  const order = checkoutOrder(await request.json().catch(() => undefined));
  if ('error' in order) return json(400, order);
  if (order.userId !== undefined) {
    const check = verifyUserToken(order.userToken, order.userId, readIdentitySettings().userTokenKeys, Date.now());
    if (!check.ok) return json(401, { error: `userToken: ${check.reason}; sign in again` });
  }
  if (order.userId === undefined && order.anonymousId === undefined) return json(400, { error: 'anonymousId: is required when nobody signed in' });
  const catalog = (await appServices().products().catalog.get()).products;
  const events = [];
  for (const [i, line] of order.lines.entries()) {
    const product = catalog.get(line.productId);
    if (!product) return json(400, { error: `lines[${i}].productId: ${line.productId} is not in the catalog` });
    events.push({
      id: `${order.orderId}-${i}`, type: 'purchase', productId: line.productId, quantity: line.quantity,
      value: Math.round((product.price ?? 0) * line.quantity * 100) / 100, currency: 'GBP',
      ...(product.category ? { category: product.category } : {}),
      ...(order.userId !== undefined ? { userId: order.userId } : {}),
      ...(order.anonymousId !== undefined ? { anonymousId: order.anonymousId } : {}),
      ...(line.decisionId ? { decisionId: line.decisionId } : {}),
      properties: { orderId: order.orderId },
    });
  }
  const answer = await fetch(`${new URL(request.url).origin}/api/events/server`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-functions-key': config.functionKey }, body: JSON.stringify(events),
  });
  const text = await answer.text();
  if (answer.status !== 202) {
    const retryAfter = answer.headers.get('retry-after');
    return { status: answer.status === 503 ? 503 : 502, jsonBody: { error: `the events route answered ${answer.status}: ${text}` }, headers: { 'cache-control': 'no-store', ...(retryAfter ? { 'retry-after': retryAfter } : {}) } };
  }
  return json(200, { orderId: order.orderId, purchases: events.length, total: events.reduce((sum, e) => Math.round((sum + e.value) * 100) / 100, 0) });
}

app.http('shopPage', { route: 'shop/{*path}', methods: ['GET'], authLevel: 'anonymous', handler: page });
app.http('shopProduct', { route: 'shop-api/products/{id}', methods: ['GET'], authLevel: 'anonymous', handler: product });
app.http('shopCheckout', { route: 'shop-api/checkout', methods: ['POST'], authLevel: 'anonymous', handler: checkout });
app.http('shopSignIn', { route: 'shop-api/sign-in', methods: ['POST'], authLevel: 'anonymous', handler: signIn });
