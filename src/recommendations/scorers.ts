// The scorers of a product model over one shopper's history: popularity (cold start), SAR
// (decayed affinity × Jaccard similarity, self-similarity 1, so past purchases can come back in
// mode `all`) and the learned re-scorer over candidates from SAR, cosine co-occurrence and
// popularity. One scratch row per scorer: a request costs O(history × neighbours + candidates).
import { DAY_MS } from './userItems';
import { selectTop } from './itemSimilarity';
import type { ProductModel, Ranked, RecommendMode, Rescorer, UserHistory } from './productModel';

export const RESCORER_FEATURES = [
  'sar', 'sarRel', 'cos', 'cosRel', 'cosMax', 'recentCos', 'together',
  'ownAffinity', 'ownPurchases', 'ownDaysSince',
  'itemBuyers', 'itemRecent', 'itemTrend', 'itemRepeatRate', 'itemAgeDays', 'itemDaysSinceSold',
  'userItems', 'userPurchases', 'userDaysSince', 'popRank', 'itemRecentNewBuyers',
] as const;
export const N_FEATURES = RESCORER_FEATURES.length;
/** Items of a shopper's history whose neighbours the re-scorer's candidates expand. */
export const MAX_EXPANDED = 250;

export interface CandidateLimits {
  sar: number;
  cos: number;
  popular: number;
}
export const DEFAULT_CANDIDATES: CandidateLimits = { sar: 200, cos: 200, popular: 100 };

export interface CandidateRows {
  items: Int32Array;
  /** Row-major, N_FEATURES per candidate. */
  features: Float32Array;
}

export class ProductScorer {
  private readonly sarRow: Float64Array;
  private readonly cosRow: Float64Array;
  private readonly cosMaxRow: Float64Array;
  private readonly recentRow: Float64Array;
  private readonly togetherRow: Float64Array;
  private readonly own: Int32Array;
  private readonly mark: Uint8Array;
  private readonly popRank: Int32Array;

  constructor(readonly model: ProductModel) {
    const n = model.items.length;
    this.sarRow = new Float64Array(n);
    this.cosRow = new Float64Array(n);
    this.cosMaxRow = new Float64Array(n);
    this.recentRow = new Float64Array(n);
    this.togetherRow = new Float64Array(n);
    this.own = new Int32Array(n).fill(-1);
    this.mark = new Uint8Array(n);
    this.popRank = new Int32Array(n).fill(model.popular.length);
    model.popular.forEach((i, r) => (this.popRank[i] = r));
  }

  private excluded(h: UserHistory, p: number, mode: RecommendMode): boolean {
    return mode === 'new' && h.purchases[p] > 0;
  }

  /** Popularity, the segment's list first when the shopper has a known segment. */
  popularity(h: UserHistory, n: number, mode: RecommendMode, available?: (i: number) => boolean): Ranked {
    const bought = new Set<number>();
    if (mode === 'new') for (let p = 0; p < h.items.length; p++) if (h.purchases[p] > 0) bought.add(h.items[p]);
    const lists = [h.segment !== undefined ? this.model.segmentPopular[h.segment] : undefined, this.model.popular].filter((l) => l !== undefined);
    const out: number[] = [];
    const seen = new Set<number>();
    for (const list of lists) {
      for (const i of list) {
        if (out.length >= n) break;
        if (seen.has(i) || bought.has(i) || (available && !available(i))) continue;
        seen.add(i);
        out.push(i);
      }
    }
    return { items: Int32Array.from(out), scores: Float32Array.from(out.map((_, r) => 1 / (r + 1))) };
  }

  /** SAR: Σ_i affinity(u, i) · jaccard(i, j), with jaccard(i, i) = 1. */
  sar(h: UserHistory, n: number, mode: RecommendMode, available?: (i: number) => boolean): Ranked {
    const { jaccard } = this.model;
    const row = this.sarRow;
    const touched: number[] = [];
    const add = (j: number, v: number) => {
      if (row[j] === 0) touched.push(j);
      row[j] += v;
    };
    for (let p = 0; p < h.items.length; p++) {
      const i = h.items[p];
      const a = h.affinity[p];
      add(i, a);
      for (let q = jaccard.start[i]; q < jaccard.start[i + 1]; q++) add(jaccard.item[q], a * jaccard.score[q]);
    }
    for (let p = 0; p < h.items.length; p++) if (this.excluded(h, p, mode)) this.mark[h.items[p]] = 1;
    const kept = touched.filter((j) => this.mark[j] === 0 && row[j] > 0 && (!available || available(j)));
    kept.sort((a, b) => row[b] - row[a] || a - b);
    const top = kept.slice(0, n);
    const result = { items: Int32Array.from(top), scores: Float32Array.from(top.map((j) => row[j])) };
    for (const j of touched) row[j] = 0;
    for (let p = 0; p < h.items.length; p++) this.mark[h.items[p]] = 0;
    if (top.length < n) return fillWith(result, this.popularity(h, n, mode, available), n);
    return result;
  }

  /** Candidates from SAR, cosine co-occurrence and popularity, with the re-scorer's features. */
  candidates(h: UserHistory, mode: RecommendMode, limits: CandidateLimits = DEFAULT_CANDIDATES, available?: (i: number) => boolean): CandidateRows {
    const m = this.model;
    const now = m.nowMs;
    const { sarRow, cosRow, cosMaxRow, recentRow, togetherRow, own, mark } = this;
    const touched: number[] = [];
    const touch = (j: number) => {
      if (mark[j] === 0) {
        mark[j] = 1;
        touched.push(j);
      }
    };
    let userPurchases = 0;
    let userLast = -Infinity;
    // A heavy shopper's neighbours are expanded from their MAX_EXPANDED strongest items only
    // (bounds a request's cost); every item of the history still counts as their own.
    const expand = h.items.length > MAX_EXPANDED ? new Set(selectTop(h.items, Float64Array.from(h.affinity), h.items.length, MAX_EXPANDED)) : undefined;
    for (let p = 0; p < h.items.length; p++) {
      const i = h.items[p];
      const a = h.affinity[p];
      own[i] = p;
      userPurchases += h.purchases[p];
      if (h.lastMs[p] > userLast) userLast = h.lastMs[p];
      touch(i);
      sarRow[i] += a;
      if (expand && !expand.has(p)) continue;
      const recency = Math.pow(2, -(now - h.lastMs[p]) / (7 * DAY_MS));
      for (let q = m.jaccard.start[i]; q < m.jaccard.start[i + 1]; q++) {
        const j = m.jaccard.item[q];
        touch(j);
        sarRow[j] += a * m.jaccard.score[q];
      }
      for (let q = m.cosine.start[i]; q < m.cosine.start[i + 1]; q++) {
        const j = m.cosine.item[q];
        const s = m.cosine.score[q];
        touch(j);
        cosRow[j] += a * s;
        recentRow[j] += recency * s;
        if (s > cosMaxRow[j]) cosMaxRow[j] = s;
      }
      for (let q = m.together.start[i]; q < m.together.start[i + 1]; q++) {
        const j = m.together.item[q];
        touch(j);
        togetherRow[j] += a * m.together.score[q];
      }
    }
    const eligible = (j: number) => !(mode === 'new' && own[j] >= 0 && h.purchases[own[j]] > 0) && (!available || available(j));
    const pool = touched.filter(eligible);
    const chosen = new Set<number>();
    const poolItems = Int32Array.from(pool);
    const poolScore = new Float64Array(pool.length);
    const pick = (score: Float64Array, limit: number) => {
      for (let p = 0; p < pool.length; p++) poolScore[p] = score[pool[p]];
      for (const p of selectTop(poolItems, poolScore, pool.length, limit)) if (poolScore[p] > 0) chosen.add(poolItems[p]);
    };
    pick(sarRow, limits.sar);
    pick(cosRow, limits.cos);
    let taken = 0;
    for (const list of [h.segment !== undefined ? m.segmentPopular[h.segment] : undefined, m.trending, m.popular]) {
      if (!list) continue;
      taken = 0;
      for (const j of list) {
        if (taken >= limits.popular) break;
        if (!eligible(j)) continue;
        chosen.add(j);
        taken++;
      }
    }
    let maxSar = 0;
    let maxCos = 0;
    for (const j of chosen) {
      if (sarRow[j] > maxSar) maxSar = sarRow[j];
      if (cosRow[j] > maxCos) maxCos = cosRow[j];
    }
    const items = Int32Array.from(chosen);
    const features = new Float32Array(items.length * N_FEATURES);
    const st = m.stats;
    const userItems = Math.log1p(h.items.length);
    const userP = Math.log1p(userPurchases);
    const userDays = Number.isFinite(userLast) ? (now - userLast) / DAY_MS : NaN;
    for (let r = 0; r < items.length; r++) {
      const j = items[r];
      const o = r * N_FEATURES;
      const p = own[j];
      features[o] = sarRow[j];
      features[o + 1] = maxSar > 0 ? sarRow[j] / maxSar : 0;
      features[o + 2] = cosRow[j];
      features[o + 3] = maxCos > 0 ? cosRow[j] / maxCos : 0;
      features[o + 4] = cosMaxRow[j];
      features[o + 5] = recentRow[j];
      features[o + 6] = togetherRow[j];
      features[o + 7] = p >= 0 ? h.affinity[p] : 0;
      features[o + 8] = p >= 0 ? h.purchases[p] : 0;
      features[o + 9] = p >= 0 ? (now - h.lastMs[p]) / DAY_MS : NaN;
      features[o + 10] = Math.log1p(st.buyers[j]);
      features[o + 11] = Math.log1p(st.recent[j]);
      features[o + 12] = Math.log((st.recent[j] + 1) / (st.previous[j] + 1));
      features[o + 13] = st.repeatRate[j];
      features[o + 14] = Number.isFinite(st.firstMs[j]) ? (now - st.firstMs[j]) / DAY_MS : NaN;
      features[o + 15] = Number.isFinite(st.lastMs[j]) ? (now - st.lastMs[j]) / DAY_MS : NaN;
      features[o + 16] = userItems;
      features[o + 17] = userP;
      features[o + 18] = userDays;
      features[o + 19] = this.popRank[j];
      features[o + 20] = Math.log1p(st.recentNewBuyers[j]);
    }
    for (const j of touched) {
      sarRow[j] = 0;
      cosRow[j] = 0;
      cosMaxRow[j] = 0;
      recentRow[j] = 0;
      togetherRow[j] = 0;
      mark[j] = 0;
    }
    for (let p = 0; p < h.items.length; p++) own[h.items[p]] = -1;
    return { items, features };
  }

  /** The re-scorer's ranking (SAR's when the model has none). */
  rescored(h: UserHistory, n: number, mode: RecommendMode, available?: (i: number) => boolean): Ranked {
    const forest = this.model.rescorer?.[mode];
    if (!forest) return this.sar(h, n, mode, available);
    const rows = this.candidates(h, mode, this.model.params.candidates, available);
    const scores = predict(forest, rows);
    const order = selectTop(rows.items, scores, rows.items.length, n);
    const result = { items: Int32Array.from(order.map((r) => rows.items[r])), scores: Float32Array.from(order.map((r) => scores[r])) };
    if (result.items.length < n) return fillWith(result, this.popularity(h, n, mode, available), n);
    return result;
  }
}

export function predict(rescorer: Rescorer, rows: CandidateRows): Float64Array {
  return rescorer.margins(rows.features, rows.items.length);
}

/** Appends `extra`'s items not yet in `ranked`, up to n (scores below the last one). */
function fillWith(ranked: Ranked, extra: Ranked, n: number): Ranked {
  const items = Array.from(ranked.items);
  const scores = Array.from(ranked.scores);
  const seen = new Set(items);
  let floor = scores.length > 0 ? Math.min(...scores) : 0;
  for (const i of extra.items) {
    if (items.length >= n) break;
    if (seen.has(i)) continue;
    seen.add(i);
    items.push(i);
    floor -= 1e-6;
    scores.push(floor);
  }
  return { items: Int32Array.from(items), scores: Float32Array.from(scores) };
}
