// A deterministic stream of tracked events for the chaos and soak drivers: event i always has the
// same id, user, type, offer/product and value, so a run can be reproduced and checked.
import { seededRandom } from '../../src/learners/epsilonGreedy';

export const OFFERS = Array.from({ length: 12 }, (_, i) => `offer-${i}`);
export const PRODUCTS = Array.from({ length: 40 }, (_, i) => `prod-${i}`);
export const CHANNELS = ['web', 'app', 'email'];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const TYPES = ['page_view', 'product_view', 'add_to_cart', 'remove_from_cart', 'purchase', 'offer_view', 'offer_click'] as const;
/** Relative weights of TYPES. */
const WEIGHTS = [20, 25, 8, 3, 6, 25, 13];

export interface StreamEvent {
  id: string;
  type: (typeof TYPES)[number];
  userId: string;
  timestamp: string;
  productId?: string;
  offerId?: string;
  category?: string;
  value?: number;
  quantity?: number;
  currency?: string;
  context: { device: string; channel: string; page: string };
}

/** The ranker's seeded generator (mulberry32). */
export const prng = seededRandom;

export interface StreamOptions {
  /** Prefix of every event id, e.g. the run's name. */
  tag: string;
  users: number;
  /** Events per request (one user's batch, as a browser sends them). */
  batchSize: number;
  /** Timestamp of event 0 (ms); event i is `spacingMs * i` later. */
  baseTimeMs: number;
  spacingMs: number;
}

/** Event `i` of the stream (pure function of i and the options). */
export function streamEvent(i: number, opts: StreamOptions): StreamEvent {
  const rnd = prng(i * 2654435761 + 17);
  const batch = Math.floor(i / opts.batchSize);
  const user = `user-${(batch * 7919) % opts.users}`;
  let pick = rnd() * WEIGHTS.reduce((a, b) => a + b, 0);
  let t = 0;
  while (pick >= WEIGHTS[t]) pick -= WEIGHTS[t++];
  const type = TYPES[t];
  const event: StreamEvent = {
    id: `${opts.tag}-${i}`,
    type,
    userId: user,
    timestamp: new Date(opts.baseTimeMs + i * opts.spacingMs).toISOString(),
    context: {
      device: DEVICES[Math.floor(rnd() * DEVICES.length)],
      channel: CHANNELS[Math.floor(rnd() * CHANNELS.length)],
      page: `/p/${i % 97}`,
    },
  };
  if (type === 'offer_view' || type === 'offer_click') event.offerId = OFFERS[Math.floor(rnd() * OFFERS.length)];
  if (type === 'product_view' || type === 'add_to_cart' || type === 'remove_from_cart' || type === 'purchase') {
    event.productId = PRODUCTS[Math.floor(rnd() * PRODUCTS.length)];
    event.category = `cat-${Math.floor(rnd() * 6)}`;
  }
  if (type === 'purchase') {
    // Whole cents, so the ground truth can sum exactly in integers.
    event.value = Math.round(100 + rnd() * 20_000) / 100;
    event.quantity = 1 + Math.floor(rnd() * 3);
    event.currency = 'EUR';
  }
  return event;
}

/** The request bodies of events [from, to): batches of `batchSize` consecutive events (one user each). */
export function* streamBatches(total: number, opts: StreamOptions): Generator<{ first: number; events: StreamEvent[] }> {
  for (let first = 0; first < total; first += opts.batchSize) {
    const events: StreamEvent[] = [];
    for (let i = first; i < Math.min(total, first + opts.batchSize); i++) events.push(streamEvent(i, opts));
    yield { first, events };
  }
}
