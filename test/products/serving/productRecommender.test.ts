// Freshness: a shopper's events newer than the model (from their profile) change the next
// recommendation; unavailable products never appear; no model yet → the catalog in order.
import { describe, expect, it } from 'vitest';
import { decodeProductArtifact, encodeProductArtifact } from '../../../src/products/model/productArtifact';
import { ProductRecommender, withRecentEvents } from '../../../src/products/serving/productRecommender';
import type { CatalogView, StoredProduct } from '../../../src/products/catalog/productStore';
import { trainProductModel } from '../../../src/recommendations/trainProductModel';
import { clusteredLog } from '../../recommendations/fixtures';

const log = clusteredLog({ users: 120, items: 60, groups: 4, days: 200, basketsPerUser: 6, seed: 4 });
const served = decodeProductArtifact(encodeProductArtifact(trainProductModel(log, { rescorer: false }), log.userSegment));
const emptyCatalog: CatalogView = { products: new Map(), known: false };
const after = (minutes: number) => new Date(served.model.nowMs + minutes * 60_000).toISOString();

describe('product recommender', () => {
  it('turns a new shopper\'s first product views into personal recommendations at once', async () => {
    const recent = new Map<string, { productId: string; at: string; type: string }[]>();
    const r = new ProductRecommender({ model: () => served, catalog: async () => emptyCatalog, recent: async (k) => recent.get(k), rankCandidates: 50 });
    const cold = await r.recommend({ userKey: 'newcomer', anonymous: true, n: 5, mode: 'all', context: {} });
    expect(cold.source).toBe('cold-start');
    // Views of group-3 products (p45 … p59).
    recent.set('newcomer', [45, 47, 50, 52].map((i, k) => ({ productId: `p${i}`, at: after(k), type: 'product_view' })));
    const warm = await r.recommend({ userKey: 'newcomer', anonymous: true, n: 5, mode: 'new', context: {} });
    expect(warm.source).toBe('model');
    const ids = warm.items.map((i) => Number(i.id.slice(1)));
    expect(ids.filter((i) => i >= 45).length).toBeGreaterThanOrEqual(3);
  });

  it('merges events newer than the model into a known history, counting purchases', () => {
    const base = { items: Int32Array.of(0), affinity: Float32Array.of(1), purchases: Int32Array.of(0), lastMs: Float64Array.of(served.model.nowMs - 1) };
    const merged = withRecentEvents(served, base, [
      { productId: served.model.items[0], at: after(1), type: 'purchase' },
      { productId: served.model.items[1], at: after(2), type: 'add_to_cart' },
      { productId: served.model.items[2], at: new Date(served.model.nowMs - 1).toISOString(), type: 'purchase' }, // already in the model
      { productId: 'unknown', at: after(3), type: 'purchase' },
      { productId: served.model.items[3], at: after(3), type: 'offer_view' },
    ])!;
    expect(Array.from(merged.items)).toEqual([0, 1]);
    expect(Array.from(merged.purchases)).toEqual([1, 0]);
    expect(merged.affinity[0]).toBeGreaterThan(5);
  });

  it('starts the profile read before the catalog and scoring, and rescores a known shopper only when it brings newer events', async () => {
    const shopper = served.userIds[3];
    const order: string[] = [];
    let recent: { productId: string; at: string; type: string }[] | undefined;
    const r = new ProductRecommender({
      model: () => served,
      catalog: async () => {
        order.push('catalog');
        return emptyCatalog;
      },
      recent: async () => {
        order.push('profile');
        return recent;
      },
      rankCandidates: 50,
    });
    const plain = new ProductRecommender({ model: () => served, catalog: async () => emptyCatalog, rankCandidates: 50 });
    const request = { userKey: shopper, anonymous: false, n: 10, mode: 'all' as const, context: {} };
    // Events the model already holds: the speculative candidates are the answer.
    recent = [{ productId: served.model.items[5], at: new Date(served.model.nowMs - 60_000).toISOString(), type: 'purchase' }];
    const same = await r.recommend(request);
    expect(order).toEqual(['profile', 'catalog']);
    expect(same.items).toEqual((await plain.recommend(request)).items);
    // Purchases after the model: scored again with them merged.
    recent = [50, 52, 55].map((i, k) => ({ productId: `p${i}`, at: after(k), type: 'purchase' }));
    const fresh = await r.recommend(request);
    expect(fresh.items.map((i) => i.id)).not.toEqual(same.items.map((i) => i.id));
  });

  it('never recommends an unavailable product, and serves the catalog before any model exists', async () => {
    const product = (id: string, available: boolean): StoredProduct => ({ id, title: id, category: 'c', price: 1, available, features: {}, updatedAt: '' });
    const catalog: CatalogView = { products: new Map(served.model.items.map((id, i) => [id, product(id, i % 2 === 0)])), known: true };
    const r = new ProductRecommender({ model: () => served, catalog: async () => catalog, rankCandidates: 50 });
    const res = await r.recommend({ userKey: served.userIds[0], anonymous: false, n: 10, mode: 'all', context: {} });
    expect(res.items.every((i) => catalog.products.get(i.id)!.available)).toBe(true);
    const none = new ProductRecommender({ model: () => undefined, catalog: async () => catalog, rankCandidates: 50 });
    const first = await none.recommend({ n: 3, anonymous: true, mode: 'all', context: {} });
    expect(first).toMatchObject({ source: 'cold-start', modelVersion: null });
    // The catalog's order (the store lists by id).
    expect(first.items.map((i) => i.id)).toEqual([...catalog.products.values()].filter((p) => p.available).slice(0, 3).map((p) => p.id));
  });
});
