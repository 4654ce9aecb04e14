// The offer catalog in Cosmos DB: container `catalog`, partition key /id, one document per offer.
import type { Database } from '@azure/cosmos';
import { IdKeyedStore } from '../../clients/idKeyedStore';
import type { Offer } from './offerSchema';

export interface StoredOffer extends Offer {
  updatedAt: string;
}

/** The offers, by id. */
export class CatalogStore {
  private readonly store: IdKeyedStore<Offer>;

  constructor(database: Database, containerId: string) {
    this.store = new IdKeyedStore<Offer>(database, containerId);
  }

  /** Creates or replaces; `created` tells which. */
  async put(offer: Offer, now = new Date()): Promise<{ offer: StoredOffer; created: boolean }> {
    const { document, created } = await this.store.put(offer, now);
    return { offer: document, created };
  }

  get(id: string): Promise<StoredOffer | undefined> {
    return this.store.get(id);
  }

  /** True when it existed. */
  delete(id: string): Promise<boolean> {
    return this.store.delete(id);
  }

  /** All offers (or only the ones flagged active), ordered by id. */
  list(onlyActive = false): Promise<StoredOffer[]> {
    return this.store.list(onlyActive ? 'c.active = true' : undefined);
  }
}
