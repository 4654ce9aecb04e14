// A Cosmos DB container of documents partitioned by their own id (/id), with an `updatedAt` stamp:
// the offer catalog and the product catalog. Reads come back without Cosmos DB's system fields.
import type { Container, Database } from '@azure/cosmos';
import { cosmosStatusOf as statusOf, deleteOwnPartitionDocument } from './cosmosDocuments';

export type Stamped<T> = T & { updatedAt: string };

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];

function withoutSystemFields<T>(doc: Record<string, unknown>): Stamped<T> {
  const out = { ...doc };
  for (const f of SYSTEM_FIELDS) delete out[f];
  return out as Stamped<T>;
}

export class IdKeyedStore<T extends { id: string }> {
  private ready: Promise<void> | undefined;

  constructor(private readonly database: Database, private readonly containerId: string) {}

  /** The container, created on first use; where the identity may not create it (403), it must exist. */
  async container(): Promise<Container> {
    this.ready ??= (async () => {
      try {
        await this.database.containers.createIfNotExists({ id: this.containerId, partitionKey: { paths: ['/id'] } });
      } catch (error) {
        if (statusOf(error) !== 403) throw error;
        await this.database.container(this.containerId).read();
      }
    })().catch((error: unknown) => {
      this.ready = undefined; // the next call tries again
      throw error;
    });
    await this.ready;
    return this.database.container(this.containerId);
  }

  /** Creates or replaces; `created` tells which. */
  async put(document: T, now = new Date()): Promise<{ document: Stamped<T>; created: boolean }> {
    const c = await this.container();
    const response = await c.items.upsert({ ...document, updatedAt: now.toISOString() });
    return { document: withoutSystemFields<T>(response.resource as unknown as Record<string, unknown>), created: response.statusCode === 201 };
  }

  async get(id: string): Promise<Stamped<T> | undefined> {
    const c = await this.container();
    const response = await c.item(id, id).read<Record<string, unknown>>();
    return response.resource ? withoutSystemFields<T>(response.resource) : undefined;
  }

  /** True when it existed. */
  async delete(id: string): Promise<boolean> {
    return deleteOwnPartitionDocument(await this.container(), id);
  }

  /** Every document (or those `where` selects, a condition on `c`), ordered by id. */
  async list(where?: string): Promise<Stamped<T>[]> {
    const c = await this.container();
    const { resources } = await c.items.query<Record<string, unknown>>(`SELECT * FROM c${where ? ` WHERE ${where}` : ''}`).fetchAll();
    return resources.map((r) => withoutSystemFields<T>(r)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
