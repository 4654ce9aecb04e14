// The product routes through the local Functions host with the real SDKs against the embedded
// services: recommendations (known shopper, cold start, modes, the ranker as last step),
// similar / bought-together, the catalog routes and availability, and bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductStack, type ProductStack } from '../fixtures/productStack';
import { readHistory } from '../../../src/products/history/readHistory';
import { SAMPLE } from '../fixtures/productStack';

describe('product routes', () => {
  let stack: ProductStack;
  let customer: string;
  let bought: Set<string>;

  beforeAll(async () => {
    stack = await startProductStack();
    const read = await readHistory(SAMPLE);
    const counts = new Map<string, number>();
    for (const l of read.lines) if (l.user) counts.set(l.user, (counts.get(l.user) ?? 0) + 1);
    customer = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    bought = new Set(read.lines.filter((l) => l.user === customer).map((l) => l.item));
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const get = async (pathAndQuery: string, init: RequestInit = {}) => {
    const res = await fetch(`${stack.url}${pathAndQuery}`, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  it('recommends n products to a known shopper through the last-step ranker, leaving out purchases in mode new', async () => {
    const all = await get(`/api/recommendations?userId=${customer}&n=8&mode=all&device=mobile`);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(8);
    expect(all.body).toMatchObject({ source: 'model', ranker: 'last-step' });
    expect(typeof all.body.eventId).toBe('string');
    expect(all.body.items.every((i: { probability: number }) => i.probability > 0)).toBe(true);
    const fresh = await get(`/api/recommendations?userId=${customer}&n=10&mode=new`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.items.some((i: { id: string }) => bought.has(i.id))).toBe(false);
  });

  it('serves an unknown shopper (or none) from the cold-start lists', async () => {
    for (const q of ['userId=never-seen', 'anonymousId=a-1&country=France', '']) {
      const r = await get(`/api/recommendations?${q}`);
      expect(r.status).toBe(200);
      expect(r.body.source).toBe('cold-start');
      expect(r.body.items).toHaveLength(10);
    }
  });

  it('answers 400 naming the parameter for bad input', async () => {
    const cases: [string, string][] = [
      ['userId=u&n=0', 'n'], ['userId=u&n=abc', 'n'], ['userId=u&n=1000', 'n'], ['userId=u&mode=old', 'mode'],
      ['userId=u&anonymousId=a', 'anonymousId'], [`userId=${'x'.repeat(200)}`, 'userId'], ['userId=u&device=car', 'device'], ['userId=%20', 'userId'],
    ];
    for (const [q, field] of cases) {
      const r = await get(`/api/recommendations?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.field, q).toBe(field);
      expect(r.body.error.startsWith(`${field}:`), q).toBe(true);
    }
    expect((await get('/api/products/22041/similar?n=-1')).body.field).toBe('n');
  });

  it('lists similar and bought-together products; an unknown product is a 404', async () => {
    const product = [...bought][0];
    const similar = await get(`/api/products/${encodeURIComponent(product)}/similar?n=5`);
    expect(similar.status).toBe(200);
    expect(similar.body.items.length).toBeGreaterThan(0);
    expect(similar.body.items.length).toBeLessThanOrEqual(5);
    expect(similar.body.items.some((i: { id: string }) => i.id === product)).toBe(false);
    const together = await get(`/api/products/${encodeURIComponent(product)}/bought-together`);
    expect(together.status).toBe(200);
    expect((await get('/api/products/NOPE-0000/similar')).status).toBe(404);
    expect((await get('/api/products/NOPE-0000/bought-together')).body.field).toBe('id');
  });

  it('manages the catalog with the catalog key (never a host key), and never recommends an unavailable product', async () => {
    const key = { 'x-catalog-key': stack.catalogKey, 'content-type': 'application/json' };
    expect((await get('/api/manage/products/22041', { method: 'PUT', body: '{}' })).status).toBe(401);
    for (const refused of [
      { 'x-functions-key': stack.keys.masterKey }, { 'x-functions-key': stack.keys.functionKey }, { 'x-catalog-key': stack.keys.masterKey },
      { 'x-catalog-key': `${stack.catalogKey}x` }, { 'x-catalog-key': stack.catalogKey.slice(1) }, { authorization: stack.catalogKey },
    ] as Record<string, string>[]) {
      const answer = await get('/api/manage/products', { headers: refused });
      expect(answer.status, JSON.stringify(refused)).toBe(401);
      expect(answer.body.field).toBe('x-catalog-key');
    }
    expect((await get(`/api/manage/products?code=${stack.keys.masterKey}`)).status).toBe(401);
    expect((await get('/api/manage/products', { headers: { authorization: `Bearer ${stack.catalogKey}` } })).status).toBe(200);
    const before = await get(`/api/recommendations?userId=${customer}&n=5&mode=all`);
    const top = before.body.items.map((i: { id: string }) => i.id) as string[];
    // A catalog with every modelled product available except the first recommendation.
    for (const id of top) {
      const put = await get(`/api/manage/products/${encodeURIComponent(id)}`, { method: 'PUT', headers: key, body: JSON.stringify({ title: `Product ${id}`, category: 'gifts', price: 2.5, available: id !== top[0] }) });
      expect([200, 201]).toContain(put.status);
    }
    const bad = await get('/api/manage/products/x1', { method: 'PUT', headers: key, body: JSON.stringify({ title: '', price: -1, available: 'yes' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/title/);
    expect(bad.body.error).toMatch(/price/);
    const after = await get(`/api/recommendations?userId=${customer}&n=5&mode=all`);
    expect(after.status).toBe(200);
    const ids = after.body.items.map((i: { id: string }) => i.id);
    expect(ids).not.toContain(top[0]);
    expect(ids.every((id: string) => top.includes(id))).toBe(true); // the catalog now holds only these
    expect(after.body.items.find((i: { id: string }) => i.id === top[1])).toMatchObject({ title: `Product ${top[1]}`, category: 'gifts', price: 2.5 });
    expect((await get(`/api/manage/products/${encodeURIComponent(top[1])}`, { headers: key })).status).toBe(200);
    expect((await get(`/api/manage/products/${encodeURIComponent(top[1])}`, { method: 'DELETE', headers: key })).status).toBe(204);
    expect((await get('/api/manage/products/NOPE', { headers: key })).status).toBe(404);
  });
});
