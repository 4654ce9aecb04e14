// Trains a product model from an interaction log: SAR's tables, cosine co-occurrence, bought
// together, popularity, and optionally the learned re-scorer. The re-scorer learns from the
// log's own past: features from everything before `now − validationDays`, labels from what each
// shopper bought after it; it is then applied to features from the whole log.
import { createDataset } from '../learners/dataset';
import { HistGradientBoostingClassifier } from '../learners/gradientBoosting';
import type { FittedGradientBoosting } from '../learners/fittedGradientBoosting';
import type { InteractionLog } from './interactionLog';
import { groupMatrix, topNeighbours } from './itemSimilarity';
import { buildItemStats, segmentPopularity, topByScore } from './itemStats';
import type { ProductModel, ProductModelParams, RecommendMode, Rescorer, UserHistory } from './productModel';
import { DEFAULT_CANDIDATES, N_FEATURES, ProductScorer, RESCORER_FEATURES, type CandidateLimits } from './scorers';
import { buildUserItems, DAY_MS, type UserItems } from './userItems';

export interface TrainProductOptions {
  halfLifeDays?: number;
  neighbours?: number;
  kindWeights?: [number, number, number];
  nowMs?: number;
  /** Learn the re-scorer (default true when the log spans more than twice validationDays). */
  rescorer?: boolean;
  validationDays?: number;
  /** Trees of each re-scorer. Default 100. */
  trees?: number;
  candidates?: CandidateLimits;
  /** Shoppers the re-scorer learns from at most (an even, deterministic sample). Default 5,000. */
  maxRescorerUsers?: number;
  progress?: (p: { step: string; done: number; total?: number }) => void;
}

export interface TrainedProducts {
  model: ProductModel;
  /** Training users' histories, by user id index of the log. */
  users: UserItems;
  /** Shoppers' ids (index → id) the histories belong to. */
  userIds: string[];
  rescorerRows?: Record<RecommendMode, { rows: number; positives: number }>;
  /** The fitted GBDTs behind model.rescorer (for export). */
  fitted?: Record<RecommendMode, FittedGradientBoosting>;
}

/** A fitted GBDT as a re-scorer. */
export function gbdtRescorer(fitted: FittedGradientBoosting): Rescorer {
  return { margins: (features, rows) => fitted.predictRaw({ nRows: rows, nFeatures: N_FEATURES, layout: 'row-major', features }) };
}

export function userHistory(ui: UserItems, u: number, segment?: string): UserHistory {
  const a = ui.userStart[u];
  const b = ui.userStart[u + 1];
  return {
    items: ui.items.subarray(a, b),
    affinity: ui.affinity.subarray(a, b),
    purchases: ui.purchases.subarray(a, b),
    lastMs: ui.lastMs.subarray(a, b),
    ...(segment !== undefined ? { segment } : {}),
  };
}

/** The model's tables from the interactions before `beforeMs`, measured at `nowMs`. */
function buildTables(log: InteractionLog, params: ProductModelParams, nowMs: number, beforeMs: number): { model: ProductModel; users: UserItems } {
  const users = buildUserItems(log, { kindWeights: params.kindWeights, halfLifeDays: params.halfLifeDays, nowMs, beforeMs });
  // SAR's co-occurrence: users who interacted with both items.
  const byUser = groupMatrix(users.nUsers, users.nItems, { group: userOf(users), item: users.items, length: users.items.length });
  const { jaccard, cosine } = topNeighbours(byUser, ['jaccard', 'cosine'], { k: params.neighbours });
  // Bought together: purchases in the same basket.
  const bGroup: number[] = [];
  const bItem: number[] = [];
  for (let k = 0; k < log.length; k++) {
    if (log.kind[k] !== 2 || log.time[k] >= beforeMs) continue;
    bGroup.push(log.basket[k]);
    bItem.push(log.item[k]);
  }
  const byBasket = groupMatrix(log.baskets.size, log.items.size, { group: Int32Array.from(bGroup), item: Int32Array.from(bItem), length: bGroup.length });
  const { conditional: together } = topNeighbours(byBasket, ['conditional'], { k: Math.min(params.neighbours, 50), minCount: 2 });
  const stats = buildItemStats(log, users, { nowMs: Math.min(nowMs, beforeMs - 1), halfLifeDays: params.halfLifeDays });
  const trend = new Float32Array(stats.recent.length);
  for (let i = 0; i < trend.length; i++) trend[i] = stats.recent[i] * Math.max(0, Math.log((stats.recent[i] + 1) / (stats.previous[i] + 1)));
  const model: ProductModel = {
    items: log.items.ids.slice(),
    nowMs,
    params,
    jaccard,
    cosine,
    together,
    stats,
    popular: topByScore(stats.decayed, 500),
    trending: topByScore(trend, 200),
    segmentPopular: segmentPopularity(log, Math.min(nowMs, beforeMs - 1), params.halfLifeDays, 200),
  };
  return { model, users };
}

function userOf(ui: UserItems): Int32Array {
  const out = new Int32Array(ui.items.length);
  for (let u = 0; u < ui.nUsers; u++) out.fill(u, ui.userStart[u], ui.userStart[u + 1]);
  return out;
}

export function trainProductModel(log: InteractionLog, opts: TrainProductOptions = {}): TrainedProducts {
  if (log.length === 0) throw new RangeError('the interaction log is empty: nothing to train on');
  const params: ProductModelParams = {
    halfLifeDays: opts.halfLifeDays ?? 30,
    neighbours: opts.neighbours ?? 100,
    kindWeights: opts.kindWeights ?? [1, 3, 5],
    candidates: opts.candidates ?? DEFAULT_CANDIDATES,
  };
  const nowMs = opts.nowMs ?? log.maxTime;
  const validationDays = opts.validationDays ?? 90;
  const progress = opts.progress ?? (() => {});
  progress({ step: 'similarity', done: 0, total: 1 });
  const { model, users } = buildTables(log, params, nowMs, Infinity);
  progress({ step: 'similarity', done: 1, total: 1 });
  const spanDays = (log.maxTime - log.minTime) / DAY_MS;
  const wantRescorer = opts.rescorer ?? spanDays > 2 * validationDays;
  const result: TrainedProducts = { model, users, userIds: log.users.ids };
  if (!wantRescorer) return result;

  const cut = nowMs - validationDays * DAY_MS;
  const past = buildTables(log, params, cut, cut);
  const pastScorer = new ProductScorer(past.model);
  // Labels: what each shopper with a past bought after the cut.
  const bought = new Map<number, Set<number>>();
  for (let k = 0; k < log.length; k++) {
    if (log.kind[k] !== 2 || log.time[k] < cut || log.time[k] > nowMs) continue;
    const u = log.user[k];
    if (past.users.userStart[u + 1] === past.users.userStart[u]) continue;
    let set = bought.get(u);
    if (!set) bought.set(u, (set = new Set()));
    set.add(log.item[k]);
  }
  const fitted = {} as Record<RecommendMode, FittedGradientBoosting>;
  result.rescorerRows = {} as Record<RecommendMode, { rows: number; positives: number }>;
  const labelled = [...bought.keys()].sort((a, b) => a - b);
  const maxUsers = opts.maxRescorerUsers ?? 5_000;
  const stride = Math.max(1, labelled.length / maxUsers);
  const usersWithLabels = labelled.length <= maxUsers ? labelled : Array.from({ length: maxUsers }, (_, k) => labelled[Math.floor(k * stride)]);
  for (const mode of ['all', 'new'] as const) {
    const chunks: Float32Array[] = [];
    const labels: number[] = [];
    let done = 0;
    for (const u of usersWithLabels) {
      const h = userHistory(past.users, u, log.userSegment[u]);
      const targets = bought.get(u)!;
      const rows = pastScorer.candidates(h, mode, params.candidates);
      let any = false;
      for (const j of rows.items) if (targets.has(j) && !(mode === 'new' && boughtBefore(h, j))) any = true;
      progress({ step: `re-scorer rows (${mode})`, done: ++done, total: usersWithLabels.length });
      if (!any) continue;
      chunks.push(rows.features);
      for (const j of rows.items) labels.push(targets.has(j) ? 1 : 0);
    }
    const features = new Float32Array(labels.length * N_FEATURES);
    let offset = 0;
    for (const c of chunks) {
      features.set(c, offset);
      offset += c.length;
    }
    const positives = labels.reduce((a, b) => a + b, 0);
    result.rescorerRows[mode] = { rows: labels.length, positives };
    if (positives === 0 || positives === labels.length) return result; // nothing to learn: SAR serves
    const trees = opts.trees ?? 100;
    const fit = new HistGradientBoostingClassifier({ nEstimators: trees, learningRate: 0.05, maxDepth: 6, minSamplesLeaf: 50, seed: 7, nThreads: 1 });
    fitted[mode] = fit.fit(createDataset({ features, nRows: labels.length, nFeatures: N_FEATURES, labels: Uint8Array.from(labels), featureNames: [...RESCORER_FEATURES] }), {
      onIteration: (it) => progress({ step: `re-scorer (${mode})`, done: it.iteration + 1, total: trees }),
    });
  }
  model.rescorer = { all: gbdtRescorer(fitted.all), new: gbdtRescorer(fitted.new) };
  result.fitted = fitted;
  return result;
}

function boughtBefore(h: UserHistory, item: number): boolean {
  for (let p = 0; p < h.items.length; p++) if (h.items[p] === item) return h.purchases[p] > 0;
  return false;
}
