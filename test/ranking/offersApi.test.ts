// GET /api/offers and the catalog admin endpoints, over real HTTP with the Cosmos DB stand-in.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createCosmosClient } from '../../src/clients/cosmosClients';
import { startRankingStack, type RankingStack } from './fixtures/rankingStack';

const now = Date.now();
const day = 86_400_000;
const offer = (id: string, extra: Record<string, unknown> = {}) => ({
  title: `Offer ${id}`, category: 'shoes', price: 49.9, discount: 0.1, active: true, tags: ['sale'], ...extra,
});

const CATALOG: Record<string, Record<string, unknown>> = {
  'o-best': offer('o-best', { category: 'bags' }),
  'o-2': offer('o-2'),
  'o-3': offer('o-3', { features: [{ colour: 'red' }] }),
  'o-4': offer('o-4', { productId: 'p-4' }),
  'o-5': offer('o-5'),
  'o-inactive': offer('o-inactive', { active: false }),
  'o-expired': offer('o-expired', { endsAt: new Date(now - day).toISOString() }),
  'o-future': offer('o-future', { startsAt: new Date(now + day).toISOString() }),
};
const LIVE = ['o-best', 'o-2', 'o-3', 'o-4', 'o-5'];

describe('GET /api/offers and the catalog', () => {
  let stack: RankingStack;
  const admin = (path: string, method: string, body?: unknown, key: string | null = stack.catalogKey) =>
    fetch(`${stack.url}/api/manage/offers${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { 'x-catalog-key': key } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const offers = async (query: string) => {
    const res = await fetch(`${stack.url}/api/offers?${query}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    stack = await startRankingStack({
      env: { RankingExploration: '0', OffersMaxN: '10' },
      beforeStart: async ({ cosmos }) => {
        const client = createCosmosClient({ connectionString: cosmos.connectionString });
        const db = client.database('personalization');
        // Offer aggregates: o-best has by far the best click rate (the cold-start prior).
        const windowStart = new Date(Math.floor((now - day) / day) * day).toISOString();
        for (const [offerId, views, clicks] of [['o-best', 400, 120], ['o-2', 400, 20], ['o-3', 400, 8], ['o-4', 50, 1]] as const) {
          await db.container('aggregates').items.create({
            id: `offer:${offerId}:1440:x`, pk: `offer:${offerId}:2025`, kind: 'offer', offerId, windowMinutes: 1440, windowStart,
            views, clicks, decisions: 0, rewards: 0, rewardSum: 0,
          });
        }
        await db.container('profiles').items.create({
          id: 'u-returning', userId: 'u-returning', kind: 'profile', events: 5, purchases: 1, totalRevenue: 30,
          counts: { product_view: 4, purchase: 1 }, firstSeen: new Date(now - 20 * day).toISOString(), lastSeen: new Date(now - day).toISOString(),
          categoryAffinity: { bags: 2.5 }, categoryCounts: { bags: 3 }, recentProducts: [{ productId: 'p-4', at: new Date(now - day).toISOString(), type: 'product_view' }],
        });
        client.dispose();
      },
    });
  }, 60_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('requires the catalog key (CatalogApiKeys) for the catalog; host keys, the master key included, do not open it', async () => {
    expect((await admin('', 'GET', undefined, null)).status).toBe(401);
    expect((await admin('', 'GET', undefined, 'not-the-key')).status).toBe(401);
    expect((await admin('', 'GET', undefined, stack.masterKey)).status).toBe(401);
    const master = await fetch(`${stack.url}/api/manage/offers`, { headers: { 'x-functions-key': stack.masterKey } });
    expect(master.status).toBe(401);
    expect(await master.json()).toMatchObject({ field: 'x-catalog-key' });
    expect((await admin('', 'GET')).status).toBe(200);
    const bearer = await fetch(`${stack.url}/api/manage/offers`, { headers: { authorization: `Bearer ${stack.catalogKey}` } });
    expect(bearer.status).toBe(200);
  });

  it.each([
    [{ title: 'x', category: 'c', price: -1, active: true }, 'price'],
    [{ title: 'x', category: 'c', price: 1, discount: 1.5, active: true }, 'discount'],
    [{ category: 'c', price: 1, active: true }, 'title'],
    [{ title: 'x', category: 'c', price: 1, active: 'yes' }, 'active'],
    [{ title: 'x', category: 'c', price: 1, active: true, colour: 'red' }, 'colour'],
    [{ title: 'x', category: 'c', price: 1, active: true, tags: ['a', 'a'] }, 'tags'],
    [{ title: 'x', category: 'c', price: 1, active: true, features: [{ nested: { list: ['x'] } }] }, 'features[0].nested'],
    [{ title: 'x', category: 'c', price: 1, active: true, startsAt: '2025-02-01T00:00:00Z', endsAt: '2025-01-01T00:00:00Z' }, 'endsAt'],
    [{ id: 'other', title: 'x', category: 'c', price: 1, active: true }, 'id'],
  ])('refuses invalid offer %j with 400 naming %s', async (body, field) => {
    const res = await admin('/o-invalid', 'PUT', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error.startsWith(`${field}: `)).toBe(true);
  });

  it('creates, replaces, reads, lists and deletes offers', async () => {
    const created = await admin('/o-tmp', 'PUT', offer('o-tmp'));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'o-tmp', title: 'Offer o-tmp', discount: 0.1, tags: ['sale'], features: [], updatedAt: expect.any(String) });
    expect((await admin('/o-tmp', 'PUT', offer('o-tmp', { price: 10 }))).status).toBe(200);
    const read = (await (await admin('/o-tmp', 'GET')).json()) as Record<string, unknown>;
    expect(read.price).toBe(10);
    expect(Object.keys(read).some((k) => k.startsWith('_'))).toBe(false);
    const list = (await (await admin('', 'GET')).json()) as { offers: { id: string }[] };
    expect(list.offers.map((o) => o.id)).toContain('o-tmp');
    expect((await admin('/o-tmp', 'DELETE')).status).toBe(204);
    expect((await admin('/o-tmp', 'DELETE')).status).toBe(404);
    expect((await admin('/o-tmp', 'GET')).status).toBe(404);
  });

  it('ranks the live offers for a user, cold-start priors first, and logs the decision with the profile', async () => {
    for (const [id, body] of Object.entries(CATALOG)) expect((await admin(`/${id}`, 'PUT', body)).status).toBe(201);

    const first = await offers('userId=u-returning&n=3&device=desktop&channel=web');
    expect(first.status).toBe(200);
    const list = first.body.offers as { id: string; probability: number; title: string }[];
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({ id: 'o-best', probability: 1, title: 'Offer o-best' });
    // o-5 has no aggregates yet: it gets the overall rate, above o-2's smoothed 20/400.
    expect(list.map((o) => o.id)).toEqual(['o-best', 'o-5', 'o-2']);
    expect(first.body).toMatchObject({ rewardActionId: 'o-best', modelVersion: null, eventId: expect.any(String) });

    const eventId = first.body.eventId as string;
    const reward = await fetch(`${stack.url}/personalizer/v1.0/events/${eventId}/reward`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'Ocp-Apim-Subscription-Key': stack.apiKeys[0] }, body: '{"value": 1}',
    });
    expect(reward.status).toBe(204);

    const events = await stack.waitForEvents((all) => all.filter((e) => (e.body.decision as { eventId?: string })?.eventId === eventId).length >= 2);
    const mine = events.filter((e) => (e.body.decision as { eventId?: string }).eventId === eventId);
    const decision = mine.find((e) => e.body.type === 'decision')!.body;
    expect(decision).toMatchObject({ userId: 'u-returning', offerId: 'o-best' });
    expect(decision.decision).toMatchObject({
      source: 'offers', segment: 'desktop|returning', contextFeatures: [{ device: 'desktop', channel: 'web' }],
      profile: { events: 5, categoryAffinity: { bags: 2.5 }, recentProducts: ['p-4'] },
    });
    const logged = (decision.decision as { actions: { id: string; features: unknown[] }[] }).actions;
    expect(logged.map((a) => a.id).sort()).toEqual([...LIVE].sort());
    expect(logged.find((a) => a.id === 'o-3')!.features).toEqual([{ category: 'shoes', price: 49.9, discount: 0.1 }, { tags: { sale: 1 } }, { colour: 'red' }]);
    expect(mine.find((e) => e.body.type === 'reward')!.body).toMatchObject({ userId: 'u-returning', offerId: 'o-best', value: 1 });
  });

  it('never returns inactive, expired or not yet started offers', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const r = await offers(`anonymousId=anon-${i}&n=10`);
      expect(r.status).toBe(200);
      for (const o of r.body.offers as { id: string }[]) seen.add(o.id);
    }
    expect([...seen].sort()).toEqual([...LIVE].sort());
  });

  it.each([
    ['n=3', 'userId: userId or anonymousId is required'],
    ['userId=u&n=0', 'n: must be an integer from 1 to 10'],
    ['userId=u&n=11', 'n: must be an integer from 1 to 10'],
    ['userId=u&n=two', 'n: must be an integer'],
    ['userId=u&device=fridge', 'device: must be one of'],
    [`userId=${'u'.repeat(129)}`, 'userId: must be 1-128 characters'],
    ['userId=%20%09', 'userId: must not be blank'],
    ['anonymousId=..', 'anonymousId: must not be "." or ".."'],
  ])('refuses %s with 400 naming the field', async (query, message) => {
    const r = await offers(query);
    expect(r.status).toBe(400);
    expect(r.body.error).toContain(message);
  });
});
