// The offer catalog in Cosmos DB: container `catalog`, partition key /id, one document per offer.
import type { Container, Database } from '@azure/cosmos';
import type { Offer } from './offerSchema';

export interface StoredOffer extends Offer {
  updatedAt: string;
}

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

function strip(doc: Record<string, unknown>): StoredOffer {
  const out = { ...doc };
  for (const f of SYSTEM_FIELDS) delete out[f];
  return out as unknown as StoredOffer;
}

const statusOf = (e: unknown) => (e as { code?: unknown; statusCode?: unknown } | null)?.statusCode ?? (e as { code?: unknown } | null)?.code;

/** Creates the container when missing; where the identity may not (403), it must exist already. */
export async function ensureCatalogContainer(database: Database, id: string): Promise<void> {
  try {
    await database.containers.createIfNotExists({ id, partitionKey: { paths: ['/id'] } });
  } catch (error) {
    if (statusOf(error) !== 403) throw error;
    await database.container(id).read();
  }
}

export class CatalogStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly database: Database, private readonly containerId: string) {}

  private async container(): Promise<Container> {
    this.ready ??= ensureCatalogContainer(this.database, this.containerId).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    return this.database.container(this.containerId);
  }

  /** Creates or replaces; `created` tells which. */
  async put(offer: Offer, now = new Date()): Promise<{ offer: StoredOffer; created: boolean }> {
    const c = await this.container();
    const doc: StoredOffer = { ...offer, updatedAt: now.toISOString() };
    const response = await c.items.upsert(doc);
    return { offer: strip(response.resource as unknown as Record<string, unknown>), created: response.statusCode === 201 };
  }

  async get(id: string): Promise<StoredOffer | undefined> {
    const c = await this.container();
    const response = await c.item(id, id).read<Record<string, unknown>>();
    return response.resource ? strip(response.resource) : undefined;
  }

  /** True when it existed. */
  async delete(id: string): Promise<boolean> {
    const c = await this.container();
    try {
      await c.item(id, id).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  /** All offers (or only the ones flagged active), ordered by id. */
  async list(onlyActive = false): Promise<StoredOffer[]> {
    const c = await this.container();
    const query = onlyActive ? 'SELECT * FROM c WHERE c.active = true' : 'SELECT * FROM c';
    const { resources } = await c.items.query<Record<string, unknown>>(query).fetchAll();
    return resources.map(strip).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
