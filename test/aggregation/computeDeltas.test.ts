import { describe, expect, it } from 'vitest';
import { computeDeltas, rebuildDelta, type AggregateDelta, type ProfileDelta } from '../../src/aggregation/deltas';
import { checkTrackedEvent } from '../../src/events/eventValidation';
import { addEventToProfile, emptyProfile, eventIdKey, mergeProfiles, placeCounted, profileFromDocument, profileToFields, RECENT_EVENT_IDS_MAX, RECENT_PRODUCTS_MAX } from '../../src/aggregation/profile';
import { foldDelta, locate } from '../../src/aggregation/documents';
import type { TrackedEvent } from '../../src/events/eventSchema';
import type { ReceivedEvent } from '../../src/events/receivedBatch';
import { batchOf } from './fixtures/generatedEvents';

const base = { schemaVersion: 1, receivedAt: '2024-03-04T10:00:00.000Z' };
const ev = (over: Partial<TrackedEvent> & Pick<TrackedEvent, 'id' | 'type' | 'timestamp'>): TrackedEvent => ({ ...base, userId: 'u1', ...over });
const received = (bodies: unknown[], firstSeq = 0): ReceivedEvent[] =>
  bodies.map((body, i) => ({ body, sequenceNumber: firstSeq + i, offset: String(i), enqueuedTimeUtc: new Date(0), properties: {} }));

describe('poison detection', () => {
  const good = ev({ id: 'g', type: 'page_view', timestamp: '2024-03-04T09:00:00Z' });
  const cases: [string, unknown, RegExp][] = [
    ['bytes that are not JSON', Buffer.from('{oops'), /^body: is not valid JSON/],
    ['a JSON array', [good], /^body: is not a JSON object/],
    ['null', null, /^body/],
    ['an unknown type', { ...good, type: 'teleport' }, /^type: must be one of/],
    ['no id', { ...good, id: undefined }, /^id: is required/],
    ['no user', { ...good, userId: undefined }, /^userId/],
    ['a numeric userId', { ...good, userId: 42 }, /^userId: must be a string/],
    ['no timestamp', { ...good, timestamp: undefined }, /^timestamp: is required/],
    ['a bad timestamp', { ...good, timestamp: 'yesterday' }, /^timestamp: is not an ISO/],
    ['product_view without productId', { ...good, type: 'product_view' }, /^productId: is required \(type product_view\)/],
    ['offer_click without offerId', { ...good, type: 'offer_click' }, /^offerId: is required/],
    ['purchase without value', { ...good, type: 'purchase', productId: 'p' }, /^value: is required/],
    ['a negative purchase', { ...good, type: 'purchase', productId: 'p', value: -1 }, /^value/],
    ['a string value', { ...good, value: '3' }, /^value: must be a finite number/],
    ['a fractional quantity', { ...good, quantity: 1.5 }, /^quantity/],
    ['a non-object context', { ...good, context: 'web' }, /^context: must be an object/],
    ['a numeric channel', { ...good, context: { channel: 3 } }, /^context\.channel/],
  ];
  it.each(cases)('%s is poison with a reason naming the field', (_name, body, reason) => {
    const result = checkTrackedEvent(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('accepts parsed JSON, JSON text and JSON bytes', () => {
    for (const body of [good, JSON.stringify(good), Buffer.from(JSON.stringify(good)), new TextEncoder().encode(JSON.stringify(good))]) {
      expect(checkTrackedEvent(body)).toMatchObject({ ok: true, timeMs: Date.parse('2024-03-04T09:00:00Z') });
    }
  });

  it('poison events are returned and the rest of the batch is still counted', () => {
    const computed = computeDeltas(batchOf('0', received([good, 'garbage', { ...good, id: 'g2' }])), [60]);
    expect(computed.poison.map((p) => [p.event.sequenceNumber, p.reason])).toEqual([[1, 'body: is not valid JSON']]);
    expect(computed.events.map((e) => e.sequenceNumber)).toEqual([0, 2]);
    const pageViews = computed.deltas.find((d): d is AggregateDelta => d.target === 'aggregates' && d.kind === 'eventType');
    expect(pageViews?.counters.count).toBe(2);
  });
});

describe('computeDeltas', () => {
  const events = [
    ev({ id: '1', type: 'offer_view', offerId: 'o1', timestamp: '2024-03-03T23:10:00Z', context: { channel: 'web' } }),
    ev({ id: '2', type: 'offer_click', offerId: 'o1', timestamp: '2024-03-03T23:20:00Z', context: { channel: 'web' } }),
    ev({ id: '3', type: 'purchase', productId: 'p1', value: 10.5, quantity: 2, timestamp: '2024-03-04T00:05:00Z', category: 'shoes' }),
    ev({ id: '4', type: 'purchase', productId: 'p1', value: 4.25, timestamp: '2024-03-04T00:06:00Z', userId: undefined, anonymousId: 'a1' }),
    ev({ id: '5', type: 'reward', value: 1, decision: { rewardActionId: 'o1' }, timestamp: '2024-03-04T00:07:00Z' }),
  ];
  const computed = computeDeltas(batchOf('3', received(events, 100)), [60, 1440]);
  const find = (kind: string, minutes: number, start: string) =>
    computed.deltas.find(
      (d): d is AggregateDelta => d.target === 'aggregates' && d.kind === kind && d.windowMinutes === minutes && new Date(d.windowStartMs).toISOString() === start,
    );

  it('splits events into the windows of their own timestamps and merges per document', () => {
    expect(find('offer', 60, '2024-03-03T23:00:00.000Z')?.counters).toEqual({ views: 1, clicks: 1, decisions: 0, rewards: 0, rewardSum: 0, activations: 0 });
    expect(find('offer', 60, '2024-03-04T00:00:00.000Z')?.counters).toMatchObject({ rewards: 1, rewardSum: 1 });
    expect(find('offer', 1440, '2024-03-04T00:00:00.000Z')?.counters).toMatchObject({ views: 0, rewards: 1 });
    expect(find('product', 1440, '2024-03-04T00:00:00.000Z')?.counters).toEqual({
      views: 0, addToCarts: 0, removeFromCarts: 0, purchases: 2, quantity: 3, revenue: 14.75,
    });
    const direct = computed.deltas.filter((d): d is AggregateDelta => d.target === 'aggregates' && d.kind === 'channel' && d.keyValue === 'direct' && d.windowMinutes === 1440);
    expect(direct).toHaveLength(1);
    expect(direct[0].keyFields).toEqual({ webChannel: 'direct', dayOfWeek: 1, hourOfDay: 0 });
    expect(direct[0].counters).toMatchObject({ events: 3, purchases: 2, rewards: 1, revenue: 14.75 });
    const sundayWeb = find('channel', 1440, '2024-03-03T00:00:00.000Z');
    expect(sundayWeb?.keyFields).toEqual({ webChannel: 'web', dayOfWeek: 7, hourOfDay: 23 });
    expect(find('product', 60, '2024-03-04T00:00:00.000Z')?.minSeq).toBe(102);
    expect(find('product', 60, '2024-03-04T00:00:00.000Z')?.maxSeq).toBe(103);
  });

  it('counts campaign touches and responses as events of their type, not as web-channel traffic', () => {
    const campaignEvents = [
      ev({ id: 't1', type: 'campaign_touch', leadId: 'L1', campaignId: 'C1', channel: 'sms', timestamp: '2024-03-04T09:00:00Z' } as Partial<TrackedEvent> & Pick<TrackedEvent, 'id' | 'type' | 'timestamp'>),
      ev({ id: 'r1', type: 'campaign_response', leadId: 'L1', campaignId: 'C1', touchId: 't1', timestamp: '2024-03-04T09:30:00Z' }),
      ev({ id: 'p1', type: 'page_view', timestamp: '2024-03-04T09:40:00Z' }),
    ];
    const out = computeDeltas(batchOf('3', received(campaignEvents, 200)), [1440]);
    const aggregates = out.deltas.filter((d): d is AggregateDelta => d.target === 'aggregates');
    expect(aggregates.filter((d) => d.kind === 'eventType').map((d) => d.keyValue).sort()).toEqual(['campaign_response', 'campaign_touch', 'page_view']);
    const web = aggregates.filter((d) => d.kind === 'channel');
    // Only the page view: the touch's SMS is a contact channel, and it is not `direct` web traffic.
    expect(web.map((d) => [d.keyFields.webChannel, d.counters.events])).toEqual([['direct', 1]]);
    // They count per campaign instead: contacts by contact channel, and responses as they arrive.
    const campaign = aggregates.filter((d) => d.kind === 'campaign');
    expect(campaign.map((d) => [d.keyFields, d.counters])).toEqual([
      [{ campaignId: 'C1' }, { touches: 1, emailTouches: 0, smsTouches: 1, callTouches: 0, responses: 1 }],
    ]);
  });

  it('ids and partition keys are deterministic and valid', () => {
    const offer = find('offer', 60, '2024-03-03T23:00:00.000Z')!;
    expect(locate(offer)).toEqual({ container: 'aggregates', id: 'offer:o1:60:20240303T2300Z', partitionKey: 'offer:o1:2024' });
    const profile = computed.deltas.find((d): d is ProfileDelta => d.target === 'profiles' && d.userKey === 'a1')!;
    expect(locate(profile)).toEqual({ container: 'profiles', id: 'a1', partitionKey: 'a1' });
    expect(profile.anonymous).toBe(true);
  });

  it('rebuilds a delta without the events a document already applied', () => {
    const product = find('product', 1440, '2024-03-04T00:00:00.000Z')!;
    const rest = rebuildDelta(product, computed.events, 102) as AggregateDelta;
    expect(rest.counters).toMatchObject({ purchases: 1, quantity: 1, revenue: 4.25 });
    expect([rest.minSeq, rest.maxSeq]).toEqual([103, 103]);
    const doc = foldDelta(undefined, rest, locate(product), '3');
    expect(doc).toMatchObject({ id: 'product:p1:1440:20240304T0000Z', pk: 'product:p1:2024', kind: 'product', productId: 'p1', windowStart: '2024-03-04T00:00:00.000Z', windowEnd: '2024-03-05T00:00:00.000Z', date: '2024-03-04', purchases: 1, applied: { '3': 103 } });
    const again = foldDelta(doc, rebuildDelta(product, computed.events, 101), locate(product), '7');
    expect(again).toMatchObject({ purchases: 3, quantity: 4, revenue: 19, applied: { '3': 103, '7': 103 } });
  });
});

describe('profiles', () => {
  const at = (minute: number) => `2024-03-04T10:${String(minute).padStart(2, '0')}:00.000Z`;
  it('counts, first/last seen, last purchase, revenue and a bounded most-recent-first product list', () => {
    const p = emptyProfile();
    for (let i = 0; i < 30; i++) {
      const e = ev({ id: `v${i}`, type: 'product_view', productId: `p${i % 25}`, timestamp: at(i), category: i % 2 ? 'hats' : 'shoes' });
      addEventToProfile(p, e, Date.parse(e.timestamp));
    }
    const buy = ev({ id: 'b', type: 'purchase', productId: 'p3', value: 12.5, currency: 'EUR', timestamp: at(5) });
    addEventToProfile(p, buy, Date.parse(buy.timestamp));
    const fields = profileToFields(p);
    expect(fields.events).toBe(31);
    expect(fields.counts).toMatchObject({ product_view: 30, purchase: 1, page_view: 0 });
    expect(fields.firstSeen).toBe(at(0));
    expect(fields.lastSeen).toBe(at(29));
    expect(fields.lastPurchase).toEqual({ at: at(5), productId: 'p3', value: 12.5, currency: 'EUR', eventId: 'b' });
    expect(fields.totalRevenue).toBe(12.5);
    expect(fields.recentProducts).toHaveLength(RECENT_PRODUCTS_MAX);
    expect(fields.recentProducts.slice(0, 3).map((r) => r.productId)).toEqual(['p4', 'p3', 'p2']);
    expect(fields.categoryCounts).toEqual({ hats: 15, shoes: 15 });
    expect(fields.categoryAffinity.hats).toBeGreaterThan(fields.categoryAffinity.shoes);
    expect(fields.categoryAffinity.hats).toBeLessThanOrEqual(15);
  });

  it('merging stored and new activity equals processing all of it at once, in any split', () => {
    const events = Array.from({ length: 12 }, (_, i) =>
      ev({ id: `e${i}`, type: i % 4 === 0 ? 'purchase' : 'add_to_cart', productId: `p${i % 5}`, value: i % 4 === 0 ? 1.1 * i : undefined, timestamp: `2024-03-0${1 + (i % 6)}T0${i % 9}:00:00.000Z`, category: `c${i % 3}` }),
    );
    const all = emptyProfile();
    for (const e of events) addEventToProfile(all, e, Date.parse(e.timestamp));
    const whole = profileToFields(all);
    for (const split of [1, 5, 11]) {
      const a = emptyProfile();
      const b = emptyProfile();
      events.forEach((e, i) => addEventToProfile(i < split ? a : b, e, Date.parse(e.timestamp)));
      // a goes through its stored form, as it does between batches.
      const stored = profileFromDocument(JSON.parse(JSON.stringify(profileToFields(a))));
      mergeProfiles(stored, b);
      const merged = profileToFields(stored);
      expect({ ...merged, categoryAffinity: undefined }).toEqual({ ...whole, categoryAffinity: undefined });
      for (const [c, s] of Object.entries(whole.categoryAffinity)) expect(merged.categoryAffinity[c]).toBeCloseTo(s, 12);
    }
  });
  it('remembers the last 100 ids, each at the place it was first counted, the same merged across batches as at once', () => {
    // 130 tracked events, where ids 20..29 come again later (a client re-sending them).
    const ids = [...Array.from({ length: 120 }, (_, i) => `id-${i}`), ...Array.from({ length: 10 }, (_, i) => `id-${20 + i}`)];
    const remember = (i: number) => ({ idKey: eventIdKey(ids[i]), place: `0/${i}/0` });
    const event = (i: number) => ev({ id: ids[i], type: 'page_view', timestamp: at(i % 60) });
    const all = emptyProfile();
    ids.forEach((_, i) => addEventToProfile(all, event(i), Date.parse(event(i).timestamp), remember(i)));
    const whole = profileToFields(all).recentEventIds;
    expect(whole).toHaveLength(RECENT_EVENT_IDS_MAX);
    expect(whole[0]).toBe(`${eventIdKey('id-20')} 0/20/0`); // the first 20 ids fell out; a repeat keeps its first place
    expect(whole.at(-1)).toBe(`${eventIdKey('id-119')} 0/119/0`);
    for (const split of [1, 25, 100, 125]) {
      const a = emptyProfile();
      const b = emptyProfile();
      ids.forEach((_, i) => addEventToProfile(i < split ? a : b, event(i), Date.parse(event(i).timestamp), remember(i)));
      const stored = profileFromDocument(JSON.parse(JSON.stringify(profileToFields(a))));
      mergeProfiles(stored, b);
      // A repeat in b of an id a counted keeps a's place, as in the whole run.
      expect(profileToFields(stored).recentEventIds).toEqual(whole);
    }
  });

  it('reads remembered ids back tolerantly: the earlier pair form, and a damaged field keeps its good entries', () => {
    const p = profileFromDocument({ recentEventIds: [['k1', '0/1/0'], 'junk', ['k2'], 'k3 0/3/0', 7] } as never);
    expect(profileToFields(p).recentEventIds).toEqual(['k1 0/1/0', 'k3 0/3/0']);
    expect(placeCounted(p.storedIds, 'k1')).toBe('0/1/0');
    expect(placeCounted(p.storedIds, 'k')).toBeUndefined();
    expect(profileToFields(profileFromDocument({ recentEventIds: 'broken' } as never)).recentEventIds).toEqual([]);
  });
});

describe('eventIdKey', () => {
  it('is 16 hex digits, the same for the same id, and different for 200,000 different ids', () => {
    expect(eventIdKey('evt-1')).toMatch(/^[0-9a-f]{16}$/);
    expect(eventIdKey('evt-1')).toBe(eventIdKey('evt-1'));
    const keys = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      keys.add(eventIdKey(`evt-${i}`));
      keys.add(eventIdKey(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    }
    expect(keys.size).toBe(200_000);
    // Order and length matter, and any code unit counts (a 128-character id, non-Latin text).
    expect(eventIdKey('ab')).not.toBe(eventIdKey('ba'));
    expect(eventIdKey('a')).not.toBe(eventIdKey('a\u0000'));
    expect(eventIdKey('x'.repeat(128))).not.toBe(eventIdKey(`${'x'.repeat(127)}y`));
    expect(eventIdKey('événement-1')).not.toBe(eventIdKey('evenement-1'));
  });
});
