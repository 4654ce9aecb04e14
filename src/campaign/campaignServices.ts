// What the campaign functions share in one app instance, built on first use from the app
// settings: the model watcher (hot-swaps `campaign/current`), containers, campaign cache.
import { readModelIntegrity, type ModelIntegritySettings } from '../config/modelIntegritySettings';
import type { Container } from '@azure/cosmos';
import type { AzureClients } from '../clients/azureClients';
import { readCampaignSettings, type CampaignSettings } from '../config/campaignSettings';
import { ModelRegistry } from '../models/modelRegistry';
import { ModelWatcher } from '../scoring/modelWatcher';
import { campaignModelOf, loadServingCampaignModel } from './model/loadCampaignModel';
import type { CampaignModel } from './model/campaignModel';
import { CampaignCache, findLeads, readCampaign } from './recommend/cosmosLookups';
import type { RecommendHandlerDeps } from './recommend/recommendHandler';
import type { PlanJobDeps } from './plan/planCampaign';

export type Log = (message: string) => void;

/** How long the first request waits for the model before answering 503. */
const START_TIMEOUT_MS = 10_000;

export class CampaignServices {
  readonly settings: CampaignSettings;
  private watcherInstance: ModelWatcher | undefined;
  private started: Promise<void> | undefined;
  private cacheInstance: CampaignCache | undefined;

  private readonly integrity: ModelIntegritySettings;

  constructor(private readonly app: AzureClients, env: Record<string, string | undefined>, private readonly log: Log) {
    this.settings = readCampaignSettings(env);
    this.integrity = readModelIntegrity(env);
  }

  get registry(): ModelRegistry {
    return new ModelRegistry(this.app.archiveContainer(this.app.settings.modelsContainer), this.integrity);
  }

  get watcher(): ModelWatcher {
    this.watcherInstance ??= new ModelWatcher(this.registry, this.settings.modelName, {
      pollSeconds: this.settings.modelPollSeconds,
      log: this.log,
      load: loadServingCampaignModel,
    });
    return this.watcherInstance;
  }

  get leads(): Container {
    return this.app.cosmosContainer(this.settings.leadsContainer);
  }

  get plans(): Container {
    return this.app.cosmosContainer(this.settings.plansContainer);
  }

  private get campaigns(): CampaignCache {
    this.cacheInstance ??= new CampaignCache((id) => readCampaign(this.plans, id), this.settings.campaignCacheSeconds * 1000);
    return this.cacheInstance;
  }

  get model(): CampaignModel | undefined {
    return campaignModelOf(this.watcher.model);
  }

  /** Loads the model once (a failure is logged; requests then answer 503 until one loads). */
  start(): Promise<void> {
    this.started ??= Promise.race([
      this.watcher.start().then(() => undefined),
      new Promise<void>((resolve) => setTimeout(resolve, START_TIMEOUT_MS).unref()),
    ]);
    return this.started;
  }

  async recommendDeps(log: Log): Promise<RecommendHandlerDeps> {
    await this.start();
    return {
      model: () => this.model,
      engine: this.settings.scoringEngine,
      findLeads: (ids) => findLeads(this.leads, ids),
      findCampaign: (id) => this.campaigns.get(id),
      maxLeads: this.settings.recommendMaxLeads,
      log,
    };
  }

  planDeps(log: Log): PlanJobDeps {
    return { registry: this.registry, modelName: this.settings.modelName, engine: this.settings.scoringEngine, leads: this.leads, plans: this.plans, money: this.settings, log };
  }

  async close(): Promise<void> {
    await this.watcherInstance?.stop();
  }
}
