// Admin endpoints of the catalog (authLevel admin; the Functions host reserves routes under admin/):
//   PUT /api/manage/offers/{id}  create or replace (201 / 200)
//   GET /api/manage/offers/{id}  one offer (404 when absent)
//   DELETE /api/manage/offers/{id}  (204 / 404)
//   GET /api/manage/offers       all offers
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { CatalogStore } from '../catalog/catalogStore';
import { isOfferId, validateOffer } from '../catalog/offerSchema';
import { readJsonBody } from '../../common/readJsonBody';

export interface ManageOffersDeps {
  catalog: CatalogStore;
  /** Called after a change, so this instance's /api/offers sees it at once. */
  changed?: () => void;
  log?: (message: string) => void;
}

const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body, headers: { 'cache-control': 'no-store' } });

async function put(request: HttpRequest, id: string, deps: ManageOffersDeps): Promise<HttpResponseInit> {
  const body = await readJsonBody(request, 256 * 1024);
  if (!body.ok) return json(400, { error: `body: ${body.message}` });
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    return json(400, { error: 'body: must be an offer object' });
  }
  const input = body.value as Record<string, unknown>;
  if (input.id !== undefined && input.id !== id) {
    const given = typeof input.id === 'string' ? JSON.stringify(input.id) : `a ${input.id === null ? 'null' : Array.isArray(input.id) ? 'array' : typeof input.id}`;
    return json(400, { error: `id: ${given} does not match the route's ${JSON.stringify(id)}`, field: 'id' });
  }
  const checked = validateOffer({ ...input, id });
  if (!checked.ok) {
    return json(400, { error: checked.errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors: checked.errors });
  }
  const { offer, created } = await deps.catalog.put(checked.offer);
  deps.changed?.();
  return json(created ? 201 : 200, offer);
}

export async function handleManageOffers(request: HttpRequest, deps: ManageOffersDeps): Promise<HttpResponseInit> {
  const id = request.params.id;
  try {
    if (id === undefined || id === '') {
      if (request.method !== 'GET') return json(405, { error: 'method: only GET lists offers' });
      const onlyActive = request.query.get('active') === 'true';
      const offers = await deps.catalog.list(onlyActive);
      return json(200, { offers, count: offers.length });
    }
    // No offer has such an id (validateOffer refuses it on PUT), and Cosmos DB would refuse it as a document id.
    const absent = () => json(404, { error: `id: no offer ${JSON.stringify(id)}` });
    switch (request.method) {
      case 'PUT':
        return await put(request, id, deps);
      case 'GET': {
        const offer = isOfferId(id) ? await deps.catalog.get(id) : undefined;
        return offer ? json(200, offer) : absent();
      }
      case 'DELETE': {
        const existed = isOfferId(id) && (await deps.catalog.delete(id));
        if (existed) deps.changed?.();
        return existed ? { status: 204 } : absent();
      }
      default:
        return json(405, { error: `method: ${request.method} is not supported` });
    }
  } catch (error) {
    deps.log?.(`manage offers failed: ${(error as Error).stack ?? error}`);
    return { ...json(503, { error: 'the catalog is unavailable right now; try again' }), headers: { 'retry-after': '5' } };
  }
}
