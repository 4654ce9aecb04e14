// A recommendation slot as a shop runs it: the shop's backend asks GET /api/recommendations for the
// shopper, shows the list, and when the shopper clicks a recommended product it rewards the
// decision (POST /personalizer/v1.0/events/{eventId}/reward, value 1) and tracks the product view
// (and, sometimes, the cart add and purchase that follow) through POST /api/events like any other
// browsing. Whether and what the shopper clicks comes from the truth (productTruth.ts).
import type { ClientEvent } from '../../src/events/eventSchema';
import type { SimCatalog } from './catalog';
import type { SimUser } from './population';
import { attentionAt, listClickProbability, oracleList, PRODUCT_TRUTH, productProbabilities } from './productTruth';
import type { RecommendationOutcome } from './recommendationTally';
import type { Rng } from './rng';
import type { RecommendationAnswer, ShopApi } from './shopApi';
import type { SimContext } from './truth';

export interface RecommendationSlotResult {
  outcome: RecommendationOutcome;
  answer: RecommendationAnswer;
  /** The product clicked, if any. */
  clickedProductId?: string;
  events: ClientEvent[];
  rewarded: boolean;
}

export interface RecommendationSetup {
  /** Products per list. */
  n: number;
  /** Index of each product id in the catalog. */
  productIndex: Map<string, number>;
  /** The system's popularity list (fetchPopularList), catalog indexes. */
  popular: number[];
  /** The best fixed list from the truth (popularityList), catalog indexes. */
  bestFixed: number[];
}

/** The expected click probability of the list, and which product (index into `items`) is clicked, if any. */
export function clickOnList(probabilities: readonly number[], rng: Rng): number {
  for (let k = 0; k < probabilities.length; k++) if (rng.next() < attentionAt(k) * probabilities[k]) return k;
  return -1;
}

export async function runRecommendationSlot(
  user: SimUser,
  ctx: Pick<SimContext, 'device' | 'channel'>,
  catalog: SimCatalog,
  setup: RecommendationSetup,
  api: ShopApi,
  rng: Rng,
  nextId: () => string,
): Promise<RecommendationSlotResult> {
  const answer = await api.recommend({ userId: user.id, n: setup.n, device: ctx.device, channel: ctx.channel, page: 'home' });
  const truth = productProbabilities(user, catalog);
  const shown = answer.items.map((item) => {
    const i = setup.productIndex.get(item.id);
    return i === undefined ? 0 : truth[i];
  });
  const mean = truth.reduce((s, p) => s + p, 0) / truth.length;
  const explored = isExplored(answer);
  const k = clickOnList(shown, rng);
  const clickedProductId = k >= 0 ? answer.items[k].id : undefined;
  const purchased = clickedProductId !== undefined && rng.chance(PRODUCT_TRUTH.purchaseAfterClick);
  const events: ClientEvent[] = [];
  if (clickedProductId !== undefined) {
    const product = catalog.products[setup.productIndex.get(clickedProductId)!];
    const page = `/p/${product.id}`;
    const context = { device: ctx.device, channel: ctx.channel, page };
    const at = new Date().toISOString();
    const about = { userId: user.id, timestamp: at, productId: product.id, category: product.category, context };
    events.push({ id: nextId(), type: 'product_view', ...about, properties: { recommended: true } });
    if (purchased) {
      events.push({ id: nextId(), type: 'add_to_cart', ...about, quantity: 1 });
      events.push({ id: nextId(), type: 'purchase', ...about, value: product.price, currency: 'EUR', quantity: 1 });
    }
  }
  let rewarded = false;
  if (clickedProductId !== undefined && answer.eventId) {
    await api.reward(answer.eventId, 1);
    rewarded = true;
  }
  return {
    answer,
    clickedProductId,
    events,
    rewarded,
    outcome: {
      served: listClickProbability(shown),
      greedy: listClickProbability(explored ? shown.slice(1) : shown),
      explored,
      oracle: listClickProbability(oracleList(truth, setup.n).map((i) => truth[i])),
      popularity: listClickProbability(setup.popular.map((i) => truth[i])),
      bestFixed: listClickProbability(setup.bestFixed.map((i) => truth[i])),
      random: listClickProbability(new Array<number>(setup.n).fill(mean)),
      clicked: clickedProductId !== undefined,
      purchased,
      source: answer.source,
    },
  };
}

/**
 * The system's popularity list: GET /api/recommendations for nobody in particular (cold start:
 * the model's popularity and trending lists through the last-step ranker), asked again (up to five
 * times) while the last step explored, so the list is the system's own choice, not an exploration.
 * Each ask is a logged decision, never rewarded. Catalog indexes of its products (unknown ids are
 * left out).
 */
export async function fetchPopularList(api: ShopApi, catalog: SimCatalog, n: number): Promise<number[]> {
  let answer = await api.recommend({ n });
  for (let attempt = 1; attempt < 5 && isExplored(answer); attempt++) answer = await api.recommend({ n });
  const index = new Map(catalog.products.map((p, i) => [p.id, i]));
  return answer.items.map((item) => index.get(item.id)).filter((i): i is number => i !== undefined);
}

/** The last step explored: its first product is not the one it gives the highest probability. */
export function isExplored(answer: RecommendationAnswer): boolean {
  const first = answer.items[0]?.probability;
  return answer.items.length > 1 && first !== undefined && answer.items.some((item) => (item.probability ?? 0) > first);
}
