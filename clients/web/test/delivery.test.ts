// The delivery logic of the browser library in Node: batching, retries with backoff and
// Retry-After, ids kept across retries, the persistent bounded queue, consent, beacons.
import { describe, expect, it } from 'vitest';
import { createPersonalization, retryAfterMs, retryDelay, type PersonalizationOptions } from '../src/index';
import { MemoryStore, ScriptedTransport, sleep, until } from './fakes';

function tracker(transport: ScriptedTransport, store = new MemoryStore(), options: PersonalizationOptions = {}) {
  const errors: string[] = [];
  const p = createPersonalization({
    endpoint: 'https://fn.example', consent: true, pageViews: false, transport, storage: store,
    batchSize: 3, flushIntervalMs: 40, retryBaseMs: 20, retryMaxMs: 200, onError: (m) => errors.push(m), ...options,
  });
  return { p, store, errors };
}

describe('batching', () => {
  it('sends a full batch at once and the rest after the flush interval', async () => {
    const t = new ScriptedTransport();
    const { p } = tracker(t);
    const start = Date.now();
    for (let i = 0; i < 4; i++) p.track('product_view', { productId: `p${i}` });
    await until(() => t.sent.length === 1);
    expect(t.sent[0].events.map((e) => e.productId)).toEqual(['p0', 'p1', 'p2']);
    expect(t.sent[0].at - start).toBeLessThan(30);
    await until(() => t.sent.length === 2);
    expect(t.sent[1].events.map((e) => e.productId)).toEqual(['p3']);
    expect(t.sent[1].at - start).toBeGreaterThanOrEqual(35);
    expect(t.sent[0].url).toBe('https://fn.example/api/events?partial=true');
    expect(t.sent[0].keepalive).toBe(true);
  });

  it('fills every event: client-made id, anonymous id, ISO timestamp', async () => {
    const t = new ScriptedTransport();
    const { p } = tracker(t, undefined, { batchSize: 1 });
    const id = p.track('add_to_cart', { productId: 'p1', quantity: 2, value: 12.5, currency: 'EUR' });
    await until(() => t.sent.length === 1);
    const e = t.sent[0].events[0];
    expect(e.id).toBe(id);
    expect(e.anonymousId).toBe(p.anonymousId);
    expect(Number.isNaN(Date.parse(e.timestamp as string))).toBe(false);
    expect(e).toMatchObject({ type: 'add_to_cart', productId: 'p1', quantity: 2, value: 12.5, currency: 'EUR' });
  });
});

describe('retries', () => {
  it('retries network errors with growing delays and the same event ids until delivered', async () => {
    const t = new ScriptedTransport();
    t.replies.push('network-error', 'network-error', 'network-error');
    const { p } = tracker(t, undefined, { batchSize: 2, retryBaseMs: 30, random: () => 0.999 });
    const ids = [p.track('page_view', {}), p.track('page_view', {})];
    await until(() => t.sent.length === 4);
    expect(t.sent.map((s) => s.events.map((e) => e.id))).toEqual([ids, ids, ids, ids]);
    const gaps = t.sent.slice(1).map((s, i) => s.at - t.sent[i].at);
    // ≈30, 60, 120 ms: each at least the jittered floor (half the ceiling) and growing.
    expect(gaps[0]).toBeGreaterThanOrEqual(25);
    expect(gaps[1]).toBeGreaterThanOrEqual(55);
    expect(gaps[2]).toBeGreaterThanOrEqual(110);
    await sleep(100);
    expect(t.sent).toHaveLength(4);
  });

  it('on a 503 sends again only the events Event Hubs did not take, no sooner than Retry-After', async () => {
    const t = new ScriptedTransport();
    t.replies.push({ status: 503, retryAfter: '0.3', body: { accepted: 1, failed: [{ index: 1 }, { index: 2 }] } });
    const { p } = tracker(t);
    const ids = [p.track('page_view', {}), p.track('page_view', {}), p.track('page_view', {})];
    await until(() => t.sent.length === 2);
    expect(t.sent[1].events.map((e) => e.id)).toEqual([ids[1], ids[2]]);
    expect(t.sent[1].at - t.sent[0].at).toBeGreaterThanOrEqual(290);
  });

  it('retries 429 and 5xx answers; drops a batch the server refuses as invalid and reports it', async () => {
    const t = new ScriptedTransport();
    t.replies.push({ status: 429, retryAfter: null }, { status: 500 }, { status: 400, body: { error: '[0].productId is required' } });
    const { p, errors } = tracker(t, undefined, { batchSize: 1 });
    p.track('page_view', {});
    await until(() => t.sent.length === 3);
    await sleep(150);
    expect(t.sent).toHaveLength(3);
    expect(errors.join()).toContain('productId is required');
  });

  it('halves the batch on a 413 and delivers everything', async () => {
    const t = new ScriptedTransport();
    t.replies.push({ status: 413 });
    const { p } = tracker(t, undefined, { batchSize: 4 });
    const ids = [1, 2, 3, 4].map(() => p.track('page_view', {}));
    await until(() => t.ids().length >= 8);
    expect(t.sent.map((s) => s.events.length)).toEqual([4, 2, 2]);
    expect(t.sent.slice(1).flatMap((s) => s.events.map((e) => e.id))).toEqual(ids);
  });

  it('computes delays: exponential, capped, jittered within [half, whole), at least Retry-After', () => {
    expect(retryDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelay(3, 1000, 60_000, () => 0.999)).toBeLessThanOrEqual(4000);
    expect(retryDelay(3, 1000, 60_000, () => 0.999)).toBeGreaterThan(3900);
    expect(retryDelay(30, 1000, 60_000, () => 0.5)).toBe(45_000);
    expect(retryDelay(1, 1000, 60_000, () => 0, 7000)).toBe(7000);
    expect(retryAfterMs('5', 0)).toBe(5000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBe(0);
    expect(retryAfterMs(null, 0)).toBe(0);
  });
});

describe('offline queue', () => {
  it('keeps unsent events in storage and sends them, once, from the next page', async () => {
    const s = new MemoryStore();
    const down = new ScriptedTransport();
    for (let i = 0; i < 50; i++) down.replies.push('network-error');
    const page1 = tracker(down, s, { retryBaseMs: 10_000 });
    const queued = [page1.p.track('page_view', {}), page1.p.track('add_to_cart', { productId: 'p1' })];
    await until(() => down.sent.length === 1);
    const up = new ScriptedTransport();
    const page2 = tracker(up, s);
    expect(page2.p.anonymousId).toBe(page1.p.anonymousId);
    await until(() => up.sent.length === 1);
    expect(up.ids()).toEqual(queued);
    await sleep(100);
    expect(up.ids()).toEqual(queued);
    expect(JSON.parse(s.getItem('pz.queue')!)).toEqual([]);
  });

  it('is bounded: past maxQueue the oldest events are dropped and reported', async () => {
    const t = new ScriptedTransport();
    for (let i = 0; i < 50; i++) t.replies.push('network-error');
    const { p, store, errors } = tracker(t, undefined, { maxQueue: 5, batchSize: 100, flushIntervalMs: 10_000 });
    const ids = Array.from({ length: 8 }, () => p.track('page_view', {}));
    expect((JSON.parse(store.getItem('pz.queue')!) as { id: string }[]).map((e) => e.id)).toEqual(ids.slice(3));
    expect(errors.join()).toContain('dropped the 1 oldest');
  });
});

describe('consent', () => {
  it('sends and stores nothing before consent, and erases everything when it is withdrawn', async () => {
    const t = new ScriptedTransport();
    const store = new MemoryStore();
    const p = createPersonalization({ endpoint: 'https://fn.example', transport: t, storage: store, flushIntervalMs: 10 });
    expect(p.track('page_view', {})).toBeUndefined();
    p.identify('u-1', 'token');
    await sleep(50);
    expect(t.sent).toHaveLength(0);
    expect(store.writes).toBe(0);
    expect(p.anonymousId).toBeUndefined();

    p.consent(true); // tracks the page view of this page
    await until(() => t.sent.length === 1);
    expect(t.sent[0].events.map((e) => e.type)).toEqual(['page_view']);
    expect(store.map.size).toBeGreaterThan(0);

    p.consent(false);
    expect(store.map.size).toBe(0);
    expect(p.track('page_view', {})).toBeUndefined();
    await sleep(50);
    expect(t.sent).toHaveLength(1);
  });
});

describe('identity and rewards', () => {
  it('identify adds the signed user to later events with the anonymous id; reset starts a new anonymous id', async () => {
    const t = new ScriptedTransport();
    const { p } = tracker(t, undefined, { batchSize: 1 });
    const anonymous = p.anonymousId;
    p.track('page_view', {});
    p.identify('u-42', 'signed-token');
    p.track('page_view', {});
    p.reset();
    p.track('page_view', {});
    await until(() => t.sent.length === 3);
    const [before, after, out] = t.sent.map((s) => s.events[0]);
    expect(before.userId).toBeUndefined();
    expect(after).toMatchObject({ userId: 'u-42', userToken: 'signed-token', anonymousId: anonymous });
    expect(out.userId).toBeUndefined();
    expect(out.anonymousId).not.toBe(anonymous);
  });

  it('carries the decision event id into product and offer events', async () => {
    const t = new ScriptedTransport();
    const { p } = tracker(t, undefined, { batchSize: 3 });
    p.productClicked('p-7', 'ev-rec');
    p.offerShown('spring', 'ev-rank');
    p.offerClicked('spring', 'ev-rank');
    await until(() => t.sent.length === 1);
    expect(t.sent[0].events.map((e) => [e.type, e.productId ?? e.offerId, e.decisionId])).toEqual([
      ['product_view', 'p-7', 'ev-rec'], ['offer_view', 'spring', 'ev-rank'], ['offer_click', 'spring', 'ev-rank'],
    ]);
  });

  it('asks the read routes with the shopper id and query parameters', async () => {
    const t = new ScriptedTransport();
    const { p } = tracker(t);
    await p.getRecommendations({ n: 5, mode: 'new' });
    p.identify('u 1', 'x');
    await p.getOffers({ n: 2 });
    await p.getSimilar('85123A', 4);
    expect(t.gets).toEqual([
      `https://fn.example/api/recommendations?anonymousId=${p.anonymousId}&n=5&mode=new`,
      'https://fn.example/api/offers?userId=u%201&n=2',
      'https://fn.example/api/products/85123A/similar?n=4',
    ]);
    t.getAnswer = { status: 400, retryAfter: null, body: { error: 'n: must be an integer from 1 to 50' } };
    await expect(p.getRecommendations({ n: 99 })).rejects.toThrow('n: must be an integer');
  });
});

describe('page going away', () => {
  it('hands queued events to sendBeacon and keeps them when the browser refuses', async () => {
    const t = new ScriptedTransport();
    const { p, store } = tracker(t, undefined, { batchSize: 10, flushIntervalMs: 10_000 });
    const ids = [p.track('page_view', {}), p.track('page_view', {})];
    t.beaconAccepts = false;
    (p as unknown as { delivery: { sendBeforeUnload(): void } }).delivery.sendBeforeUnload();
    expect(t.sent).toHaveLength(0);
    expect(JSON.parse(store.getItem('pz.queue')!)).toHaveLength(2);
    t.beaconAccepts = true;
    (p as unknown as { delivery: { sendBeforeUnload(): void } }).delivery.sendBeforeUnload();
    expect(t.sent.map((s) => s.by)).toEqual(['beacon']);
    expect(t.ids()).toEqual(ids);
    expect(JSON.parse(store.getItem('pz.queue')!)).toEqual([]);
  });
});
