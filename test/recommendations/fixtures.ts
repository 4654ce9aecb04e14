// Small deterministic interaction logs for the recommender tests.
import { InteractionLog, type InteractionKind } from '../../src/recommendations/interactionLog';
import { seededRandom } from '../../src/learners/epsilonGreedy';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 0, 1);

/** A seeded generator (the learners' mulberry32). */
export const rng = seededRandom;

export function logOf(rows: readonly [user: string, item: string, day: number, kind?: InteractionKind, basket?: string][]): InteractionLog {
  const log = new InteractionLog();
  for (const [user, item, day, kind, basket] of rows) log.add(user, item, T0 + day * DAY, kind ?? 'purchase', basket ?? `${user}-${day}`);
  return log;
}

/**
 * Shoppers with tastes: items belong to `groups` clusters; each shopper buys mostly from one
 * cluster, repeats favourites, over `days` days.
 */
export function clusteredLog(opts: { users: number; items: number; groups: number; days: number; basketsPerUser: number; seed: number }): InteractionLog {
  const r = rng(opts.seed);
  const log = new InteractionLog();
  const perGroup = Math.floor(opts.items / opts.groups);
  for (let u = 0; u < opts.users; u++) {
    const g = u % opts.groups;
    const favourites = [0, 1, 2].map(() => g * perGroup + Math.floor(r() * perGroup));
    for (let b = 0; b < opts.basketsPerUser; b++) {
      const day = Math.floor(r() * opts.days);
      const size = 2 + Math.floor(r() * 4);
      for (let s = 0; s < size; s++) {
        const pick = r();
        const item = pick < 0.3 ? favourites[Math.floor(r() * 3)] : pick < 0.9 ? g * perGroup + Math.floor(r() * perGroup) : Math.floor(r() * opts.items);
        log.add(`u${u}`, `p${item}`, T0 + day * DAY + Math.floor(r() * DAY), 'purchase', `u${u}-b${b}`, { segment: u % 2 === 0 ? 'UK' : 'FR' });
      }
    }
  }
  return log;
}
