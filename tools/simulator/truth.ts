// The ground truth: each user's click probability for every offer in every context. Every term
// depends on something the system observes — the context features sent with the rank request
// (device, time of day, page), the offer's action features (category, price, discount) and the
// user's category interest, which the aggregation builds into the profile from the user's own
// browsing (whose categories are drawn from the same latent affinity) — plus the offer's latent
// appeal, which the system sees through its click rate (the cold-start priors). Only the spread
// of price sensitivity around its average is hidden.
import type { SimOffer } from './catalog';
import type { SimUser } from './population';
import { CATEGORIES, DEVICE_CATEGORY, TIME_CATEGORY, categoryIndex, type Category, type PageType, type SimDevice, type TimeOfDay } from './world';

export interface SimContext {
  device: SimDevice;
  timeOfDay: TimeOfDay;
  /** 0–23, within the time of day. */
  hour: number;
  pageType: PageType;
  /** The category of the page (category and product pages). */
  pageCategory?: Category;
  channel: 'web' | 'app';
}

export const TRUTH = {
  /** Logit of an average offer for a user with no interest in its category (≈ 2.5 %). */
  base: -3.6,
  /** Logit per unit of the user's latent share of interest in the offer's category. */
  affinity: 4.0,
  /** Offer on the page's own category. */
  samePage: 0.5,
  /** Per unit of discount, scaled by the user's price sensitivity. */
  discount: 2.2,
  /** Per log of (price / 50 EUR), scaled by price sensitivity. */
  price: -0.35,
  /** Cap of a click probability. */
  maxProbability: 0.9,
} as const;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function clickLogit(user: SimUser, ctx: SimContext, offer: SimOffer): number {
  const c = offer.category;
  let z = TRUTH.base + offer.quality;
  z += TRUTH.affinity * user.affinity[categoryIndex(c)];
  z += DEVICE_CATEGORY[ctx.device][c] ?? 0;
  z += TIME_CATEGORY[ctx.timeOfDay][c] ?? 0;
  if (ctx.pageCategory === c) z += TRUTH.samePage;
  const paid = offer.price * (1 - offer.discount);
  z += user.priceSensitivity * (TRUTH.discount * offer.discount + TRUTH.price * Math.log(Math.max(paid, 1) / 50));
  return z;
}

/** P(click | user, context, offer shown), in (0, maxProbability]. */
export function clickProbability(user: SimUser, ctx: SimContext, offer: SimOffer): number {
  return Math.min(TRUTH.maxProbability, sigmoid(clickLogit(user, ctx, offer)));
}

/** The true click probability of every offer, in the order given. */
export function clickProbabilities(user: SimUser, ctx: SimContext, offers: readonly SimOffer[]): number[] {
  return offers.map((o) => clickProbability(user, ctx, o));
}

export { CATEGORIES };
