import { describe, it, expect } from 'vitest';
import { buildFeatureMatrix, buildFeatureRow, fnv1a32 } from '../../src/features/featureBuilder';
import { columnNames, contractWidth, parseFeatureContract, type FeatureContract } from '../../src/features/featureContract';
import { flattenFeatures } from '../../src/features/flattenFeatures';
import { profileViewFromDocument } from '../../src/features/profileView';
import { computePriors, priorFor } from '../../src/features/priors';
import { segmentOf } from '../../src/features/segment';

const contract: FeatureContract = {
  version: 1,
  features: [
    { name: 'device', source: 'context', key: 'device', encoding: { type: 'onehot', vocabulary: ['desktop', 'mobile'] } },
    { name: 'page', source: 'context', key: 'page', encoding: { type: 'hash', buckets: 8 } },
    { name: 'category', source: 'action', key: 'category', encoding: { type: 'onehot', vocabulary: ['shoes', 'bags'] } },
    { name: 'price', source: 'action', key: 'price', encoding: { type: 'numeric', transform: 'log1p' } },
    { name: 'sale', source: 'action', key: 'tags.sale', encoding: { type: 'boolean' } },
    { name: 'known', source: 'profile', field: 'known' },
    { name: 'events', source: 'profile', field: 'events', default: -1 },
    { name: 'clicks', source: 'profile', field: 'count.offer_click' },
    { name: 'affinity', source: 'profileAction', field: 'categoryAffinity', actionKey: 'category' },
    { name: 'share', source: 'profileAction', field: 'categoryShare', actionKey: 'category' },
    { name: 'recent', source: 'profileAction', field: 'recentProduct', actionKey: 'productId' },
    { name: 'prior', source: 'prior' },
  ],
};

const now = Date.UTC(2025, 4, 10, 12);
const profile = profileViewFromDocument({
  events: 12,
  counts: { offer_click: 3, purchase: 1 } as never,
  purchases: 1,
  totalRevenue: 40,
  firstSeen: '2025-05-01T00:00:00.000Z',
  lastSeen: new Date(now - 7 * 86_400_000).toISOString(),
  categoryAffinity: { shoes: 2, bags: 6 },
  recentProducts: [{ productId: 'p-9', at: '2025-05-02T00:00:00.000Z', type: 'product_view' }] as never,
});

describe('feature contract', () => {
  it('computes the width and column names', () => {
    expect(contractWidth(contract)).toBe(2 + 8 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1);
    expect(columnNames(contract).slice(0, 4)).toEqual(['device=desktop', 'device=mobile', 'page#0', 'page#1']);
  });

  it.each([
    [{ version: 2, features: [] }, 'features.version'],
    [{ version: 1, features: [] }, 'features.features'],
    [{ version: 1, features: [{ name: 'a', source: 'prior' }, { name: 'a', source: 'prior' }] }, 'features.features[1].name: "a" is used twice'],
    [{ version: 1, features: [{ name: 'a', source: 'context', key: 'x', encoding: { type: 'onehot', vocabulary: ['x', 'x'] } }] }, 'features.features[0].encoding.vocabulary'],
    [{ version: 1, features: [{ name: 'a', source: 'context', key: 'x', encoding: { type: 'hash', buckets: 0 } }] }, 'features.features[0].encoding.buckets'],
    [{ version: 1, features: [{ name: 'a', source: 'profile', field: 'shoeSize' }] }, 'features.features[0].field'],
    [{ version: 1, features: [{ name: 'a', source: 'weather' }] }, 'features.features[0].source'],
  ])('refuses %j naming the field', (input, expected) => {
    const r = parseFeatureContract(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(expected);
  });
});

describe('feature builder', () => {
  const context = flattenFeatures([{ device: 'mobile' }, { page: '/home' }]);
  const action = flattenFeatures([{ category: 'bags', price: 99, productId: 'p-9' }, { tags: { sale: 1 } }]);

  it('encodes context, action, profile, cross and prior features in contract order', () => {
    const row = buildFeatureRow({ context, action, profile, prior: 0.3, nowMs: now }, contract);
    expect(row.length).toBe(contractWidth(contract));
    expect([...row.subarray(0, 2)]).toEqual([0, 1]);
    const page = row.subarray(2, 10);
    expect(page[fnv1a32('/home') % 8]).toBe(1);
    expect(page.reduce((a, b) => a + b, 0)).toBe(1);
    expect([...row.subarray(10, 12)]).toEqual([0, 1]);
    expect(row[12]).toBeCloseTo(Math.log1p(99), 5);
    expect(row[13]).toBe(1);
    expect(row[14]).toBe(1);
    expect(row[15]).toBe(12);
    expect(row[16]).toBe(3);
    // Affinity 6 decayed over one 7-day half-life since lastSeen.
    expect(row[17]).toBeCloseTo(3, 5);
    expect(row[18]).toBeCloseTo(6 / 8, 6);
    expect(row[19]).toBe(1);
    expect(row[20]).toBeCloseTo(0.3, 6);
  });

  it('uses defaults for unknown users and missing values', () => {
    const row = buildFeatureRow({ context: new Map(), action: flattenFeatures([{ category: 'hats' }]), profile: undefined, prior: 0.5, nowMs: now }, contract);
    expect([...row.subarray(0, 14)].every((v) => v === 0)).toBe(true);
    expect(row[14]).toBe(0);
    expect(row[15]).toBe(-1);
    expect(row[16]).toBe(0);
    expect(row[20]).toBe(0.5);
  });

  it('builds the batch matrix row by row with the same function', () => {
    const other = flattenFeatures([{ category: 'shoes', price: '12.5' }]);
    const m = buildFeatureMatrix(context, [{ features: action, prior: 0.3 }, { features: other, prior: 0.7 }], profile, now, contract);
    const w = contractWidth(contract);
    expect([...m.subarray(0, w)]).toEqual([...buildFeatureRow({ context, action, profile, prior: 0.3, nowMs: now }, contract)]);
    expect([...m.subarray(w)]).toEqual([...buildFeatureRow({ context, action: other, profile, prior: 0.7, nowMs: now }, contract)]);
    expect(m[w + 12]).toBeCloseTo(Math.log1p(12.5), 5);
  });

  it('flattens Personalizer features to dotted paths, later objects winning', () => {
    const f = flattenFeatures([{ a: { b: 1, c: [0.5, 2] } }, { a: { b: 3 } }, { s: 'x', t: true, n: null }]);
    expect(Object.fromEntries(f)).toEqual({ 'a.b': 3, 'a.c.0': 0.5, 'a.c.1': 2, s: 'x', t: true });
  });
});

describe('cold-start priors and segments', () => {
  it('Beta-smooths each offer toward the overall rate, and segments toward the offer', () => {
    const docs = [
      { offerId: 'a', views: 90, decisions: 10, clicks: 30, rewardSum: 0 },
      { offerId: 'b', views: 10, clicks: 1 },
      { offerId: 'a', segment: 'mobile|new', views: 10, clicks: 8 },
    ];
    const t = computePriors(docs, 20, new Date(now));
    const globalRate = (31 + 1) / (110 + 2);
    expect(t.globalRate).toBeCloseTo(globalRate, 12);
    expect(t.offers.a).toBeCloseTo((30 + globalRate * 20) / (100 + 20), 12);
    expect(t.offers.b).toBeCloseTo((1 + globalRate * 20) / (10 + 20), 12);
    expect(t.segments['mobile|new'].a).toBeCloseTo((8 + t.offers.a * 20) / (10 + 20), 12);
    expect(priorFor(t, 'mobile|new', 'a')).toBe(t.segments['mobile|new'].a);
    expect(priorFor(t, 'desktop|new', 'a')).toBe(t.offers.a);
    expect(priorFor(t, 'desktop|new', 'zzz')).toBe(t.globalRate);
  });

  it('caps successes at trials and ignores malformed documents', () => {
    const t = computePriors([{ offerId: 'a', views: 2, clicks: 50 }, { offerId: 7 }, { views: 3 }], 10);
    expect(t.offers.a).toBeLessThanOrEqual(1);
    expect(Object.keys(t.offers)).toEqual(['a']);
  });

  it('tells new from returning users and reads the device', () => {
    expect(segmentOf(flattenFeatures([{ device: 'Mobile' }]), undefined, now)).toBe('mobile|new');
    expect(segmentOf(flattenFeatures([{ device: { type: 'fridge' } }]), profile, now)).toBe('other|returning');
    expect(segmentOf(new Map(), undefined, now)).toBe('unknown|new');
  });
});
