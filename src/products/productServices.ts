// What the product capability keeps between invocations: the catalog store and its cached view,
// the product model watcher (started on first use), and the recommender. The last-step ranker
// and the shoppers' recent events come from the ranking capability, wired by src/app.
import { readModelIntegrity } from '../config/modelIntegritySettings';
import type { AzureClients } from '../clients/azureClients';
import type { Env } from '../config/settings';
import { readProductSettings, type ProductSettings } from '../config/productSettings';
import { CatalogCache, ProductStore } from './catalog/productStore';
import { ProductModelStore, ProductModelWatcher } from './model/productModelStore';
import { ProductRecommender, type LastStepRanker, type RecentProductEvent } from './serving/productRecommender';
import { recentEventsReader } from './serving/recentEvents';
import { CatalogKeyCheck } from './http/catalogKey';

export interface ProductServicesWiring {
  ranker?: () => Promise<LastStepRanker | undefined>;
  recent?: (userKey: string) => Promise<RecentProductEvent[] | undefined>;
}

export class ProductServices {
  readonly settings: ProductSettings;
  readonly store: ProductStore;
  readonly catalog: CatalogCache;
  readonly watcher: ProductModelWatcher;
  readonly recommender: ProductRecommender;
  /** The catalog routes' key check (CatalogApiKeys). */
  readonly catalogKeys: CatalogKeyCheck;
  private started: Promise<unknown> | undefined;

  constructor(clients: AzureClients, env: Env, log: (m: string) => void, wiring: ProductServicesWiring = {}) {
    this.settings = readProductSettings(env);
    this.catalogKeys = new CatalogKeyCheck(this.settings.catalogApiKeys);
    this.store = new ProductStore(clients.cosmosClient().database(clients.settings.cosmosDatabase), this.settings.productsContainer);
    this.catalog = new CatalogCache(() => this.store.list(), { ttlMs: this.settings.catalogCacheSeconds * 1000, log });
    this.watcher = new ProductModelWatcher(new ProductModelStore(clients.archiveContainer(clients.settings.modelsContainer), readModelIntegrity(env)), this.settings.modelName, {
      pollSeconds: this.settings.modelPollSeconds,
      log,
    });
    this.recommender = new ProductRecommender({
      model: () => this.watcher.served,
      catalog: () => this.catalog.get(),
      recent: wiring.recent ?? recentEventsReader(clients),
      ...(wiring.ranker ? { ranker: wiring.ranker } : {}),
      rankCandidates: this.settings.rankCandidates,
      log,
    });
  }

  /** Loads the current model (once; later swaps come from polling). */
  async ready(): Promise<this> {
    this.started ??= this.watcher.start();
    await this.started;
    return this;
  }

  async close(): Promise<void> {
    await this.watcher.stop();
  }
}
