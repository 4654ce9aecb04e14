// GET /api/openapi.json: the OpenAPI 3.1 description of every HTTP route, built from the schemas
// the code validates with — the offer and product catalogs' zod schemas (z.toJSONSchema), the
// tracked event's rules (src/events/eventJsonSchema.ts) and the rank request's limits — so the
// description cannot promise what the validators refuse. Each operation has an example request;
// test/openapi/contract.test.ts replays every one against the local host and checks the answer
// against the documented responses.
import { z } from 'zod';
import { BROWSER_EVENT_TYPES, CLIENT_EVENT_TYPES } from '../events/eventSchema';
import { eventJsonSchema } from '../events/eventJsonSchema';
import { offerSchema } from '../ranking/catalog/offerSchema';
import { MAX_ACTIONS, MAX_ID_LENGTH } from '../ranking/rankRequest';
import { productSchema } from '../products/catalog/productSchema';

type Schema = Record<string, unknown>;
type Security = 'functionKey' | 'apiKey' | 'catalogKey' | 'campaignKey';

export interface DocumentOptions {
  maxEventsPerRequest: number;
  serverUrl?: string;
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description: string): Schema => ({ description, content: { 'application/json': { schema } } });
const error = (description: string): Schema => json(ref('Error'), description);
const personalizerError = (description: string): Schema => json(ref('PersonalizerError'), description);
const query = (name: string, schema: Schema, example?: unknown, description?: string): Schema => ({ name, in: 'query', schema, ...(example !== undefined ? { example } : {}), ...(description ? { description } : {}) });
const pathParam = (name: string, example: string): Schema => ({ name, in: 'path', required: true, schema: { type: 'string' }, example });

function op(summary: string, security: Security | undefined, responses: Record<string, Schema>, extra: Schema = {}): Schema {
  return { summary, ...(security ? { security: [{ [security]: [] }] } : { security: [] }), responses, ...extra };
}

function body(schema: Schema, example: unknown, type = 'application/json'): Schema {
  return { requestBody: { required: true, content: { [type]: { schema, example } } } };
}

/** The zod schema as JSON Schema of what a client sends (defaults optional). */
const inputSchema = (schema: z.ZodType): Schema => {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  delete out.$schema;
  return out;
};

export function openApiDocument(options: DocumentOptions): Schema {
  const event = eventJsonSchema(BROWSER_EVENT_TYPES);
  const serverEvent = eventJsonSchema(CLIENT_EVENT_TYPES);
  const batch = (one: Schema): Schema => ({ oneOf: [one, { type: 'array', minItems: 1, maxItems: options.maxEventsPerRequest, items: one }] });
  const captureResponses = {
    202: json(ref('CaptureAccepted'), 'Event Hubs acknowledged every accepted event.'),
    400: json(ref('CaptureRefused'), 'Invalid events, each field named; nothing was sent (without ?partial=true).'),
    413: error('Body or batch too large.'),
    415: error('Content type other than application/json or text/plain.'),
    503: json(ref('CaptureRefused'), 'Some events were not acknowledged; `failed` lists them. Retry-After.'),
  };
  const partial = query('partial', { type: 'boolean' }, undefined, 'Keep the valid events of a batch and list the invalid ones.');
  const product = pathParam('id', '85123A');
  const n = (max: number) => query('n', { type: 'integer', minimum: 1, maximum: max }, 3);

  return {
    openapi: '3.1.0',
    info: { title: 'Personalization functions', version: '1', description: 'Event capture, recommendations, ranked offers (a Personalizer drop-in), aggregates and campaigns. docs/ in the repository.' },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths: {
      '/api/events': {
        post: op('Track browser events (one or an array)', undefined, captureResponses, {
          parameters: [partial],
          ...body(batch(event), [{ id: '3f0c8a52-6d7e-4d3e-9a51-1f4c3a1a9e01', type: 'product_view', anonymousId: 'anon-7f3c', productId: '85123A', context: { device: 'mobile' } }]),
        }),
      },
      '/api/events/server': {
        post: op('Track events from a trusted backend: confirmed purchases, campaign touches and responses included', 'functionKey', captureResponses, {
          parameters: [partial],
          ...body(batch(serverEvent), { id: 'r-77', type: 'campaign_response', userId: 'crm-L0001', leadId: 'L0001', campaignId: 'C004', timestamp: '2026-03-05T10:02:00+01:00' }),
        }),
      },
      '/api/recommendations': {
        get: op('Products recommended for a shopper', undefined, { 200: json(ref('ProductList'), 'Ranked products and the decision to reward.'), 400: error('A bad parameter, named.'), 503: error('A dependency is unavailable; retry.') }, {
          parameters: [query('userId', { type: 'string', maxLength: 128 }), query('anonymousId', { type: 'string', maxLength: 128 }, 'anon-7f3c'), n(50), query('mode', { enum: ['all', 'new'] }, 'new'),
            query('device', { enum: ['desktop', 'mobile', 'tablet', 'tv', 'other'] }), query('channel', { type: 'string' }), query('locale', { type: 'string' }), query('country', { type: 'string' }), query('page', { type: 'string' })],
        }),
      },
      '/api/products/{id}/similar': {
        get: op('Products similar to one', undefined, { 200: json(ref('ProductList'), 'Similar products.'), 400: error('A bad parameter.'), 404: error('Unknown product.'), 503: error('A dependency is unavailable.') }, { parameters: [product, n(50)] }),
      },
      '/api/products/{id}/bought-together': {
        get: op('Products bought together with one', undefined, { 200: json(ref('ProductList'), 'Products bought together.'), 400: error('A bad parameter.'), 404: error('Unknown product.'), 503: error('A dependency is unavailable.') }, { parameters: [product, n(50)] }),
      },
      '/api/offers': {
        get: op('Live offers ranked for a shopper', undefined, { 200: json(ref('RankedOffers'), 'The ranking and its eventId (null without live offers).'), 400: error('A bad parameter.'), 503: error('Ranking is not configured or a dependency is down.') }, {
          parameters: [query('userId', { type: 'string', maxLength: 128 }), query('anonymousId', { type: 'string', maxLength: 128 }, 'anon-7f3c'), n(50), query('device', { type: 'string' }), query('channel', { type: 'string' }), query('locale', { type: 'string' })],
        }),
      },
      '/personalizer/v1.0/rank': {
        post: op('Rank actions (Personalizer v1.0)', 'apiKey', { 201: json(ref('RankResponse'), 'The ranking.'), 400: personalizerError('Invalid request, field named.'), 401: personalizerError('Missing or wrong key.'), 503: personalizerError('Unavailable.') },
          body(ref('RankRequest'), { contextFeatures: [{ device: 'mobile' }], actions: [{ id: 'spring-sale', features: [{ discount: 0.2 }] }, { id: 'free-shipping', features: [{ discount: 0 }] }] })),
      },
      '/personalizer/v1.0/events/{eventId}/reward': {
        post: op('Reward a ranking (Personalizer v1.0)', 'apiKey', { 204: { description: 'Recorded.' }, 400: personalizerError('Invalid value, field named (any event id is accepted; one with no logged decision never joins training).'), 401: personalizerError('Missing or wrong key.'), 404: personalizerError('Unknown event id.'), 503: personalizerError('Unavailable.') }, {
          parameters: [pathParam('eventId', 'not-a-signed-event-id')], ...body({ type: 'object', required: ['value'], properties: { value: { type: 'number' } } }, { value: 1 }),
        }),
      },
      '/personalizer/v1.0/events/{eventId}/activate': {
        post: op('Activate a deferred ranking (Personalizer v1.0)', 'apiKey', { 204: { description: 'Recorded.' }, 400: personalizerError('An empty or over-long event id (any other is accepted).'), 401: personalizerError('Missing or wrong key.'), 404: personalizerError('Unknown event id.'), 503: personalizerError('Unavailable.') }, {
          parameters: [pathParam('eventId', 'not-a-signed-event-id')],
        }),
      },
      '/api/manage/offers/{id}': {
        put: op('Create or replace an offer of the catalog', 'catalogKey', { 200: json(ref('Offer'), 'Replaced.'), 201: json(ref('Offer'), 'Created.'), 400: error('Invalid offer, fields named.'), 401: error('Missing or wrong catalog key.'), 503: error('Unavailable.') }, {
          parameters: [pathParam('id', 'spring-sale')], ...body(inputSchema(offerSchema), { id: 'spring-sale', title: 'Spring sale', category: 'promo', price: 0, active: true }),
        }),
        get: op('One offer', 'catalogKey', { 200: json(ref('Offer'), 'The offer.'), 401: error('Missing or wrong catalog key.'), 404: error('No such offer.'), 503: error('Unavailable.') }, { parameters: [pathParam('id', 'spring-sale')] }),
        delete: op('Remove an offer', 'catalogKey', { 204: { description: 'Removed.' }, 401: error('Missing or wrong catalog key.'), 404: error('No such offer.'), 503: error('Unavailable.') }, { parameters: [pathParam('id', 'no-such-offer')] }),
      },
      '/api/manage/products/{id}': {
        put: op('Create or replace a product of the catalog', 'catalogKey', { 200: json({ type: 'object' }, 'Replaced.'), 201: json({ type: 'object' }, 'Created.'), 400: error('Invalid product, fields named.'), 401: error('Missing or wrong catalog key.'), 503: error('Unavailable.') }, {
          parameters: [pathParam('id', '85123A')], ...body(inputSchema(productSchema), { id: '85123A', title: 'WHITE HANGING HEART T-LIGHT HOLDER', category: 'home', price: 2.55, available: true }),
        }),
        get: op('One product', 'catalogKey', { 200: json({ type: 'object' }, 'The product.'), 401: error('Missing or wrong catalog key.'), 404: error('No such product.'), 503: error('Unavailable.') }, { parameters: [pathParam('id', '85123A')] }),
        delete: op('Remove a product', 'catalogKey', { 204: { description: 'Removed.' }, 401: error('Missing or wrong catalog key.'), 404: error('No such product.'), 503: error('Unavailable.') }, { parameters: [pathParam('id', 'no-such-product')] }),
      },
      '/api/aggregates': {
        get: op('Aggregates, paged', 'functionKey', { 200: json({ type: 'object' }, 'One page of aggregate rows.'), 400: error('A bad parameter, named.'), 503: error('Unavailable.') }, {
          parameters: [query('kind', { enum: ['offer', 'product', 'channel', 'type'] }, 'offer'), query('window', { type: 'integer' }, 60), query('from', { type: 'string' }), query('to', { type: 'string' }), query('top', { type: 'integer' }), query('sort', { type: 'string' }), query('pageSize', { type: 'integer' }), query('continuationToken', { type: 'string' })],
        }),
      },
      '/api/dashboard': { get: op('The dashboard page', undefined, { 200: { description: 'HTML.', content: { 'text/html': {} } } }) },
      '/api/dashboard/status': { get: op('Model, campaign and data status for the dashboard', 'functionKey', { 200: json({ type: 'object' }, 'Status.'), 503: error('Unavailable.') }) },
      '/api/dashboard/assets/{name}': { get: op('The dashboard\'s script and style', undefined, { 200: { description: 'The asset.' }, 404: { description: 'No such asset.' } }, { parameters: [pathParam('name', 'dashboard.js')] }) },
      '/api/health': { get: op('Each dependency up or down', undefined, { 200: json(ref('Health'), 'All dependencies answer.'), 503: json(ref('Health'), 'Some dependency is down.') }) },
      '/api/campaigns/recommend': {
        post: op('Best channel, day and time for leads', 'functionKey', { 200: json({ type: 'object' }, 'Recommendations.'), 400: error('Invalid request, field named.'), 404: error('Unknown lead or campaign.'), 503: error('No campaign model yet, or a dependency is down.') },
          body({ type: 'object' }, { campaignId: 'term-life', lead: { leadId: 'L0001' } })),
      },
      '/api/manage/campaigns/{campaignId}/plan': {
        post: op('Plan a campaign: every lead scored', 'campaignKey', { 200: json({ type: 'object' }, 'Planned.'), 202: json({ type: 'object' }, 'Started.'), 400: error('A bad parameter.'), 401: error('Missing or wrong campaign key.'), 404: error('Unknown campaign.'), 409: error('A plan is running.'), 503: error('No campaign model yet, or a dependency is down.') }, {
          parameters: [pathParam('campaignId', 'no-such-campaign')],
        }),
      },
      '/api/openapi.json': { get: op('This description', undefined, { 200: json({ type: 'object', required: ['openapi', 'paths'] }, 'OpenAPI 3.1.') }) },
    },
    components: {
      securitySchemes: {
        functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key', description: 'A function key (or ?code=).' },
        apiKey: { type: 'apiKey', in: 'header', name: 'Ocp-Apim-Subscription-Key', description: 'PersonalizerApiKeys.' },
        catalogKey: { type: 'apiKey', in: 'header', name: 'x-catalog-key', description: 'CatalogApiKeys.' },
        campaignKey: { type: 'apiKey', in: 'header', name: 'x-campaign-key', description: 'CampaignApiKeys.' },
      },
      schemas: {
        Event: event,
        ServerEvent: serverEvent,
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, field: { type: 'string' } } },
        PersonalizerError: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } } },
        CaptureAccepted: { type: 'object', required: ['accepted'], properties: { accepted: { type: 'integer' }, rejected: { type: 'array' } } },
        CaptureRefused: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, rejected: { type: 'array' }, failed: { type: 'array' }, accepted: { type: 'integer' } } },
        ProductList: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } }, eventId: { type: ['string', 'null'] } } },
        RankedOffers: { type: 'object', required: ['offers', 'eventId'], properties: { offers: { type: 'array' }, eventId: { type: ['string', 'null'] }, rewardActionId: { type: ['string', 'null'] } } },
        RankRequest: {
          type: 'object', required: ['actions'],
          properties: {
            contextFeatures: { type: 'array', items: { type: 'object' } },
            actions: { type: 'array', minItems: 1, maxItems: MAX_ACTIONS, items: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH }, features: { type: 'array', items: { type: 'object' } } } } },
            excludedActions: { type: 'array', items: { type: 'string' } },
            eventId: { type: 'string' },
            deferActivation: { type: 'boolean' },
          },
        },
        RankResponse: { type: 'object', required: ['ranking', 'eventId', 'rewardActionId'], properties: { ranking: { type: 'array', items: { type: 'object', required: ['id', 'probability'], properties: { id: { type: 'string' }, probability: { type: 'number' } } } }, eventId: { type: 'string' }, rewardActionId: { type: ['string', 'null'] } } },
        Offer: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        Health: { type: 'object', required: ['status'], properties: { status: { type: 'string' }, dependencies: { type: 'object' } } },
      },
    },
  };
}
