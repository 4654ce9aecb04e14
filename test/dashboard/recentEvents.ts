// Generated shop activity ending at a given instant, and an independent tally of it to check
// the API against.
import type { TrackedEvent } from '../../src/events/eventSchema';
import type { ReceivedBatch } from '../../src/events/receivedBatch';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHANNELS = ['web', 'app', 'email', undefined];
/** Each offer's chance that a view is followed by a click. */
const OFFER_CTR: Record<string, number> = { 'offer-a': 0.3, 'offer-b': 0.15, 'offer-c': 0.05, 'offer/d': 0.5 };
const OFFERS = Object.keys(OFFER_CTR);

export interface RecentEventsOptions {
  count: number;
  seed: number;
  /** Events are spread over [endMs - spanMs, endMs); three in four fall in the last day. */
  endMs: number;
  spanMs?: number;
  idPrefix?: string;
}

export function recentEvents(opts: RecentEventsOptions): TrackedEvent[] {
  const rnd = random(opts.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const span = opts.spanMs ?? 7 * 86_400_000;
  const events: TrackedEvent[] = [];
  const push = (type: TrackedEvent['type'], timeMs: number, user: number, extra: Partial<TrackedEvent>) => {
    const channel = pick(CHANNELS);
    events.push({
      id: `${opts.idPrefix ?? 'e'}${opts.seed}-${events.length}`,
      type,
      schemaVersion: 1,
      timestamp: new Date(timeMs).toISOString(),
      receivedAt: new Date(timeMs).toISOString(),
      userId: `user-${user}`,
      ...(channel ? { context: { channel } } : {}),
      ...extra,
    });
  };
  while (events.length < opts.count) {
    const age = rnd() < 0.75 ? rnd() * Math.min(span, 86_400_000) : rnd() * span;
    const time = Math.floor(opts.endMs - 1 - age);
    const user = Math.floor(rnd() * 60);
    const r = rnd();
    if (r < 0.3) {
      const offerId = pick(OFFERS);
      push('offer_view', time, user, { offerId });
      if (rnd() < OFFER_CTR[offerId]) push('offer_click', Math.min(time + 5000, opts.endMs - 1), user, { offerId });
    } else if (r < 0.75) {
      const productId = `p-${Math.floor(rnd() * rnd() * 15)}`;
      const roll = rnd();
      const type = roll < 0.6 ? 'product_view' : roll < 0.8 ? 'add_to_cart' : roll < 0.87 ? 'remove_from_cart' : 'purchase';
      const extra: Partial<TrackedEvent> = { productId, category: 'shoes' };
      if (type === 'purchase') Object.assign(extra, { value: Math.round(rnd() * 15000) / 100, currency: 'EUR' });
      push(type, time, user, extra);
    } else {
      push('page_view', time, user, { context: { channel: pick(['web', 'app']) as string, page: '/' } });
    }
  }
  return events.slice(0, opts.count);
}

/** One partition's batch with sequence numbers from `firstSeq` on. */
export function batchOf(events: TrackedEvent[], firstSeq: number, partitionId = '0'): ReceivedBatch {
  return {
    fullyQualifiedNamespace: 'test',
    eventHubName: 'events',
    consumerGroup: 'aggregate',
    partitionId,
    events: events.map((body, i) => ({ body, sequenceNumber: firstSeq + i, offset: String(firstSeq + i), enqueuedTimeUtc: new Date(), properties: {} })),
  };
}

const inRange = (e: TrackedEvent, fromMs: number, toMs: number, windowMinutes: number) => {
  const size = windowMinutes * 60_000;
  const start = Math.floor(Date.parse(e.timestamp) / size) * size;
  return start >= fromMs && start < toMs;
};

/** Plain per-product sums over the events whose window (of the given size) starts in [from, to). */
export function productTotals(events: TrackedEvent[], fromMs: number, toMs: number, windowMinutes: number) {
  const totals = new Map<string, { views: number; addToCarts: number; purchases: number; revenue: number }>();
  for (const e of events) {
    if (!e.productId || !inRange(e, fromMs, toMs, windowMinutes)) continue;
    const t = totals.get(e.productId) ?? { views: 0, addToCarts: 0, purchases: 0, revenue: 0 };
    if (e.type === 'product_view') t.views++;
    if (e.type === 'add_to_cart') t.addToCarts++;
    if (e.type === 'purchase') {
      t.purchases++;
      t.revenue += e.value ?? 0;
    }
    totals.set(e.productId, t);
  }
  return totals;
}

export function typeCounts(events: TrackedEvent[], fromMs: number, toMs: number, windowMinutes: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) if (inRange(e, fromMs, toMs, windowMinutes)) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return counts;
}
