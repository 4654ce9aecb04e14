// The product catalog in Cosmos DB: container `products` (ProductsContainer), partition key /id,
// one document per product; and each instance's cached view of it (which products exist and
// which are unavailable), refreshed every ProductCatalogCacheSeconds and at once after a change
// made through this instance.
import type { Container, Database } from '@azure/cosmos';
import type { Product } from './productSchema';

export interface StoredProduct extends Product {
  updatedAt: string;
}

const SYSTEM_FIELDS = ['_rid', '_self', '_etag', '_attachments', '_ts'];
const statusOf = (e: unknown) => (e as { statusCode?: unknown } | null)?.statusCode ?? (e as { code?: unknown } | null)?.code;

function strip(doc: Record<string, unknown>): StoredProduct {
  const out = { ...doc };
  for (const f of SYSTEM_FIELDS) delete out[f];
  return out as unknown as StoredProduct;
}

export class ProductStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly database: Database, private readonly containerId: string) {}

  private async container(): Promise<Container> {
    this.ready ??= (async () => {
      try {
        await this.database.containers.createIfNotExists({ id: this.containerId, partitionKey: { paths: ['/id'] } });
      } catch (error) {
        if (statusOf(error) !== 403) throw error;
        await this.database.container(this.containerId).read();
      }
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
    return this.database.container(this.containerId);
  }

  async put(product: Product, now = new Date()): Promise<{ product: StoredProduct; created: boolean }> {
    const c = await this.container();
    const response = await c.items.upsert({ ...product, updatedAt: now.toISOString() });
    return { product: strip(response.resource as unknown as Record<string, unknown>), created: response.statusCode === 201 };
  }

  async get(id: string): Promise<StoredProduct | undefined> {
    const c = await this.container();
    const response = await c.item(id, id).read<Record<string, unknown>>();
    return response.resource ? strip(response.resource) : undefined;
  }

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

  async list(): Promise<StoredProduct[]> {
    const c = await this.container();
    const { resources } = await c.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
    return resources.map(strip).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Writes many products, `concurrency` at a time (the import checks them all first). */
  async putAll(products: readonly Product[], opts: { concurrency?: number; progress?: (done: number) => void } = {}): Promise<number> {
    const c = await this.container();
    const now = new Date().toISOString();
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < products.length) {
        const p = products[next++];
        await c.items.upsert({ ...p, updatedAt: now });
        done++;
        opts.progress?.(done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, products.length) }, worker));
    return done;
  }
}

export interface CatalogView {
  /** Products by id (title, category, price for the ranker's action features). */
  products: Map<string, StoredProduct>;
  /** False when the catalog is empty: every modelled product is then taken as available. */
  known: boolean;
}

/** The cached catalog of one instance. */
export class CatalogCache {
  private view: CatalogView | undefined;
  private loadedAt = 0;
  private loading: Promise<CatalogView> | undefined;

  constructor(private readonly load: () => Promise<StoredProduct[]>, private readonly opts: { ttlMs: number; now?: () => number; log?: (m: string) => void }) {}

  async get(): Promise<CatalogView> {
    const now = (this.opts.now ?? Date.now)();
    if (this.view && now - this.loadedAt < this.opts.ttlMs) return this.view;
    this.loading ??= this.load()
      .then((list) => {
        this.view = { products: new Map(list.map((p) => [p.id, p])), known: list.length > 0 };
        this.loadedAt = (this.opts.now ?? Date.now)();
        return this.view;
      })
      .catch((error: unknown) => {
        // Keep serving the last view when the catalog cannot be read.
        this.opts.log?.(`product catalog: refresh failed: ${(error as Error).message}`);
        if (this.view) return this.view;
        throw error;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  invalidate(): void {
    this.loadedAt = 0;
  }
}

/** Whether a product may be recommended: in the catalog and available (any product while the catalog is empty). */
export function isRecommendable(view: CatalogView, id: string): boolean {
  if (!view.known) return true;
  const p = view.products.get(id);
  return p !== undefined && p.available;
}
