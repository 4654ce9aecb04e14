// GET /api/aggregates served by the local Functions host from the app's own registration, over
// aggregates the real aggregation wrote into the Cosmos DB stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { AGGREGATES_CONTAINER } from '../../src/aggregation/containers';
import { COUNTER_FIELDS } from '../../src/aggregation/aggregateKinds';
import { parseAggregatesQuery } from '../../src/dashboard/aggregatesQuery';
import { readAggregateTotals } from '../../src/dashboard/readAggregates';
import { ParameterError } from '../../src/dashboard/parameterError';
import type { HttpHost } from '../../tools/local/host/httpHost';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { AggregateSeeder, serveDashboardFunctions, startStores, TEST_KEYS, type Stores } from './dashboardTestKit';
import { productTotals, recentEvents, typeCounts } from './recentEvents';

const END = Date.parse('2025-03-05T12:30:00Z');
const DAY = 86_400_000;
const FROM = new Date(END - 7 * DAY).toISOString();
const TO = new Date(END).toISOString();

let stores: Stores;
let host: HttpHost;
let events: TrackedEvent[];
let aggregates: Container;
let served: Awaited<ReturnType<typeof serveDashboardFunctions>>;

type Body = Record<string, unknown> & { items: Record<string, unknown>[] };

async function get(query: string, key: string | null = TEST_KEYS.functionKey): Promise<{ status: number; body: Body }> {
  const res = await fetch(`${host.url}/api/aggregates?${query}`, { headers: key ? { 'x-functions-key': key } : {} });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Body };
}

async function allPages(query: string): Promise<{ items: Record<string, unknown>[]; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let token: string | null = null;
  let pages = 0;
  do {
    const res = await get(`${query}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    token = res.body.continuationToken as string | null;
    pages++;
  } while (token && pages < 500);
  return { items, pages };
}

beforeAll(async () => {
  stores = await startStores(false);
  events = recentEvents({ count: 900, seed: 7, endMs: END });
  await new AggregateSeeder(stores.client, 'shop').add(events);
  aggregates = stores.client.database('shop').container(AGGREGATES_CONTAINER);
  served = await serveDashboardFunctions(stores);
  host = served.host;
  await served.configure({ CosmosDB: stores.cosmos.connectionString, CosmosDatabaseName: 'shop', AggregationWindowsMinutes: '60,1440' });
}, 60_000);

afterAll(async () => {
  await host?.close();
  await stores?.stop();
});

describe('GET /api/aggregates', () => {
  it('pages through every document of a kind exactly once, oldest first, public fields only', async () => {
    const query = `kind=offer&window=60&from=${FROM}&to=${TO}&pageSize=7`;
    const { items, pages } = await allPages(query);
    const { resources: expected } = await aggregates.items
      .query<{ id: string }>({ query: 'SELECT c.id FROM c WHERE c.kind = "offer" AND c.windowMinutes = 60 AND c.windowStart >= @f AND c.windowStart < @t', parameters: [{ name: '@f', value: FROM }, { name: '@t', value: TO }] })
      .fetchAll();
    expect(expected.length).toBeGreaterThan(50);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(expected.length / 7));
    const ids = items.map((i) => i.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((e) => e.id)));
    const starts = items.map((i) => i.windowStart as string);
    expect([...starts].sort()).toEqual(starts);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual(
        ['id', 'windowStart', 'windowEnd', 'windowMinutes', 'date', 'offerId', ...COUNTER_FIELDS.offer, 'clickThroughRate'].sort(),
      );
    }
  });

  it('describes the page it answers and bounds it', async () => {
    const res = await get(`kind=type&window=60&from=${FROM}&to=${TO}&pageSize=5`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'type', window: 60, from: FROM, to: TO, pageSize: 5 });
    expect(res.body.items.length).toBeLessThanOrEqual(5);
    expect(res.body.count).toBe(res.body.items.length);
    expect(typeof res.body.continuationToken).toBe('string');
  });

  it('continues a range that defaulted to now with the token alone', async () => {
    const first = await get('kind=type&pageSize=3');
    expect(first.status).toBe(200);
    expect(Date.parse(first.body.to as string)).toBeGreaterThan(Date.now() - 60_000);
    // No recent data: the page may be empty, but a token (if any) must resume the same range.
    if (first.body.continuationToken) {
      const next = await get(`kind=type&pageSize=3&continuationToken=${first.body.continuationToken as string}`);
      expect(next.status).toBe(200);
      expect([next.body.from, next.body.to]).toEqual([first.body.from, first.body.to]);
    }
    const paged = await get(`kind=type&window=60&from=${FROM}&to=${TO}&pageSize=3`);
    const token = paged.body.continuationToken as string;
    const resumed = await get(`kind=type&window=60&pageSize=3&continuationToken=${token}`);
    expect(resumed.status).toBe(200);
    expect([resumed.body.from, resumed.body.to]).toEqual([FROM, TO]);
    const wrong = await get(`kind=type&window=1440&continuationToken=${token}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.parameter).toBe('continuationToken');
  });

  it('filters one key, including keys with characters escaped in partition keys', async () => {
    for (const key of ['offer-a', 'offer/d']) {
      const { items } = await allPages(`kind=offer&window=60&from=${FROM}&to=${TO}&key=${encodeURIComponent(key)}&pageSize=50`);
      const hours = new Set(events.filter((e) => e.offerId === key).map((e) => Math.floor(Date.parse(e.timestamp) / 3_600_000)));
      expect(items.length).toBe(hours.size);
      expect(items.every((i) => i.offerId === key)).toBe(true);
      const views = items.reduce((n, i) => n + (i.views as number), 0);
      expect(views).toBe(events.filter((e) => e.offerId === key && e.type === 'offer_view').length);
    }
    const none = await get(`kind=offer&from=${FROM}&to=${TO}&key=no-such-offer`);
    expect(none.body.items).toEqual([]);
    expect(none.body.continuationToken).toBeNull();
  });

  it('totals products over a range, ranked by revenue, matching a plain tally of the events', async () => {
    const from = new Date(END - 7 * DAY).toISOString().slice(0, 10);
    const res = await get(`kind=product&window=1440&from=${from}&to=${TO}&top=5&sort=revenue`);
    expect(res.status).toBe(200);
    const truth = productTotals(events, Date.parse(from), END, 1440);
    const ranked = [...truth.entries()].sort((a, b) => b[1].revenue - a[1].revenue).slice(0, 5);
    expect(res.body).toMatchObject({ kind: 'product', top: 5, sort: 'revenue', groups: truth.size, count: 5 });
    expect(res.body.items.map((i) => i.productId)).toEqual(ranked.map(([id]) => id));
    for (const item of res.body.items) {
      const t = truth.get(item.productId as string)!;
      expect(item).toMatchObject({ views: t.views, addToCarts: t.addToCarts, purchases: t.purchases });
      expect(item.revenue as number).toBeCloseTo(t.revenue, 6);
      expect(item.conversionRate as number).toBeCloseTo(t.views > 0 ? t.purchases / t.views : 0, 12);
      expect(item.windows as number).toBeGreaterThan(0);
    }
  });

  it('totals event types and the channel × day × hour slots', async () => {
    const types = await get(`kind=type&window=60&from=${FROM}&to=${TO}&top=50`);
    const truth = typeCounts(events, Date.parse(FROM), END, 60);
    expect(Object.fromEntries(types.body.items.map((i) => [i.eventType, i.count]))).toEqual(Object.fromEntries(truth));
    const slots = await get(`kind=channel&window=1440&from=${FROM.slice(0, 10)}&to=${TO}&top=2000`);
    expect(slots.status).toBe(200);
    const total = slots.body.items.reduce((n, i) => n + (i.events as number), 0);
    expect(total).toBe([...typeCounts(events, Date.parse(FROM.slice(0, 10)), END, 1440).values()].reduce((a, b) => a + b, 0));
    for (const slot of slots.body.items) {
      expect(slot.dayOfWeek as number).toBeGreaterThanOrEqual(1);
      expect(slot.hourOfDay as number).toBeLessThan(24);
      expect(typeof slot.dayName).toBe('string');
    }
    const keys = slots.body.items.map((i) => `${i.webChannel}|${i.dayOfWeek}|${i.hourOfDay}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refuses totals over more entities than the limit, naming the range', async () => {
    const q = parseAggregatesQuery(new URLSearchParams(`kind=channel&window=60&from=${FROM}&to=${TO}&top=10`), [60, 1440], new Date(END));
    await expect(readAggregateTotals(aggregates, q, 20)).rejects.toThrow(ParameterError);
    await expect(readAggregateTotals(aggregates, q, 20)).rejects.toMatchObject({ parameter: 'from' });
  });

  it('answers 400 naming the parameter, before touching the store', async () => {
    for (const [query, parameter] of [
      ['window=60', 'kind'],
      ['kind=offer&window=15', 'window'],
      ['kind=offer&from=2025-01-01&to=2025-03-01', 'from'],
      ['kind=offer&pageSize=1000', 'pageSize'],
      ['kind=offer&continuationToken=abc', 'continuationToken'],
    ]) {
      const res = await get(query);
      expect(res.status, query).toBe(400);
      expect(res.body.parameter).toBe(parameter);
      expect(String(res.body.error)).toMatch(new RegExp(`^${parameter}: `));
    }
  });

  it('needs the function key', async () => {
    expect((await get('kind=offer', null)).status).toBe(401);
    expect((await get('kind=offer', 'wrong')).status).toBe(401);
    const viaCode = await fetch(`${host.url}/api/aggregates?kind=offer&code=${TEST_KEYS.functionKey}`);
    expect(viaCode.status).toBe(200);
    expect(viaCode.headers.get('cache-control')).toBe('no-store');
  });

  it('is read-only', async () => {
    const res = await fetch(`${host.url}/api/aggregates?kind=offer`, { method: 'POST', headers: { 'x-functions-key': TEST_KEYS.functionKey } });
    expect(res.status).toBe(404);
  });
});

describe('GET /api/aggregates on a new system', () => {
  it('answers empty pages and totals when the database does not exist yet', async () => {
    await served.configure({ CosmosDatabaseName: 'nothing-here' });
    try {
      const page = await get('kind=offer');
      expect(page.status).toBe(200);
      expect(page.body.items).toEqual([]);
      expect(page.body.continuationToken).toBeNull();
      const totals = await get('kind=product&top=10');
      expect(totals.status).toBe(200);
      expect(totals.body).toMatchObject({ items: [], groups: 0 });
    } finally {
      await served.configure({ CosmosDatabaseName: 'shop' });
    }
  });
});
