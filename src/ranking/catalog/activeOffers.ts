// The active offers GET /api/offers ranks, read from the catalog at most every few seconds
// (a stale list keeps serving while Cosmos DB is unreachable).
import type { StoredOffer } from './catalogStore';

export interface ActiveOffersOptions {
  ttlMs: number;
  now?: () => number;
  log?: (message: string) => void;
}

export class ActiveOffers {
  private offers: StoredOffer[] | undefined;
  private fetchedAt = -Infinity;
  private loading: Promise<StoredOffer[]> | undefined;
  private readonly now: () => number;

  constructor(private readonly read: () => Promise<StoredOffer[]>, private readonly opts: ActiveOffersOptions) {
    this.now = opts.now ?? Date.now;
  }

  async get(): Promise<StoredOffer[]> {
    if (this.offers && this.now() - this.fetchedAt < this.opts.ttlMs) return this.offers;
    this.loading ??= this.read()
      .then((offers) => {
        this.offers = offers;
        this.fetchedAt = this.now();
        return offers;
      })
      .catch((error: unknown) => {
        if (!this.offers) throw error;
        this.opts.log?.(`catalog: refresh failed, serving the list of ${new Date(this.fetchedAt).toISOString()}: ${(error as Error).message}`);
        return this.offers;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** After an admin change in this instance: the next request reads the catalog again. */
  invalidate(): void {
    this.fetchedAt = -Infinity;
  }
}
