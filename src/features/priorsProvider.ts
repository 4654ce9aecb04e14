// Keeps the cold-start prior table fresh: recomputed from the offer aggregates every few minutes,
// off the request path. Until the first computation (or if the aggregates cannot be read) every
// offer gets the same neutral prior, so ranking works from the first request.
import type { Container } from '@azure/cosmos';
import { computePriors, emptyPriors, type OfferAggregateDoc, type PriorTable } from './priors';
import { Poller } from '../common/poller';

export interface PriorsProviderOptions {
  refreshMs: number;
  strength: number;
  log?: (message: string) => void;
}

/** Offer documents, overall and per segment (kind 'offerSegment', views and clicks by device), daily-or-coarser of the last `days` days, in one window size (sizes would double count). */
export async function readOfferAggregates(container: Container, windowMinutes: number, days: number, now = new Date()): Promise<OfferAggregateDoc[]> {
  const since = new Date(now.getTime() - days * 86_400_000).toISOString();
  const { resources } = await container.items
    .query<OfferAggregateDoc>({
      query:
        'SELECT c.offerId, c.segment, c.views, c.clicks, c.decisions, c.rewardSum FROM c ' +
        "WHERE (c.kind = 'offer' OR c.kind = 'offerSegment') AND c.windowMinutes = @minutes AND c.windowStart >= @since",
      parameters: [
        { name: '@minutes', value: windowMinutes },
        { name: '@since', value: since },
      ],
    })
    .fetchAll();
  return resources;
}

export class PriorsProvider {
  private table: PriorTable;
  private readonly poller: Poller<void>;
  private readonly log: (message: string) => void;

  constructor(private readonly read: () => Promise<OfferAggregateDoc[]>, private readonly opts: PriorsProviderOptions) {
    this.table = emptyPriors(opts.strength);
    this.log = opts.log ?? (() => {});
    this.poller = new Poller(
      () =>
        this.read()
          .then((docs) => {
            this.table = computePriors(docs, this.opts.strength);
          })
          .catch((error: unknown) => this.log(`priors: refresh failed, keeping the table of ${this.table.computedAt}: ${(error as Error).message}`)),
      opts.refreshMs,
    );
  }

  get current(): PriorTable {
    return this.table;
  }

  /** One refresh now (a failed one keeps the table and is logged); concurrent callers share it. */
  refresh(): Promise<void> {
    return this.poller.check();
  }

  /** First refresh, then periodic ones. */
  start(): Promise<void> {
    return this.poller.start();
  }

  stop(): void {
    void this.poller.stop();
  }
}
