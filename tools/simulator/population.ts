// Simulated users with latent preferences: a segment, category affinities (a probability vector
// that drives both what they browse and what they click), price sensitivity, device and
// time-of-day habits. Some users are new: no history before their first simulated session.
import type { Rng } from './rng';
import { CATEGORIES, SEGMENTS, SEGMENT_PROFILE, SIM_DEVICES, TIMES_OF_DAY, type UserSegment } from './world';

export interface SimUser {
  id: string;
  segment: UserSegment;
  /** Latent category interest, sums to 1 (index = CATEGORIES). */
  affinity: number[];
  priceSensitivity: number;
  /** Probability of each SIM_DEVICES entry. */
  devices: number[];
  /** Probability of each TIMES_OF_DAY entry. */
  times: number[];
  /** No history before the simulation: cold start. */
  isNew: boolean;
}

export interface PopulationOptions {
  users: number;
  /** Share of users with no history (default 0.2). */
  newShare?: number;
  /** Prefix of user ids (default "sim-u"). */
  idPrefix?: string;
}

function mix(base: Record<string, number>, keys: readonly string[], rng: Rng, jitter: number): number[] {
  const w = keys.map((k) => Math.max(0.01, base[k] * Math.exp(rng.normal(0, jitter))));
  const sum = w.reduce((s, x) => s + x, 0);
  return w.map((x) => x / sum);
}

export function generateUser(rng: Rng, index: number, isNew: boolean, idPrefix = 'sim-u'): SimUser {
  const r = rng.fork(`user-${index}`);
  const segment = SEGMENTS[r.weighted(SEGMENTS.map((s) => SEGMENT_PROFILE[s].share))];
  const profile = SEGMENT_PROFILE[segment];
  // Peaked preferences: one or two categories dominate, the segment's favourites more often.
  const alpha = CATEGORIES.map((c) => (profile.favours.includes(c) ? 0.9 : 0.25));
  const affinity = r.dirichlet(alpha);
  return {
    id: `${idPrefix}-${String(index).padStart(6, '0')}`,
    segment,
    affinity,
    priceSensitivity: Math.max(0, profile.priceSensitivity + r.normal(0, 0.2)),
    devices: mix(profile.devices, SIM_DEVICES, r, 0.5),
    times: mix(profile.times, TIMES_OF_DAY, r, 0.4),
    isNew,
  };
}

/** Users 0 … n-1; the last `newShare` of them are new. Each user depends only on (seed, index). */
export function generatePopulation(rng: Rng, opts: PopulationOptions): SimUser[] {
  const newShare = opts.newShare ?? 0.2;
  const firstNew = Math.round(opts.users * (1 - newShare));
  return Array.from({ length: opts.users }, (_, i) => generateUser(rng, i, i >= firstNew, opts.idPrefix));
}
