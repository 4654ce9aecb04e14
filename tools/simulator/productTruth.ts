// The ground truth of product recommendations: each shopper's true probability of clicking each
// product when it is recommended, and of a shown list being clicked at all. A shopper's affinity for
// a product is their latent interest in its category (the same interest that drives which
// categories they browse, so their history reveals it) plus the product's latent appeal (shoppers
// browse and buy appealing products more often, so popularity reveals it). The oracle knows every probability; the simulator uses them to say how
// far a served list is from the best list for that shopper and from a popularity list.
import type { SimCatalog, SimProduct } from './catalog';
import type { SimUser } from './population';
import { categoryIndex } from './world';

export const PRODUCT_TRUTH = {
  /** Logit of a product of average appeal in a category the shopper has no interest in (≈ 1.8 %). */
  base: -4.0,
  /** Logit per unit of the shopper's latent share of interest in the product's category. */
  interest: 5.0,
  /** Cap of a click probability. */
  maxProbability: 0.9,
  /** Chance that the shopper looks at position k of a list: attention^k (the first is always seen). */
  attention: 0.7,
  /** Chance that a click on a recommended product ends in a purchase. */
  purchaseAfterClick: 0.3,
} as const;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** P(click | the product is recommended and looked at) for this shopper. */
export function productClickProbability(user: SimUser, product: SimProduct): number {
  const z = PRODUCT_TRUTH.base + PRODUCT_TRUTH.interest * user.affinity[categoryIndex(product.category)] + product.appeal;
  return Math.min(PRODUCT_TRUTH.maxProbability, sigmoid(z));
}

/** Chance that the shopper looks at position `k` (0-based) of a shown list. */
export const attentionAt = (k: number): number => PRODUCT_TRUTH.attention ** k;

/**
 * P(the shopper clicks some product of the list): they look down the list, position k with
 * attentionAt(k), and click the first product that appeals (its click probability).
 */
export function listClickProbability(probabilities: readonly number[]): number {
  let none = 1;
  probabilities.forEach((p, k) => (none *= 1 - attentionAt(k) * p));
  return 1 - none;
}

/** The true click probability of every product of the catalog for this shopper (catalog order). */
export function productProbabilities(user: SimUser, catalog: SimCatalog): number[] {
  return catalog.products.map((p) => productClickProbability(user, p));
}

/** The best list of `n` for this shopper: their n most likely clicks, most likely first. */
export function oracleList(probabilities: readonly number[], n: number): number[] {
  return probabilities.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, n).map(([, i]) => i);
}

/**
 * The best list of `n` that is the same for everyone (popularity in hindsight): the n products with
 * the highest mean click probability over `users`. No popularity list a shop could count does better
 * on average.
 */
export function popularityList(users: readonly SimUser[], catalog: SimCatalog, n: number): number[] {
  const mean = new Array<number>(catalog.products.length).fill(0);
  for (const u of users) productProbabilities(u, catalog).forEach((p, i) => (mean[i] += p / users.length));
  return oracleList(mean, n);
}
