// The simulated catalog: products by category and the offers the ranker chooses between. Offers
// are written to the real catalog (PUT /api/manage/offers/{id}) and sent as rank actions with the
// same features GET /api/offers would give them.
import type { Rng } from './rng';
import { CATEGORIES, CATEGORY_PRICE, TAGS, type Category } from './world';

export interface SimProduct {
  id: string;
  category: Category;
  price: number;
  /**
   * Latent appeal in logit units (design, reviews): part of every shopper's true affinity for it
   * (productTruth.ts). Shoppers browse the more appealing products of a category more often
   * (sessionPlan.ts), so what they view and buy shows it.
   */
  appeal: number;
}

export interface SimOffer {
  id: string;
  title: string;
  category: Category;
  /** Price after nothing is taken off (the discount applies on top). */
  price: number;
  /** Fraction off, 0–0.6. */
  discount: number;
  tags: string[];
  productId: string;
  /** Latent appeal (creative, brand) in logit units; the system learns it only through clicks (priors). */
  quality: number;
}

export interface SimCatalog {
  products: SimProduct[];
  offers: SimOffer[];
  productsByCategory: Map<Category, SimProduct[]>;
}

export interface CatalogOptions {
  products?: number;
  offers?: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const DISCOUNTS = [0, 0, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5];

export function generateCatalog(rng: Rng, opts: CatalogOptions = {}): SimCatalog {
  const nProducts = opts.products ?? 200;
  const nOffers = opts.offers ?? 16;
  if (nOffers < 2 || nOffers > 50) throw new RangeError(`offers must be 2–50 (a rank request holds at most 50 actions), got ${nOffers}`);
  const r = rng.fork('catalog');
  const products: SimProduct[] = [];
  const productsByCategory = new Map<Category, SimProduct[]>(CATEGORIES.map((c) => [c, []]));
  for (let i = 0; i < nProducts; i++) {
    const category = CATEGORIES[i % CATEGORIES.length];
    const p: SimProduct = { id: `p-${String(i + 1).padStart(4, '0')}`, category, price: round2(CATEGORY_PRICE[category] * Math.exp(r.normal(0, 0.5))), appeal: 0 };
    products.push(p);
    productsByCategory.get(category)!.push(p);
  }
  // Its own stream: the offers and prices stay what they were before products had an appeal.
  const appeal = rng.fork('product-appeal');
  for (const p of products) p.appeal = appeal.normal(0, 0.6);
  const offers: SimOffer[] = [];
  for (let i = 0; i < nOffers; i++) {
    // Every category gets offers in turn, then the rest at random.
    const category = i < CATEGORIES.length ? CATEGORIES[(i * 3) % CATEGORIES.length] : r.pick(CATEGORIES);
    const product = r.pick(productsByCategory.get(category)!);
    const discount = r.pick(DISCOUNTS);
    const tags = TAGS.filter((t) => (t === 'sale' ? discount >= 0.3 : r.chance(0.2)));
    offers.push({
      id: `offer-${String(i + 1).padStart(2, '0')}`,
      title: `${discount > 0 ? `${Math.round(discount * 100)}% off ` : ''}${category} #${i + 1}`,
      category,
      price: product.price,
      discount,
      tags,
      productId: product.id,
      quality: r.normal(0, 0.35),
    });
  }
  return { products, offers, productsByCategory };
}

/** The offer as the catalog API accepts it (src/ranking/catalog/offerSchema.ts). */
export function offerDocument(o: SimOffer): Record<string, unknown> {
  return { id: o.id, title: o.title, category: o.category, price: o.price, discount: o.discount, active: true, tags: o.tags, productId: o.productId };
}

/** Personalizer action features, exactly as offerActionFeatures builds them for the catalog's offers. */
export function offerActionFeatures(o: SimOffer): Record<string, unknown>[] {
  const features: Record<string, unknown>[] = [{ category: o.category, price: o.price, discount: o.discount, productId: o.productId }];
  if (o.tags.length > 0) features.push({ tags: Object.fromEntries(o.tags.map((t) => [t, 1])) });
  return features;
}

/** The product as the catalog API accepts it (src/products/catalog/productSchema.ts). */
export function productDocument(p: SimProduct): Record<string, unknown> {
  return { id: p.id, title: `${p.category} ${p.id}`, category: p.category, price: p.price, available: true };
}
