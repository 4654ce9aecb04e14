// The offline simulation's stand-in for the offer aggregates the ranker's priors are computed from:
// per offer views, clicks, decisions and reward sum, and per offer and device views and clicks
// (the `offer` and `offerSegment` documents), turned into a PriorTable with the ranker's own code.
import { computePriors, emptyPriors, type OfferAggregateDoc, type PriorTable } from '../../src/features/priors';
import type { TrackedEvent } from '../../src/events/eventSchema';

interface Counts {
  views: number;
  clicks: number;
  decisions: number;
  rewardSum: number;
}

const zero = (): Counts => ({ views: 0, clicks: 0, decisions: 0, rewardSum: 0 });

export class PriorTally {
  private readonly offers = new Map<string, Counts>();
  private readonly segments = new Map<string, Counts>();
  private table: PriorTable;

  constructor(private readonly strength = 20) {
    this.table = emptyPriors(strength);
  }

  add(event: Pick<TrackedEvent, 'type' | 'offerId' | 'context' | 'value'>): void {
    const id = event.offerId;
    if (!id) return;
    const o = this.offers.get(id) ?? zero();
    this.offers.set(id, o);
    if (event.type === 'offer_view') o.views++;
    else if (event.type === 'offer_click') o.clicks++;
    else if (event.type === 'decision') o.decisions++;
    else if (event.type === 'reward') o.rewardSum += event.value ?? 0;
    if (event.type === 'offer_view' || event.type === 'offer_click') {
      const key = `${id}\u0000${event.context?.device ?? 'unknown'}`;
      const s = this.segments.get(key) ?? zero();
      this.segments.set(key, s);
      if (event.type === 'offer_view') s.views++;
      else s.clicks++;
    }
  }

  /** Recomputes the table (the ranker refreshes it periodically). */
  refresh(now = new Date()): PriorTable {
    const docs: OfferAggregateDoc[] = [];
    for (const [offerId, c] of this.offers) docs.push({ offerId, ...c });
    for (const [key, c] of this.segments) {
      const [offerId, segment] = key.split('\u0000');
      docs.push({ offerId, segment, views: c.views, clicks: c.clicks });
    }
    this.table = computePriors(docs, this.strength, now);
    return this.table;
  }

  get current(): PriorTable {
    return this.table;
  }
}
