// Top-k ranking metrics over binary relevance: precision, recall, NDCG and MAP at k, averaged
// over users (each user's list against the set of items relevant to them).

export interface RankingMetrics {
  'precision@10': number;
  'recall@10': number;
  'ndcg@10': number;
  'map@10': number;
}

export interface MetricsAccumulator {
  add(ranked: ArrayLike<number>, relevant: ReadonlySet<number>): void;
  result(): RankingMetrics & { users: number };
}

/** Accumulates the four metrics at `k` (the names say @10; k is 10 unless a test asks otherwise). */
export function rankingMetrics(k = 10): MetricsAccumulator {
  let users = 0;
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  return {
    add(ranked, relevant) {
      if (relevant.size === 0) return;
      users++;
      let hits = 0;
      let dcg = 0;
      let ap = 0;
      const n = Math.min(k, ranked.length);
      for (let r = 0; r < n; r++) {
        if (!relevant.has(ranked[r])) continue;
        hits++;
        dcg += 1 / Math.log2(r + 2);
        ap += hits / (r + 1);
      }
      let idcg = 0;
      for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
      precision += hits / k;
      recall += hits / relevant.size;
      ndcg += dcg / idcg;
      map += ap / Math.min(k, relevant.size);
    },
    result() {
      const avg = (x: number) => (users === 0 ? 0 : x / users);
      return { 'precision@10': avg(precision), 'recall@10': avg(recall), 'ndcg@10': avg(ndcg), 'map@10': avg(map), users };
    },
  };
}
