// The product catalog in Cosmos DB: container `products` (ProductsContainer), partition key /id,
// one document per product; and each instance's cached view of it (which products exist and
// which are unavailable), refreshed every ProductCatalogCacheSeconds and at once after a change
// made through this instance.
import type { Database } from '@azure/cosmos';
import { IdKeyedStore } from '../../clients/idKeyedStore';
import type { Product } from './productSchema';

export interface StoredProduct extends Product {
  updatedAt: string;
}

export class ProductStore {
  private readonly store: IdKeyedStore<Product>;

  constructor(database: Database, containerId: string) {
    this.store = new IdKeyedStore<Product>(database, containerId);
  }

  async put(product: Product, now = new Date()): Promise<{ product: StoredProduct; created: boolean }> {
    const { document, created } = await this.store.put(product, now);
    return { product: document, created };
  }

  get(id: string): Promise<StoredProduct | undefined> {
    return this.store.get(id);
  }

  delete(id: string): Promise<boolean> {
    return this.store.delete(id);
  }

  list(): Promise<StoredProduct[]> {
    return this.store.list();
  }

  /** Writes many products, `concurrency` at a time (the import checks them all first). */
  async putAll(products: readonly Product[], opts: { concurrency?: number; progress?: (done: number) => void } = {}): Promise<number> {
    const c = await this.store.container();
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
