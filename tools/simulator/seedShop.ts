// Prepares a system for a simulation: the offers into the catalog (admin API) and the returning
// users' past activity into POST /api/events, so their profiles exist before the first rank call.
import { offerDocument, productDocument } from './catalog';
import { EventSink } from './eventSink';
import { historyEvents, type HistoryOptions } from './history';
import type { ShopApi } from './shopApi';
import type { SimWorld } from './simWorld';

export interface SeedResult {
  offers: number;
  historyEvents: number;
  historyUsers: number;
}

export async function seedCatalog(world: SimWorld, api: ShopApi): Promise<number> {
  for (const offer of world.catalog.offers) await api.putOffer(offerDocument(offer) as { id: string });
  return world.catalog.offers.length;
}

export async function sendHistory(world: SimWorld, api: ShopApi, nowMs = Date.now(), opts: HistoryOptions = {}): Promise<{ events: number; users: number }> {
  const sink = new EventSink({ post: (events) => api.postEvents(events), maxInFlight: 4 });
  let users = 0;
  for (const user of world.users) {
    const events = historyEvents(user, world.catalog, world.rng, nowMs, opts);
    if (events.length === 0) continue;
    users++;
    await sink.add(events);
  }
  await sink.flush();
  if (sink.failed > 0) throw new Error(`history: ${sink.failed} of ${sink.sent} events were not accepted`);
  return { events: sink.accepted, users };
}

export async function seedShop(world: SimWorld, api: ShopApi, opts: HistoryOptions & { nowMs?: number } = {}): Promise<SeedResult> {
  const offers = await seedCatalog(world, api);
  const history = await sendHistory(world, api, opts.nowMs, opts);
  return { offers, historyEvents: history.events, historyUsers: history.users };
}

/** The simulated products into the product catalog (PUT /api/manage/products/{id}). */
export async function seedProducts(world: SimWorld, api: ShopApi, concurrency = 8): Promise<number> {
  const queue = [...world.catalog.products];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let p = queue.shift(); p; p = queue.shift()) await api.putProduct(productDocument(p) as { id: string });
  }));
  return world.catalog.products.length;
}
