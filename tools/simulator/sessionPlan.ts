// What one visit of a user does, planned ahead: the pages seen in order, the tracked events each
// page sends (page_view, product_view, add_to_cart, purchase) and the pages with an offer slot
// (a rank call). Which offer is shown and whether it is clicked is decided when the session runs.
import type { ClientEvent } from '../../src/events/eventSchema';
import type { SimCatalog, SimProduct } from './catalog';
import type { SimUser } from './population';
import type { Rng } from './rng';
import type { SimContext } from './truth';
import { CATEGORIES, HOUR_RANGES, SIM_DEVICES, TIMES_OF_DAY, type Category, type PageType } from './world';

export interface PlannedPage {
  pageType: PageType;
  path: string;
  category?: Category;
  events: ClientEvent[];
  /** The page has an offer slot: rank the offers in this context. */
  slot?: SimContext;
}

export interface SessionPlan {
  user: SimUser;
  device: SimContext['device'];
  channel: SimContext['channel'];
  pages: PlannedPage[];
}

export interface SessionShape {
  /** Products viewed per session, inclusive range. Default [1, 5]. */
  products?: [number, number];
  /** Chance that a product page has an offer slot. Default 0.3. */
  productSlot?: number;
  /** Chance that a product viewed goes to the cart. Default 0.25. */
  addToCart?: number;
  /** Chance that a cart is bought at the end. Default 0.5. */
  purchase?: number;
  /** Offer slots at all (false: browsing only, e.g. history). Default true. */
  slots?: boolean;
}

/** A category drawn mostly from the user's latent interest, sometimes at random. */
export function browseCategory(user: SimUser, rng: Rng): Category {
  return rng.chance(0.15) ? rng.pick(CATEGORIES) : CATEGORIES[rng.weighted(user.affinity)];
}

/** A product of the category, the more appealing ones more often (exp(appeal)): what shoppers browse and buy shows the appeal. */
export function browseProduct(products: readonly SimProduct[], rng: Rng): SimProduct {
  return products[rng.weighted(products.map((p) => Math.exp(p.appeal)))];
}

function hourOf(rng: Rng, time: SimContext['timeOfDay']): number {
  const [lo, hi] = HOUR_RANGES[time];
  return rng.between(lo, hi) % 24;
}

export class EventIds {
  constructor(private readonly rng: Rng) {}
  next(): string {
    return this.rng.uuid();
  }
}

export function planSession(user: SimUser, catalog: SimCatalog, rng: Rng, ids: EventIds, shape: SessionShape = {}, timestamp?: () => string): SessionPlan {
  const device = SIM_DEVICES[rng.weighted(user.devices)];
  const timeOfDay = TIMES_OF_DAY[rng.weighted(user.times)];
  const hour = hourOf(rng, timeOfDay);
  const channel: SimContext['channel'] = device === 'desktop' || rng.chance(0.5) ? 'web' : 'app';
  const slots = shape.slots ?? true;
  const [minProducts, maxProducts] = shape.products ?? [1, 5];
  const ctxBase = { device, timeOfDay, hour, channel };
  const pages: PlannedPage[] = [];
  const event = (type: ClientEvent['type'], path: string, extra: Partial<ClientEvent> = {}): ClientEvent => ({
    id: ids.next(),
    type,
    userId: user.id,
    ...(timestamp ? { timestamp: timestamp() } : {}),
    ...extra,
    context: { device, channel, page: path },
  });

  // Landing: the home page, or a category page of interest.
  if (rng.chance(0.6)) {
    pages.push({ pageType: 'home', path: '/', events: [event('page_view', '/')], ...(slots ? { slot: { ...ctxBase, pageType: 'home' } } : {}) });
  } else {
    const category = browseCategory(user, rng);
    const path = `/c/${category}`;
    pages.push({
      pageType: 'category',
      path,
      category,
      events: [event('page_view', path, { category })],
      ...(slots ? { slot: { ...ctxBase, pageType: 'category', pageCategory: category } } : {}),
    });
  }

  const cart: SimProduct[] = [];
  const nProducts = rng.between(minProducts, maxProducts);
  for (let i = 0; i < nProducts; i++) {
    const category = browseCategory(user, rng);
    const product = browseProduct(catalog.productsByCategory.get(category)!, rng);
    const path = `/p/${product.id}`;
    const events = [event('page_view', path, { category }), event('product_view', path, { productId: product.id, category })];
    // Price-sensitive users put expensive things in the cart less often.
    const cartChance = (shape.addToCart ?? 0.25) * Math.exp(-user.priceSensitivity * Math.max(0, Math.log(product.price / 60)));
    if (rng.chance(cartChance)) {
      events.push(event('add_to_cart', path, { productId: product.id, category, quantity: 1 }));
      cart.push(product);
    }
    const slot = slots && rng.chance(shape.productSlot ?? 0.3);
    pages.push({ pageType: 'product', path, category, events, ...(slot ? { slot: { ...ctxBase, pageType: 'product', pageCategory: category } } : {}) });
  }

  if (cart.length > 0) {
    const events: ClientEvent[] = [event('page_view', '/cart')];
    if (rng.chance(shape.purchase ?? 0.5)) {
      for (const p of cart) events.push(event('purchase', '/cart', { productId: p.id, category: p.category, value: p.price, currency: 'EUR', quantity: 1 }));
    }
    const slot = slots && rng.chance(0.5);
    pages.push({ pageType: 'cart', path: '/cart', events, ...(slot ? { slot: { ...ctxBase, pageType: 'cart' } } : {}) });
  }
  return { user, device, channel, pages };
}
