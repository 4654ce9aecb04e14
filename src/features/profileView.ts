// The part of a stored user profile (src/aggregation/profile.ts) the features read, as plain
// data: it is logged with every decision so the trainer rebuilds the same rows.
import type { ProfileFields } from '../aggregation/profile';
import type { ProfileSnapshot } from '../events/learningEvents';

/**
 * The same shape as the learning events' ProfileSnapshot (the contract the decision event logs);
 * `categoryAffinity` is the decayed interest as of lastSeen, decayed on to the decision time by
 * the feature builder.
 */
export type ProfileView = ProfileSnapshot;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const time = (v: unknown): number | null => {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(ms) ? ms : null;
};

function numberRecord(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    for (const [k, n] of Object.entries(v as Record<string, unknown>)) if (typeof n === 'number' && Number.isFinite(n)) out[k] = n;
  }
  return out;
}

/** Reads a profile document tolerantly: missing or malformed fields become empty. */
export function profileViewFromDocument(doc: Partial<Record<keyof ProfileFields, unknown>>): ProfileView {
  const recent = Array.isArray(doc.recentProducts) ? doc.recentProducts : [];
  return {
    events: num(doc.events),
    purchases: num(doc.purchases),
    totalRevenue: num(doc.totalRevenue),
    counts: numberRecord(doc.counts),
    firstSeenMs: time(doc.firstSeen),
    lastSeenMs: time(doc.lastSeen),
    categoryAffinity: numberRecord(doc.categoryAffinity),
    recentProducts: recent
      .map((r) => (typeof r === 'object' && r !== null ? (r as { productId?: unknown }).productId : undefined))
      .filter((p): p is string => typeof p === 'string'),
  };
}

/** A user counts as returning when first seen more than this before the decision (an earlier session). */
export const RETURNING_AFTER_MS = 30 * 60_000;

export function isReturning(profile: ProfileView | undefined, nowMs: number): boolean {
  return profile !== undefined && profile.events > 0 && profile.firstSeenMs !== null && profile.firstSeenMs < nowMs - RETURNING_AFTER_MS;
}
