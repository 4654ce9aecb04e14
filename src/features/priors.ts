// Cold-start priors: each offer's success rate, Beta-smoothed, overall and per segment, from the
// per-offer aggregate documents. Used as the score before any model exists and as a model feature.

/** Counter fields of an `offer` aggregate document (src/aggregation/aggregateKinds.ts). */
export interface OfferAggregateDoc {
  offerId?: unknown;
  /** Present when the aggregates are also kept per segment ("mobile|new"). */
  segment?: unknown;
  views?: unknown;
  clicks?: unknown;
  decisions?: unknown;
  rewardSum?: unknown;
}

export interface PriorTable {
  computedAt: string;
  /** Pseudo-observations (alpha + beta) of the Beta prior. */
  strength: number;
  /** Rate of an offer nothing is known about. */
  globalRate: number;
  /** offerId → smoothed rate over all segments. */
  offers: Record<string, number>;
  /** segment → offerId → rate smoothed toward the offer's overall rate. */
  segments: Record<string, Record<string, number>>;
}

interface Tally {
  trials: number;
  successes: number;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * Trials are impressions (views sent by the frontend plus ranking decisions); successes are clicks
 * plus summed rewards, capped at the trials. The Beta(alpha, beta) prior has mean `mean` and
 * alpha + beta = strength, so the posterior mean is (successes + mean * strength) / (trials + strength).
 */
function smoothed(t: Tally, mean: number, strength: number): number {
  return (Math.min(t.successes, t.trials) + mean * strength) / (t.trials + strength);
}

function add(map: Map<string, Tally>, key: string, doc: OfferAggregateDoc): void {
  const t = map.get(key) ?? { trials: 0, successes: 0 };
  t.trials += count(doc.views) + count(doc.decisions);
  t.successes += count(doc.clicks) + count(doc.rewardSum);
  map.set(key, t);
}

export function emptyPriors(strength = 20, now = new Date()): PriorTable {
  return { computedAt: now.toISOString(), strength, globalRate: 0.5, offers: {}, segments: {} };
}

export function computePriors(docs: Iterable<OfferAggregateDoc>, strength: number, now = new Date()): PriorTable {
  const overall = new Map<string, Tally>();
  const bySegment = new Map<string, Map<string, Tally>>();
  for (const doc of docs) {
    if (typeof doc.offerId !== 'string' || doc.offerId === '') continue;
    if (typeof doc.segment === 'string' && doc.segment !== '') {
      let m = bySegment.get(doc.segment);
      if (!m) bySegment.set(doc.segment, (m = new Map()));
      add(m, doc.offerId, doc);
    } else {
      add(overall, doc.offerId, doc);
    }
  }
  // Offers seen only in segment documents still get an overall tally.
  for (const m of bySegment.values()) {
    for (const [offerId, t] of m) {
      if (overall.has(offerId)) continue;
      const sum = overall.get(`\u0000${offerId}`) ?? { trials: 0, successes: 0 };
      sum.trials += t.trials;
      sum.successes += t.successes;
      overall.set(`\u0000${offerId}`, sum);
    }
  }
  let trials = 0;
  let successes = 0;
  for (const t of overall.values()) {
    trials += t.trials;
    successes += Math.min(t.successes, t.trials);
  }
  // Laplace's rule keeps the overall rate strictly inside (0, 1) even with no data.
  const globalRate = (successes + 1) / (trials + 2);
  const offers: Record<string, number> = {};
  for (const [key, t] of overall) offers[key.startsWith('\u0000') ? key.slice(1) : key] = smoothed(t, globalRate, strength);
  const segments: Record<string, Record<string, number>> = {};
  for (const [segment, m] of bySegment) {
    const rates: Record<string, number> = {};
    for (const [offerId, t] of m) rates[offerId] = smoothed(t, offers[offerId] ?? globalRate, strength);
    segments[segment] = rates;
  }
  return { computedAt: now.toISOString(), strength, globalRate, offers, segments };
}

/** The prior of an offer in a segment, falling back to the offer overall, then to the global rate. */
export function priorFor(table: PriorTable, segment: string, offerId: string): number {
  // Aggregates know the device of a view or click, not whether the user was new: "mobile|new" falls back to "mobile".
  for (const key of [segment, segment.split('|')[0]]) {
    const seg = table.segments[key];
    if (seg !== undefined && Object.prototype.hasOwnProperty.call(seg, offerId)) return seg[offerId];
  }
  if (Object.prototype.hasOwnProperty.call(table.offers, offerId)) return table.offers[offerId];
  return table.globalRate;
}
