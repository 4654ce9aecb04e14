// Every HTTP endpoint with its auth level and the reason: the table docs/RELIABILITY.md shows.
// security.auth.test.ts fails when a function is added, removed or changes level without this
// table (and the doc) changing with it.

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export interface EndpointAuth {
  /** Function name as registered. */
  name: string;
  route: string;
  methods: string[];
  authLevel: AuthLevel;
  /** Checked by the handler itself (Ocp-Apim-Subscription-Key). */
  apiKey?: boolean;
  /**
   * Checked by the handler itself: a named admin key of the capability, in its own header or
   * Authorization: Bearer — the catalog key (CatalogApiKeys, x-catalog-key) or the campaign key
   * (CampaignApiKeys, x-campaign-key).
   */
  namedKey?: 'catalog' | 'campaign';
  /** A request that is authorised when the key is right (path with an example parameter). */
  sample: { method: string; path: string; body?: string };
  why: string;
}

export const ENDPOINT_AUTH: EndpointAuth[] = [
  {
    name: 'captureEvents', route: 'api/events', methods: ['POST'], authLevel: 'anonymous',
    sample: { method: 'POST', path: '/api/events', body: '{"id":"s1","type":"page_view","userId":"u"}' },
    why: 'Browsers call it directly (navigator.sendBeacon cannot send headers); input is validated, size-limited and only appended to the event stream.',
  },
  {
    name: 'captureServerEvents', route: 'api/events/server', methods: ['POST'], authLevel: 'function',
    sample: { method: 'POST', path: '/api/events/server', body: '{"id":"s1","type":"campaign_response","userId":"u","leadId":"L1","campaignId":"C1","timestamp":"2026-11-20T18:30:00+01:00"}' },
    why: 'The shop\'s backend, CRM or campaign tool: it may send campaign touches and responses, which train the campaign model, and user ids without a token.',
  },
  {
    name: 'openapi', route: 'api/openapi.json', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/openapi.json' },
    why: 'API description tools read it; it describes the routes and holds no data.',
  },
  {
    name: 'offers', route: 'api/offers', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/offers?userId=u-1' },
    why: 'Web frontends call it directly, like POST /api/events; it returns only live catalog offers and a signed event id, no personal data.',
  },
  {
    name: 'health', route: 'api/health', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/health' },
    why: 'Load balancers and uptime probes call it; it reveals only up/down, latency and a one-line error per dependency (no connection strings).',
  },
  {
    name: 'dashboardAssets', route: 'api/dashboard/assets/{name}', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/dashboard/assets/dashboard.js' },
    why: 'A <script>/<link> cannot send a key; these are the page code and Chart.js only, no data, from a fixed list of names.',
  },
  {
    name: 'personalizerApi', route: 'personalizer/{*path}', methods: ['GET', 'PUT', 'POST', 'DELETE'], authLevel: 'anonymous', apiKey: true,
    sample: { method: 'POST', path: '/personalizer/v1.0/rank', body: '{"contextFeatures":[{"a":1}],"actions":[{"id":"a","features":[{"x":1}]}]}' },
    why: 'Personalizer-compatible (both route families, every operation): the handler checks Ocp-Apim-Subscription-Key (PersonalizerApiKeys, constant-time) before anything else, as Personalizer clients and SDKs send it.',
  },
  {
    name: 'aggregates', route: 'api/aggregates', methods: ['GET'], authLevel: 'function',
    sample: { method: 'GET', path: '/api/aggregates?kind=offer' },
    why: 'Business figures (revenue, CTR), no personal data: any holder of a function key (the dashboard, Power BI) may read.',
  },
  {
    name: 'dashboard', route: 'api/dashboard', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/dashboard' },
    why: 'The dashboard page holds no data: it is opened with #code=<function key> (a fragment, never sent, so never logged) and sends the key to the data routes.',
  },
  {
    name: 'dashboardStatus', route: 'api/dashboard/status', methods: ['GET'], authLevel: 'function',
    sample: { method: 'GET', path: '/api/dashboard/status' },
    why: 'Model registry and campaign plan summaries for the dashboard.',
  },
  {
    name: 'campaignRecommend', route: 'api/campaigns/recommend', methods: ['POST'], authLevel: 'function',
    sample: { method: 'POST', path: '/api/campaigns/recommend', body: '{}' },
    why: 'Called by back-office systems with a function key; reads lead data.',
  },
  {
    name: 'recommendations', route: 'api/recommendations', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/recommendations?userId=u-1' },
    why: 'Web frontends call it directly, like GET /api/offers; it returns product ids of the catalog and a signed event id, no personal data.',
  },
  {
    name: 'productsSimilar', route: 'api/products/{id}/similar', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/products/p-1/similar' },
    why: 'Product pages call it directly; it returns catalog products only.',
  },
  {
    name: 'productsBoughtTogether', route: 'api/products/{id}/bought-together', methods: ['GET'], authLevel: 'anonymous',
    sample: { method: 'GET', path: '/api/products/p-1/bought-together' },
    why: 'As similar.',
  },
  {
    name: 'manageProducts', route: 'api/manage/products/{id?}', methods: ['GET', 'PUT', 'DELETE'], authLevel: 'anonymous', namedKey: 'catalog',
    sample: { method: 'GET', path: '/api/manage/products' },
    why: 'The shop\'s catalog feed writes products with its own key (CatalogApiKeys, x-catalog-key, constant-time in the handler); anonymous at the host so no host key, the master key included, opens it.',
  },
  {
    name: 'manageOffers', route: 'api/manage/offers/{id?}', methods: ['GET', 'PUT', 'DELETE'], authLevel: 'anonymous', namedKey: 'catalog',
    sample: { method: 'GET', path: '/api/manage/offers' },
    why: 'Changes what every visitor is offered: the catalog key only (CatalogApiKeys, x-catalog-key, constant-time in the handler), as for products; anonymous at the host so no host key, the master key included, opens it (admin/ is reserved by the host, hence manage/).',
  },
  {
    name: 'campaignPlan', route: 'api/manage/campaigns/{campaignId}/plan', methods: ['POST'], authLevel: 'anonymous', namedKey: 'campaign',
    sample: { method: 'POST', path: '/api/manage/campaigns/c-1/plan', body: '{}' },
    why: 'Starts a planning job that writes plans: the campaign key only (CampaignApiKeys, x-campaign-key, constant-time in the handler); anonymous at the host so no host key, the master key included, opens it.',
  },
];
