// Per-item popularity at a point in time, for cold start and as features: distinct buyers,
// decayed purchases, purchases in the recent window and the one before it (trend), how often
// buyers buy it again, and its age. Plus the most popular items overall and per segment
// (the shopper's country, or whatever segment the events carry) and per category.
import type { InteractionLog } from './interactionLog';
import { DAY_MS, type UserItems } from './userItems';

export interface ItemStats {
  buyers: Float32Array;
  decayed: Float32Array;
  recent: Float32Array;
  previous: Float32Array;
  repeatRate: Float32Array;
  /** Shoppers whose first purchase of the item falls in the recent window (discovery). */
  recentNewBuyers: Float32Array;
  firstMs: Float64Array;
  lastMs: Float64Array;
}

export interface ItemStatsOptions {
  nowMs: number;
  halfLifeDays?: number;
  /** Days of the recent window (trend compares it with the window before). Default 30. */
  recentDays?: number;
}

/** `users`: the user × item matrix of the same interactions (buyers, repeat buyers, new buyers). */
export function buildItemStats(log: InteractionLog, users: UserItems, opts: ItemStatsOptions): ItemStats {
  const n = log.items.size;
  const halfLife = (opts.halfLifeDays ?? 30) * DAY_MS;
  const recentMs = (opts.recentDays ?? 30) * DAY_MS;
  const s: ItemStats = {
    buyers: new Float32Array(n), decayed: new Float32Array(n), recent: new Float32Array(n), previous: new Float32Array(n),
    repeatRate: new Float32Array(n), recentNewBuyers: new Float32Array(n), firstMs: new Float64Array(n).fill(Infinity), lastMs: new Float64Array(n).fill(-Infinity),
  };
  for (let k = 0; k < log.length; k++) {
    if (log.kind[k] !== 2) continue;
    const i = log.item[k];
    const t = log.time[k];
    if (t > opts.nowMs) continue;
    s.decayed[i] += Math.pow(2, -(opts.nowMs - t) / halfLife);
    const age = opts.nowMs - t;
    if (age < recentMs) s.recent[i]++;
    else if (age < 2 * recentMs) s.previous[i]++;
    if (t < s.firstMs[i]) s.firstMs[i] = t;
    if (t > s.lastMs[i]) s.lastMs[i] = t;
  }
  for (let p = 0; p < users.items.length; p++) {
    if (users.purchases[p] === 0) continue;
    const i = users.items[p];
    s.buyers[i]++;
    if (users.purchases[p] > 1) s.repeatRate[i]++;
    if (opts.nowMs - users.firstMs[p] < recentMs) s.recentNewBuyers[i]++;
  }
  for (let i = 0; i < n; i++) s.repeatRate[i] = s.buyers[i] > 0 ? s.repeatRate[i] / s.buyers[i] : 0;
  return s;
}

/** Item indices by decreasing score, at most `n`, skipping those `skip` refuses. */
export function topByScore(score: ArrayLike<number>, n: number, skip?: (i: number) => boolean): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < score.length; i++) if (score[i] > 0 && !skip?.(i)) idx.push(i);
  idx.sort((a, b) => score[b] - score[a] || a - b);
  return Int32Array.from(idx.slice(0, n));
}

/** The most bought items (decayed) among the users of each segment. */
export function segmentPopularity(log: InteractionLog, nowMs: number, halfLifeDays: number, n: number): Record<string, Int32Array> {
  const halfLife = halfLifeDays * DAY_MS;
  const bySegment = new Map<string, Float32Array>();
  for (let k = 0; k < log.length; k++) {
    if (log.kind[k] !== 2 || log.time[k] > nowMs) continue;
    const segment = log.userSegment[log.user[k]];
    if (segment === undefined) continue;
    let score = bySegment.get(segment);
    if (!score) bySegment.set(segment, (score = new Float32Array(log.items.size)));
    score[log.item[k]] += Math.pow(2, -(nowMs - log.time[k]) / halfLife);
  }
  const out: Record<string, Int32Array> = {};
  for (const [segment, score] of [...bySegment].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[segment] = topByScore(score, n);
  return out;
}
