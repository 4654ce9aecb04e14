// Time-split offline evaluation: every model recommends 10 items to each shopper active both
// before the cut-off (in the trained model) and after it (in the test purchases); scored in two
// modes — `new` (the list leaves out what the shopper bought before; relevant: the test items
// new to them) and `all` (the list may repeat purchases; relevant: every test item).
import type { ProductModel, Ranked, RecommendMode, UserHistory } from './productModel';
import { rankingMetrics, type RankingMetrics } from './rankingMetrics';
import { ProductScorer } from './scorers';
import type { TrainedProducts } from './trainProductModel';
import { userHistory } from './trainProductModel';

export const EVALUATED_MODELS = ['popularity', 'sar', 'rescorer'] as const;
export type EvaluatedModel = (typeof EVALUATED_MODELS)[number];

export type ModelScores = Record<RecommendMode, RankingMetrics & { users: number }>;

export type Recommend = (scorer: ProductScorer, h: UserHistory, n: number, mode: RecommendMode) => Ranked;

export const RECOMMENDERS: Record<EvaluatedModel, Recommend> = {
  popularity: (s, h, n, mode) => s.popularity(h, n, mode),
  sar: (s, h, n, mode) => s.sar(h, n, mode),
  rescorer: (s, h, n, mode) => s.rescored(h, n, mode),
};

/**
 * `test`: the items each shopper (by id) bought after the cut-off. Shoppers without a training
 * history are left out (cold start is not what this measures).
 */
export function evaluateModels(
  trained: TrainedProducts,
  test: ReadonlyMap<string, ReadonlySet<string>>,
  models: readonly EvaluatedModel[] = EVALUATED_MODELS,
  segments: (user: string) => string | undefined = () => undefined,
): Record<EvaluatedModel, ModelScores> {
  const model: ProductModel = trained.model;
  const scorer = new ProductScorer(model);
  const itemIndex = new Map(model.items.map((id, i) => [id, i]));
  const userIndex = new Map(trained.userIds.map((id, u) => [id, u]));
  const acc = Object.fromEntries(models.map((m) => [m, { all: rankingMetrics(10), new: rankingMetrics(10) }])) as Record<EvaluatedModel, Record<RecommendMode, ReturnType<typeof rankingMetrics>>>;
  for (const [user, items] of [...test].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const u = userIndex.get(user);
    if (u === undefined) continue;
    const h = userHistory(trained.users, u, segments(user));
    if (h.items.length === 0) continue;
    const before = new Set<number>();
    for (let p = 0; p < h.items.length; p++) if (h.purchases[p] > 0) before.add(h.items[p]);
    // Items never seen in training cannot be recommended but still count as relevant (-1 … -n).
    const all = new Set<number>();
    let unknown = 0;
    for (const id of items) all.add(itemIndex.get(id) ?? -(++unknown));
    const fresh = new Set([...all].filter((i) => !before.has(i)));
    for (const m of models) {
      acc[m].all.add(RECOMMENDERS[m](scorer, h, 10, 'all').items, all);
      acc[m].new.add(RECOMMENDERS[m](scorer, h, 10, 'new').items, fresh);
    }
  }
  return Object.fromEntries(models.map((m) => [m, { all: acc[m].all.result(), new: acc[m].new.result() }])) as Record<EvaluatedModel, ModelScores>;
}
