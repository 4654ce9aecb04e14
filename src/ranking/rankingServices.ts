// Everything the ranking functions share in one app instance, built on first use from the app
// settings: the model watcher, priors, profile cache, decision log, catalog.
import type { AzureClients } from '../clients/azureClients';
import { readRankingSettings, type RankingSettings } from '../config/rankingSettings';
import { AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../aggregation/containers';
import { ProfileCache, readProfile } from '../features/profileCache';
import { PriorsProvider, readOfferAggregates } from '../features/priorsProvider';
import { ModelRegistry } from '../models/modelRegistry';
import { readModelIntegrity, type ModelIntegritySettings } from '../config/modelIntegritySettings';
import { ModelWatcher } from '../scoring/modelWatcher';
import { ApiKeyCheck } from './apiKeyAuth';
import { ActiveOffers } from './catalog/activeOffers';
import { CatalogStore } from './catalog/catalogStore';
import { DecisionLog } from './decisionLog';
import type { Random } from '../learners/epsilonGreedy';
import type { EventCallDeps } from './http/eventCallDeps';
import type { TrackedRewardDeps } from './trackedRewards';
import { Ranker } from './ranker';

export type Log = (message: string) => void;

/** How long the first request waits for the initial model and priors before ranking anyway. */
const START_TIMEOUT_MS = 10_000;

export class RankingServices {
  readonly settings: RankingSettings;
  readonly apiKeys: ApiKeyCheck;
  private started: Promise<void> | undefined;
  private rankerInstance: Ranker | undefined;
  private watcherInstance: ModelWatcher | undefined;
  private priorsInstance: PriorsProvider | undefined;
  private profilesInstance: ProfileCache | undefined;
  private decisionLogInstance: DecisionLog | undefined;
  private catalogInstance: CatalogStore | undefined;
  private activeOffersInstance: ActiveOffers | undefined;
  /** ModelSigningKeys, ModelMaxBytes: what a model must pass before the watcher loads it. */
  private readonly modelIntegrity: ModelIntegritySettings;

  constructor(
    private readonly app: AzureClients,
    env: Record<string, string | undefined>,
    private readonly log: Log,
    private readonly random: Random = Math.random,
  ) {
    const s = (this.settings = readRankingSettings(env));
    if (s.apiKeys.length === 0) log('ranking: PersonalizerApiKeys is not set; every Personalizer API call is answered 401');
    if (s.signingKeys.length === 0) log('ranking: RankingSigningKeys is not set; rank and /api/offers answer 503');
    this.apiKeys = new ApiKeyCheck(s.apiKeys);
    this.modelIntegrity = readModelIntegrity(env);
  }

  // Each part is created on first use, so the catalog endpoints work without Event Hubs settings, etc.

  get watcher(): ModelWatcher {
    this.watcherInstance ??= new ModelWatcher(
      new ModelRegistry(this.app.archiveContainer(this.app.settings.modelsContainer), this.modelIntegrity),
      this.settings.modelName,
      { pollSeconds: this.settings.modelPollSeconds, log: this.log },
    );
    return this.watcherInstance;
  }

  get priors(): PriorsProvider {
    if (!this.priorsInstance) {
      const s = this.settings;
      const windowMinutes = Math.max(...this.app.settings.aggregationWindowsMinutes);
      const aggregates = this.app.cosmosContainer(AGGREGATES_CONTAINER);
      this.priorsInstance = new PriorsProvider(() => readOfferAggregates(aggregates, windowMinutes, s.priorsDays), {
        refreshMs: s.priorsRefreshSeconds * 1000,
        strength: s.priorStrength,
        log: this.log,
      });
    }
    return this.priorsInstance;
  }

  get profiles(): ProfileCache {
    if (!this.profilesInstance) {
      const profiles = this.app.cosmosContainer(PROFILES_CONTAINER);
      this.profilesInstance = new ProfileCache((userKey) => readProfile(profiles, userKey), {
        ttlMs: this.settings.profileCacheSeconds * 1000,
        maxEntries: this.settings.profileCacheEntries,
        log: this.log,
      });
    }
    return this.profilesInstance;
  }

  get decisionLog(): DecisionLog {
    this.decisionLogInstance ??= new DecisionLog(this.app.publisher(), { log: this.log });
    return this.decisionLogInstance;
  }

  get catalog(): CatalogStore {
    this.catalogInstance ??= new CatalogStore(this.app.cosmosClient().database(this.app.settings.cosmosDatabase), this.settings.catalogContainer);
    return this.catalogInstance;
  }

  get activeOffers(): ActiveOffers {
    this.activeOffersInstance ??= new ActiveOffers(() => this.catalog.list(true), { ttlMs: this.settings.catalogCacheSeconds * 1000, log: this.log });
    return this.activeOffersInstance;
  }

  /** Loads the model and priors once (each failure is logged; ranking then uses what it has). */
  start(): Promise<void> {
    this.started ??= (async () => {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, START_TIMEOUT_MS).unref());
      await Promise.race([Promise.all([this.watcher.start(), this.priors.start()]).then(() => undefined), timeout]);
    })();
    return this.started;
  }

  async ranker(): Promise<Ranker> {
    await this.start();
    const decisionLog = this.decisionLog;
    this.rankerInstance ??= new Ranker({
      settings: this.settings,
      model: () => this.watcher.model,
      priors: () => this.priors.current,
      profiles: this.profiles,
      logDecision: (event) => decisionLog.enqueue(event),
      random: this.random,
      log: this.log,
    });
    return this.rankerInstance;
  }

  /** What capture needs to turn a tracked event with a decisionId into a reward; undefined without signing keys. */
  trackedRewardDeps(): TrackedRewardDeps | undefined {
    const s = this.settings;
    if (s.signingKeys.length === 0) return undefined;
    return { signingKeys: s.signingKeys, rewardWaitSeconds: s.rewardWaitSeconds, values: s.trackedRewards };
  }

  eventCallDeps(): EventCallDeps {
    const s = this.settings;
    return {
      apiKeys: this.apiKeys,
      signingKeys: s.signingKeys,
      rewardWaitSeconds: s.rewardWaitSeconds,
      rewardMin: s.rewardMin,
      rewardMax: s.rewardMax,
      publisher: this.app.publisher(),
      log: this.log,
    };
  }

  async close(): Promise<void> {
    this.priorsInstance?.stop();
    await this.watcherInstance?.stop();
    await this.decisionLogInstance?.close();
  }
}
