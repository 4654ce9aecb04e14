// Past activity of returning users, sent before the simulation with past timestamps so their
// profiles (category interest, purchases, first seen) exist when the first offers are ranked.
// Before personalization the shop rotated its offers uniformly: history slots show a random
// offer, clicked with the user's true probability, so the offer aggregates (and with them the
// cold-start priors per offer and device) have data from the start.
import type { ClientEvent } from '../../src/events/eventSchema';
import type { SimCatalog } from './catalog';
import { offerSlotEvents } from './offerEvents';
import type { SimUser } from './population';
import type { Rng } from './rng';
import { EventIds, planSession } from './sessionPlan';
import { clickProbability } from './truth';

export interface HistoryOptions {
  /** Sessions per returning user, inclusive range. Default [2, 4]. */
  sessions?: [number, number];
  /** How far back the history goes. Default 14 days. */
  days?: number;
  /** Rotated offer impressions in history sessions (default true). */
  offers?: boolean;
}

const DAY_MS = 86_400_000;

/** Past sessions, oldest first; none for new users. */
export function historyEvents(user: SimUser, catalog: SimCatalog, rng: Rng, nowMs: number, opts: HistoryOptions = {}): ClientEvent[] {
  if (user.isNew) return [];
  const r = rng.fork(`history-${user.id}`);
  const ids = new EventIds(r.fork('ids'));
  const [lo, hi] = opts.sessions ?? [2, 4];
  const days = opts.days ?? 14;
  const starts = Array.from({ length: r.between(lo, hi) }, () => nowMs - DAY_MS / 24 - r.next() * days * DAY_MS).sort((a, b) => a - b);
  const events: ClientEvent[] = [];
  for (const start of starts) {
    let t = start;
    const stamp = () => new Date((t += 5_000 + r.int(60_000))).toISOString();
    const plan = planSession(user, catalog, r, ids, { slots: opts.offers ?? true, products: [2, 5] }, stamp);
    for (const page of plan.pages) {
      events.push(...page.events);
      if (!page.slot) continue;
      const offer = r.pick(catalog.offers);
      const clicked = r.next() < clickProbability(user, page.slot, offer);
      events.push(...offerSlotEvents(user, page, page.slot, offer, clicked, () => ids.next(), stamp()));
    }
  }
  return events;
}
