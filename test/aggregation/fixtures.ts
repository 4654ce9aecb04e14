// Test data and an independent, deliberately plain ground truth for the aggregation tests.
import type { TrackedEvent } from '../../src/events/eventSchema';
import type { ReceivedBatch, ReceivedEvent } from '../../src/events/receivedBatch';

/** Small deterministic PRNG so failures reproduce. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['page_view', 'product_view', 'add_to_cart', 'remove_from_cart', 'purchase', 'offer_view', 'offer_click', 'decision', 'reward', 'activation'] as const;
const CHANNELS = ['web', 'app', 'email', undefined];
const CATEGORIES = ['shoes', 'bags', 'hats', 'coats', 'socks', 'belts'];

/** Events spread over ~3 days from Saturday 2024-03-02 20:00Z (crosses midnights and a week start). */
export function makeEvents(count: number, seed: number, users = 120): TrackedEvent[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const base = Date.parse('2024-03-02T20:00:00Z');
  const events: TrackedEvent[] = [];
  for (let i = 0; i < count; i++) {
    const type = pick(TYPES);
    // Unique milliseconds per event, so "most recent" never ties.
    const time = base + i * 150_000 + Math.floor(rnd() * 149_000);
    const user = Math.floor(rnd() * users);
    const anonymous = user % 7 === 0;
    const e: TrackedEvent = {
      id: `e${seed}-${i}`,
      type,
      schemaVersion: 1,
      timestamp: new Date(time).toISOString(),
      receivedAt: new Date(time + 50).toISOString(),
      ...(anonymous ? { anonymousId: `anon-${user}` } : { userId: `user-${user}` }),
    };
    const channel = pick(CHANNELS);
    if (channel) e.context = { channel };
    if (['product_view', 'add_to_cart', 'remove_from_cart', 'purchase'].includes(type)) {
      e.productId = `p-${Math.floor(rnd() * 25)}`;
      if (rnd() < 0.8) e.category = pick(CATEGORIES);
    }
    if (type === 'purchase') {
      e.value = Math.round(rnd() * 20000) / 100;
      if (rnd() < 0.5) e.quantity = 1 + Math.floor(rnd() * 3);
      e.currency = 'EUR';
    }
    if (type === 'offer_view' || type === 'offer_click') e.offerId = `offer/${Math.floor(rnd() * 8)}`;
    // The endpoint that decided, by position (no extra draws): every fourth reward or activation
    // comes from an event id signed before the source was ('unknown').
    const source = (['rank', 'offers', 'recommendations'] as const)[i % 3];
    if (type === 'decision') e.decision = { rewardActionId: `offer/${Math.floor(rnd() * 8)}`, policy: 'bandit', source, explored: i % 5 === 0 };
    if (type === 'activation') {
      e.offerId = `offer/${Math.floor(rnd() * 8)}`;
      if (i % 4 !== 0) e.decision = { source };
    }
    if (type === 'reward') {
      e.offerId = `offer/${Math.floor(rnd() * 8)}`;
      e.value = Math.round(rnd() * 100) / 100;
      if (i % 4 !== 0) e.decision = { source };
    }
    events.push(e);
  }
  return events;
}

export function partitionOf(e: TrackedEvent, partitions: number): string {
  const key = e.userId ?? e.anonymousId ?? '';
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return String(h % partitions);
}

/** The events of each partition with sequence numbers 0, 1, 2, … as Event Hubs would assign. */
const ENQUEUED_FROM = Date.parse('2024-03-05T00:00:00Z');

export function toPartitions(events: unknown[], partitions: number): Map<string, ReceivedEvent[]> {
  const out = new Map<string, ReceivedEvent[]>();
  for (let p = 0; p < partitions; p++) out.set(String(p), []);
  events.forEach((body, i) => {
    const e = body as TrackedEvent;
    const p = typeof e?.userId === 'string' || typeof e?.anonymousId === 'string' ? partitionOf(e, partitions) : String(i % partitions);
    const list = out.get(p)!;
    // Enqueued in sequence order, one millisecond apart, as a hub does; a redelivery keeps the time.
    list.push({ body, sequenceNumber: list.length, offset: String(list.length * 100), enqueuedTimeUtc: new Date(ENQUEUED_FROM + list.length), properties: {} });
  });
  return out;
}

export function batchOf(partitionId: string, events: ReceivedEvent[]): ReceivedBatch {
  return { fullyQualifiedNamespace: 'test', eventHubName: 'events', consumerGroup: 'aggregate', partitionId, events };
}

/** Splits a partition's events into batches at the given sizes (cycled). */
export function cut(events: ReceivedEvent[], sizes: number[]): ReceivedEvent[][] {
  const out: ReceivedEvent[][] = [];
  for (let i = 0, k = 0; i < events.length; k++) {
    const size = sizes[k % sizes.length];
    out.push(events.slice(i, i + size));
    i += size;
  }
  return out;
}

// ---- ground truth -------------------------------------------------------------------------

type Row = Record<string, number | string>;

function hourStart(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours());
}
function dayStart(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Expected aggregate rows keyed "kind|key fields|windowMinutes|windowStart", for windows 60 and 1440. */
export function expectedAggregates(events: TrackedEvent[]): Map<string, Row> {
  const rows = new Map<string, Row>();
  const add = (key: string, field: string, amount: number) => {
    const row = rows.get(key) ?? {};
    row[field] = ((row[field] as number | undefined) ?? 0) + amount;
    rows.set(key, row);
  };
  for (const e of events) {
    const d = new Date(e.timestamp);
    const dow = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    const channel = e.context?.channel ?? 'direct';
    const channelField: Record<string, string> = {
      page_view: 'pageViews', product_view: 'productViews', add_to_cart: 'addToCarts', remove_from_cart: 'removeFromCarts',
      purchase: 'purchases', offer_view: 'offerViews', offer_click: 'offerClicks', decision: 'decisions', reward: 'rewards', activation: 'activations',
    };
    for (const [minutes, start] of [[60, hourStart(d)], [1440, dayStart(d)]]) {
      const w = `${minutes}|${new Date(start).toISOString()}`;
      add(`eventType|${e.type}|${w}`, 'count', 1);
      const c = `channel|${channel}|${dow}|${d.getUTCHours()}|${w}`;
      add(c, 'events', 1);
      add(c, channelField[e.type], 1);
      if (e.type === 'purchase') add(c, 'revenue', e.value!);
      const offer = e.offerId ?? (e.decision?.rewardActionId as string | undefined);
      if (offer && ['offer_view', 'offer_click', 'decision', 'reward', 'activation'].includes(e.type)) {
        const o = `offer|${offer}|${w}`;
        if (e.type === 'offer_view') add(o, 'views', 1);
        if (e.type === 'offer_click') add(o, 'clicks', 1);
        if (e.type === 'decision') add(o, 'decisions', 1);
        if (e.type === 'activation') add(o, 'activations', 1);
        if (e.type === 'reward') { add(o, 'rewards', 1); add(o, 'rewardSum', e.value ?? 0); }
        // Views and clicks per device, daily window only (the largest configured).
        if (minutes === 1440 && (e.type === 'offer_view' || e.type === 'offer_click')) {
          const s = `offerSegment|${offer}|${e.context?.device ?? 'unknown'}|${w}`;
          add(s, 'views', e.type === 'offer_view' ? 1 : 0);
          add(s, 'clicks', e.type === 'offer_click' ? 1 : 0);
        }
      }
      if (['decision', 'reward', 'activation'].includes(e.type)) {
        const r = `decisionSource|${(e.decision?.source as string | undefined) ?? 'unknown'}|${w}`;
        add(r, 'decisions', e.type === 'decision' ? 1 : 0);
        add(r, 'explored', e.type === 'decision' && e.decision?.explored === true ? 1 : 0);
        add(r, 'activations', e.type === 'activation' ? 1 : 0);
        add(r, 'rewards', e.type === 'reward' ? 1 : 0);
        add(r, 'positiveRewards', e.type === 'reward' && (e.value ?? 0) > 0 ? 1 : 0);
        add(r, 'rewardSum', e.type === 'reward' ? e.value ?? 0 : 0);
      }
      if (e.productId && ['product_view', 'add_to_cart', 'remove_from_cart', 'purchase'].includes(e.type)) {
        const p = `product|${e.productId}|${w}`;
        if (e.type === 'product_view') add(p, 'views', 1);
        if (e.type === 'add_to_cart') add(p, 'addToCarts', 1);
        if (e.type === 'remove_from_cart') add(p, 'removeFromCarts', 1);
        if (e.type === 'purchase') { add(p, 'purchases', 1); add(p, 'quantity', e.quantity ?? 1); add(p, 'revenue', e.value!); }
      }
    }
  }
  return rows;
}

/** The same key for a stored aggregate document. */
export function aggregateKeyOf(doc: Record<string, unknown>): string {
  const w = `${doc.windowMinutes}|${doc.windowStart}`;
  switch (doc.kind) {
    case 'eventType': return `eventType|${doc.eventType}|${w}`;
    case 'channel': return `channel|${doc.webChannel}|${doc.dayOfWeek}|${doc.hourOfDay}|${w}`;
    case 'offer': return `offer|${doc.offerId}|${w}`;
    case 'offerSegment': return `offerSegment|${doc.offerId}|${doc.segment}|${w}`;
    case 'decisionSource': return `decisionSource|${doc.source}|${w}`;
    default: return `product|${doc.productId}|${w}`;
  }
}

export interface ExpectedProfile {
  events: number;
  counts: Record<string, number>;
  totalRevenue: number;
  firstSeen: string;
  lastSeen: string;
  lastPurchaseProductId: string | null;
  recentProductIds: string[];
  categoryCounts: Record<string, number>;
  categoryAffinity: Record<string, number>;
}

export function expectedProfiles(events: TrackedEvent[]): Map<string, ExpectedProfile> {
  const byUser = new Map<string, TrackedEvent[]>();
  for (const e of events) {
    const key = e.userId ?? e.anonymousId!;
    byUser.set(key, [...(byUser.get(key) ?? []), e]);
  }
  const out = new Map<string, ExpectedProfile>();
  for (const [user, list] of byUser) {
    const sorted = [...list].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
    const last = Date.parse(sorted[0].timestamp);
    const counts: Record<string, number> = {};
    const categoryCounts: Record<string, number> = {};
    const categoryAffinity: Record<string, number> = {};
    let revenue = 0;
    for (const e of list) {
      counts[e.type] = (counts[e.type] ?? 0) + 1;
      if (e.type === 'purchase') revenue += e.value!;
      if (e.category) {
        categoryCounts[e.category] = (categoryCounts[e.category] ?? 0) + 1;
        categoryAffinity[e.category] = (categoryAffinity[e.category] ?? 0) + 0.5 ** ((last - Date.parse(e.timestamp)) / (7 * 86_400_000));
      }
    }
    const recent: string[] = [];
    for (const e of sorted) {
      if (e.productId && ['product_view', 'add_to_cart', 'purchase'].includes(e.type) && !recent.includes(e.productId)) recent.push(e.productId);
    }
    out.set(user, {
      events: list.length,
      counts,
      totalRevenue: revenue,
      firstSeen: sorted[sorted.length - 1].timestamp,
      lastSeen: sorted[0].timestamp,
      lastPurchaseProductId: sorted.find((e) => e.type === 'purchase')?.productId ?? null,
      recentProductIds: recent.slice(0, 20),
      categoryCounts,
      categoryAffinity,
    });
  }
  return out;
}
