// The product routes:
//   GET /api/recommendations?userId=|anonymousId=&n=&mode=all|new&device=&channel=&locale=&country=
//   GET /api/products/{id}/similar?n=        GET /api/products/{id}/bought-together?n=
//   PUT|GET|DELETE /api/manage/products/{id}, GET /api/manage/products   (catalog key)
// Bad input is a 400 naming the parameter; an unknown product a 404; an unknown shopper gets
// the cold-start lists; a failing dependency a 503. Nothing throws to the host.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readJsonBody } from '../../common/readJsonBody';
import { unusableIdReason } from '../../events/eventSchema';
import { isProductId, validateProduct } from '../catalog/productSchema';
import type { ProductStore } from '../catalog/productStore';
import { RECOMMEND_MODES, type FeatureObject, type ProductRecommender, type RecommendMode } from '../serving/productRecommender';

const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body, headers: { 'cache-control': 'no-store' } });
const fail = (status: number, error: string, field?: string): HttpResponseInit => json(status, field ? { error, field } : { error });
const unavailable = (what: string): HttpResponseInit => ({ ...json(503, { error: `${what} is unavailable right now; try again` }), headers: { 'retry-after': '5', 'cache-control': 'no-store' } });

export const DEFAULT_N = 10;
const DEVICES = ['desktop', 'mobile', 'tablet', 'tv', 'other'];
const CONTEXT_TEXT: Readonly<Record<string, number>> = { channel: 256, locale: 35, country: 64, page: 2048 };

function readN(request: HttpRequest, maxN: number): number | HttpResponseInit {
  const text = request.query.get('n');
  if (text === null || text === '') return Math.min(DEFAULT_N, maxN);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > maxN) return fail(400, `n: must be an integer from 1 to ${maxN}`, 'n');
  return n;
}

export interface RecommendationsDeps {
  recommender: ProductRecommender;
  maxN: number;
  log?: (message: string) => void;
}

export async function handleRecommendations(request: HttpRequest, deps: RecommendationsDeps): Promise<HttpResponseInit> {
  const userId = request.query.get('userId');
  const anonymousId = request.query.get('anonymousId');
  if (userId !== null && anonymousId !== null) return fail(400, 'anonymousId: give userId or anonymousId, not both', 'anonymousId');
  const keyField = userId !== null ? 'userId' : 'anonymousId';
  const userKey = userId ?? anonymousId ?? undefined;
  if (userKey !== undefined) {
    if (userKey.length < 1 || userKey.length > 128) return fail(400, `${keyField}: must be 1-128 characters`, keyField);
    const unusable = unusableIdReason(userKey);
    if (unusable) return fail(400, `${keyField}: ${unusable}`, keyField);
  }
  const n = readN(request, deps.maxN);
  if (typeof n !== 'number') return n;
  const modeText = request.query.get('mode') ?? 'all';
  if (!(RECOMMEND_MODES as readonly string[]).includes(modeText)) return fail(400, `mode: must be one of ${RECOMMEND_MODES.join(', ')}`, 'mode');
  const context: FeatureObject = {};
  const device = request.query.get('device');
  if (device !== null) {
    if (!DEVICES.includes(device)) return fail(400, `device: must be one of ${DEVICES.join(', ')}`, 'device');
    context.device = device;
  }
  for (const [name, max] of Object.entries(CONTEXT_TEXT)) {
    const v = request.query.get(name);
    if (v === null) continue;
    if (v.length === 0 || v.length > max) return fail(400, `${name}: must be 1-${max} characters`, name);
    context[name] = v;
  }
  try {
    const result = await deps.recommender.recommend({
      ...(userKey !== undefined ? { userKey } : {}),
      anonymous: userId === null,
      n,
      mode: modeText as RecommendMode,
      context,
      ...(typeof context.country === 'string' ? { segment: context.country } : {}),
    });
    return json(200, result);
  } catch (error) {
    deps.log?.(`recommendations failed: ${(error as Error).stack ?? error}`);
    return unavailable('the recommendation service');
  }
}

export async function handleRelatedProducts(request: HttpRequest, kind: 'similar' | 'bought-together', deps: RecommendationsDeps): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const n = readN(request, deps.maxN);
  if (typeof n !== 'number') return n;
  if (!isProductId(id)) return fail(404, `id: no product ${JSON.stringify(id)}`, 'id');
  try {
    const items = await deps.recommender.related(kind, id, n);
    if (items === 'unknown') return fail(404, `id: no product ${JSON.stringify(id)}`, 'id');
    return json(200, { id, items });
  } catch (error) {
    deps.log?.(`${kind} failed: ${(error as Error).stack ?? error}`);
    return unavailable('the recommendation service');
  }
}

export interface ManageProductsDeps {
  store: ProductStore;
  changed?: () => void;
  log?: (message: string) => void;
}

export async function handleManageProducts(request: HttpRequest, deps: ManageProductsDeps): Promise<HttpResponseInit> {
  const id = request.params.id;
  try {
    if (id === undefined || id === '') {
      if (request.method !== 'GET') return fail(405, 'method: only GET lists products');
      const products = await deps.store.list();
      return json(200, { products, count: products.length });
    }
    const absent = () => fail(404, `id: no product ${JSON.stringify(id)}`, 'id');
    switch (request.method) {
      case 'PUT': {
        const body = await readJsonBody(request, 256 * 1024);
        if (!body.ok) return fail(400, `body: ${body.message}`, 'body');
        if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) return fail(400, 'body: must be a product object', 'body');
        const input = body.value as Record<string, unknown>;
        if (input.id !== undefined && input.id !== id) return fail(400, `id: ${JSON.stringify(input.id)} does not match the route's ${JSON.stringify(id)}`, 'id');
        const checked = validateProduct({ ...input, id });
        if (!checked.ok) return json(400, { error: checked.errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors: checked.errors });
        const { product, created } = await deps.store.put(checked.product);
        deps.changed?.();
        return json(created ? 201 : 200, product);
      }
      case 'GET': {
        const product = isProductId(id) ? await deps.store.get(id) : undefined;
        return product ? json(200, product) : absent();
      }
      case 'DELETE': {
        const existed = isProductId(id) && (await deps.store.delete(id));
        if (existed) deps.changed?.();
        return existed ? { status: 204 } : absent();
      }
      default:
        return fail(405, `method: ${request.method} is not supported`);
    }
  } catch (error) {
    deps.log?.(`manage products failed: ${(error as Error).stack ?? error}`);
    return unavailable('the product catalog');
  }
}
