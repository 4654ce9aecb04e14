// What the product endpoints do, independent of HTTP: a shopper's history (the model's, plus
// their newest events from the profile the aggregation keeps, so a view a few seconds ago
// counts) → candidates from the served model (the re-scorer over SAR, co-occurrence and
// popularity; the cold-start lists when there is no history) → the Personalizer-compatible
// ranker as the last step over the top candidates (decision logged, signed event id) → top n.
// Unavailable products are never recommended. Everything the model needs is in memory.
import { RECOMMEND_MODES, type RecommendMode, type UserHistory } from '../../recommendations/productModel';
import { ProductScorer } from '../../recommendations/scorers';
import { servedHistory, type ServedProducts } from '../model/productArtifact';
import { isRecommendable, type CatalogView } from '../catalog/productStore';

export { RECOMMEND_MODES };
export type { RecommendMode };

export interface RecentProductEvent {
  productId: string;
  at: string;
  type: string;
}

export type FeatureObject = Record<string, string | number | boolean>;

/** The last step: a Personalizer-style rank over the candidates (the offer ranker, wired by src/app). */
export type LastStepRanker = (input: {
  userId?: string;
  anonymous?: boolean;
  contextFeatures: FeatureObject[];
  actions: { id: string; features: FeatureObject[] }[];
}) => Promise<{ ranking: { id: string; probability: number }[]; eventId: string; rewardActionId: string; modelVersion: string | null }>;

export interface RecommenderDeps {
  model: () => ServedProducts | undefined;
  catalog: () => Promise<CatalogView>;
  /** The shopper's newest product events (profile.recentProducts); optional. */
  recent?: (userKey: string) => Promise<RecentProductEvent[] | undefined>;
  ranker?: () => Promise<LastStepRanker | undefined>;
  rankCandidates: number;
  log?: (message: string) => void;
}

export interface RecommendInput {
  userKey?: string;
  anonymous: boolean;
  n: number;
  mode: RecommendMode;
  context: FeatureObject;
  /** Cold-start segment (the shopper's country) when the model does not know them. */
  segment?: string;
}

export interface RecommendedItem {
  id: string;
  score: number;
  probability?: number;
  title?: string;
  category?: string;
  price?: number;
}

export interface RecommendResult {
  items: RecommendedItem[];
  /** 'model': from the shopper's history; 'cold-start': popularity lists. */
  source: 'model' | 'cold-start';
  modelVersion: string | null;
  /** The last-step decision: reward it (POST /personalizer/v1.0/events/{eventId}/reward) on a click or purchase. */
  eventId?: string;
  rewardActionId?: string;
  ranker: 'last-step' | 'model-order';
}

const KIND_OF_EVENT: Readonly<Record<string, number>> = { product_view: 0, add_to_cart: 1, purchase: 2 };

const isFresh = (served: ServedProducts, e: RecentProductEvent) => KIND_OF_EVENT[e.type] !== undefined && served.itemIndex.has(e.productId) && Date.parse(e.at) > served.model.nowMs;

/** Whether the recent events change the model's history (some are newer than the model and about a modelled product). */
export function hasFreshEvents(served: ServedProducts, recent: readonly RecentProductEvent[] | undefined): boolean {
  return (recent ?? []).some((e) => isFresh(served, e));
}

/** The model's history with the events newer than the model merged in (at the model's decay). */
export function withRecentEvents(served: ServedProducts, base: UserHistory | undefined, recent: readonly RecentProductEvent[] | undefined, segment?: string): UserHistory | undefined {
  const fresh = (recent ?? []).filter((e) => isFresh(served, e));
  if (fresh.length === 0) return base && segment !== undefined && base.segment === undefined ? { ...base, segment } : base;
  const { kindWeights, halfLifeDays } = served.model.params;
  const byItem = new Map<number, { affinity: number; purchases: number; lastMs: number }>();
  if (base) for (let p = 0; p < base.items.length; p++) byItem.set(base.items[p], { affinity: base.affinity[p], purchases: base.purchases[p], lastMs: base.lastMs[p] });
  for (const e of fresh) {
    const i = served.itemIndex.get(e.productId)!;
    const at = Date.parse(e.at);
    const kind = KIND_OF_EVENT[e.type];
    const entry = byItem.get(i) ?? { affinity: 0, purchases: 0, lastMs: -Infinity };
    // Decayed to the model's time like its own affinities: newer events weigh more (capped at 8 half-lives).
    entry.affinity += kindWeights[kind] * Math.pow(2, Math.min(8, (at - served.model.nowMs) / (halfLifeDays * 86_400_000)));
    if (kind === 2) entry.purchases++;
    entry.lastMs = Math.max(entry.lastMs, at);
    byItem.set(i, entry);
  }
  const items = [...byItem.keys()].sort((a, b) => a - b);
  return {
    items: Int32Array.from(items),
    affinity: Float32Array.from(items.map((i) => byItem.get(i)!.affinity)),
    purchases: Int32Array.from(items.map((i) => byItem.get(i)!.purchases)),
    lastMs: Float64Array.from(items.map((i) => byItem.get(i)!.lastMs)),
    ...(base?.segment !== undefined ? { segment: base.segment } : segment !== undefined ? { segment } : {}),
  };
}

const scorers = new WeakMap<ServedProducts, ProductScorer>();
function scorerOf(served: ServedProducts): ProductScorer {
  let s = scorers.get(served);
  if (!s) scorers.set(served, (s = new ProductScorer(served.model)));
  return s;
}

export class ProductRecommender {
  constructor(private readonly deps: RecommenderDeps) {}

  private describe(view: CatalogView, id: string, score: number, probability?: number): RecommendedItem {
    const p = view.products.get(id);
    return { id, score, ...(probability !== undefined ? { probability } : {}), ...(p ? { title: p.title, category: p.category, price: p.price } : {}) };
  }

  async recommend(input: RecommendInput): Promise<RecommendResult> {
    const served = this.deps.model();
    // The profile read (the request's only database round trip) starts first and runs while the
    // catalog view is fetched and the candidates are scored on the model's own history; only when
    // it brings events newer than the model are the candidates scored again.
    const recentRead = served && input.userKey !== undefined && this.deps.recent ? this.deps.recent(input.userKey).catch(() => undefined) : undefined;
    const view = await this.deps.catalog();
    if (!served) {
      // No model yet: the catalog's available products in id order (a deterministic cold start).
      const items = [...view.products.values()].filter((p) => p.available).slice(0, input.n).map((p, r) => this.describe(view, p.id, 1 / (r + 1)));
      return { items, source: 'cold-start', modelVersion: null, ranker: 'model-order' };
    }
    const available = (i: number) => isRecommendable(view, served.model.items[i]);
    const base = input.userKey !== undefined ? servedHistory(served, input.userKey) : undefined;
    const scorer = scorerOf(served);
    const k = Math.max(input.n, this.deps.rankCandidates);
    const candidates = (history: UserHistory | undefined) =>
      history !== undefined && history.items.length > 0
        ? { known: true, ranked: scorer.rescored(history, k, input.mode, available) }
        : { known: false, ranked: scorer.popularity(history ?? { ...emptyHistory(), ...(input.segment !== undefined ? { segment: input.segment } : {}) }, k, input.mode, available) };
    // While the read is in flight: the candidates of the model's history (what most requests serve).
    const speculative = base !== undefined && base.items.length > 0 && recentRead !== undefined ? candidates(withRecentEvents(served, base, undefined, input.segment)) : undefined;
    const recent = await recentRead;
    const { known, ranked } = speculative && !hasFreshEvents(served, recent) ? speculative : candidates(withRecentEvents(served, base, recent, input.segment));
    const ids = Array.from(ranked.items, (i) => served.model.items[i]);
    const scores = Array.from(ranked.scores);
    const result: RecommendResult = { items: [], source: known ? 'model' : 'cold-start', modelVersion: null, ranker: 'model-order' };
    const ranker = ids.length > 1 ? await this.deps.ranker?.().catch((error: unknown) => {
      this.deps.log?.(`recommendations: the last-step ranker is unavailable: ${(error as Error).message}`);
      return undefined;
    }) : undefined;
    if (ranker) {
      try {
        const actions = ids.map((id, r) => {
          const p = view.products.get(id);
          const features: FeatureObject[] = [{ recommendationRank: r + 1, recommendationScore: Math.round(scores[r] * 1e6) / 1e6, source: result.source }];
          if (p) features.push({ category: p.category, price: p.price });
          return { id, features };
        });
        const contextFeatures = Object.keys(input.context).length > 0 ? [input.context] : [];
        const decision = await ranker({ ...(input.userKey !== undefined ? { userId: input.userKey, anonymous: input.anonymous } : {}), contextFeatures, actions });
        const scoreOf = new Map(ids.map((id, r) => [id, scores[r]]));
        result.items = decision.ranking.slice(0, input.n).map((r) => this.describe(view, r.id, scoreOf.get(r.id) ?? 0, r.probability));
        result.eventId = decision.eventId;
        result.rewardActionId = decision.rewardActionId;
        result.ranker = 'last-step';
        return result;
      } catch (error) {
        this.deps.log?.(`recommendations: the last-step ranker failed, serving the model's order: ${(error as Error).message}`);
      }
    }
    result.items = ids.slice(0, input.n).map((id, r) => this.describe(view, id, scores[r]));
    return result;
  }

  /** 'unknown' when neither the model nor the catalog has the product. */
  async related(kind: 'similar' | 'bought-together', productId: string, n: number): Promise<RecommendedItem[] | 'unknown'> {
    const served = this.deps.model();
    const view = await this.deps.catalog();
    // Before the first model, a product is unknown only when the catalog is filled and lacks it.
    if (!served) return view.known && !view.products.has(productId) ? 'unknown' : [];
    const i = served.itemIndex.get(productId);
    if (i === undefined) return view.products.has(productId) ? [] : 'unknown';
    const table = kind === 'similar' ? served.model.jaccard : served.model.together;
    const out: RecommendedItem[] = [];
    for (let q = table.start[i]; q < table.start[i + 1] && out.length < n; q++) {
      const id = served.model.items[table.item[q]];
      if (isRecommendable(view, id)) out.push(this.describe(view, id, table.score[q]));
    }
    return out;
  }
}

function emptyHistory(): UserHistory {
  return { items: new Int32Array(0), affinity: new Float32Array(0), purchases: new Int32Array(0), lastMs: new Float64Array(0) };
}
