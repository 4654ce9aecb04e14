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
import { IdKeyedStore } from '../clients/idKeyedStore';
import { ConfigurationStore } from './configuration/configurationStore';
import { ConfigurationCache } from './configuration/configurationCache';
import { defaultConfiguration } from './configuration/serviceConfiguration';
import type { PersonalizerApiDeps } from './http/personalizerApi';
import { EvaluationStore } from './evaluations/evaluationStore';
import { FeatureImportanceStore } from './featureImportanceStore';
import { featureImportanceJobs, type FeatureImportanceJobs, type FeatureImportanceOutcome } from './featureImportanceJobs';
import type { ContainerClient } from '@azure/storage-blob';

/**
 * Feature importances are computed by the training pipeline (a layer above ranking); the
 * composition root (src/app) hands the computation in.
 */
export interface FeatureImportanceComputation {
  compute(input: { archive: ContainerClient; registry: ModelRegistry; modelName: string; from: Date; to: Date; now: Date }): Promise<FeatureImportanceOutcome>;
  /** No model, no logs in the range, …: reported in the job's description. */
  isDataError(error: unknown): boolean;
}

export type Log = (message: string) => void;

/** The archive writer's window (its default): the log properties' date range is in these steps. */
const ARCHIVE_WINDOW_MINUTES = 60;

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
  private configurationStoreInstance: ConfigurationStore | undefined;
  private configurationInstance: ConfigurationCache | undefined;
  private registryInstance: ModelRegistry | undefined;
  private evaluationStoreInstance: EvaluationStore | undefined;
  private documentsInstance: IdKeyedStore<{ id: string }> | undefined;
  private featureImportanceStoreInstance: FeatureImportanceStore | undefined;
  private featureImportanceJobsInstance: FeatureImportanceJobs | undefined;

  constructor(
    private readonly app: AzureClients,
    env: Record<string, string | undefined>,
    private readonly log: Log,
    private readonly random: Random = Math.random,
    private readonly featureImportance?: FeatureImportanceComputation,
  ) {
    const s = (this.settings = readRankingSettings(env));
    if (s.apiKeys.length === 0) log('ranking: PersonalizerApiKeys is not set; every Personalizer API call is answered 401');
    if (s.signingKeys.length === 0) log('ranking: RankingSigningKeys is not set; rank and /api/offers answer 503');
    this.apiKeys = new ApiKeyCheck(s.apiKeys);
    this.modelIntegrity = readModelIntegrity(env);
  }

  // Each part is created on first use, so the catalog endpoints work without Event Hubs settings, etc.

  get registry(): ModelRegistry {
    this.registryInstance ??= new ModelRegistry(this.app.archiveContainer(this.app.settings.modelsContainer), this.modelIntegrity);
    return this.registryInstance;
  }

  get watcher(): ModelWatcher {
    this.watcherInstance ??= new ModelWatcher(
      this.registry,
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

  /** The Personalizer API's own documents (configuration, evaluations, audit records). */
  get configurationStore(): ConfigurationStore {
    if (!this.configurationStoreInstance) {
      const documents = this.personalizerDocuments;
      this.configurationStoreInstance = new ConfigurationStore(() => documents.container(), () => defaultConfiguration(this.settings));
    }
    return this.configurationStoreInstance;
  }

  /** The Personalizer API's Cosmos DB container (created on first use). */
  private get personalizerDocuments(): IdKeyedStore<{ id: string }> {
    this.documentsInstance ??= new IdKeyedStore(this.app.cosmosClient().database(this.app.settings.cosmosDatabase), this.settings.personalizerContainer);
    return this.documentsInstance;
  }

  /** Feature importance jobs, beside the configuration. */
  get featureImportanceStore(): FeatureImportanceStore {
    const documents = this.personalizerDocuments;
    this.featureImportanceStoreInstance ??= new FeatureImportanceStore(() => documents.container());
    return this.featureImportanceStoreInstance;
  }

  /**
   * The feature importance jobs running on this instance (functions/personalizer.ts starts them,
   * functions/resumePersonalizerJobs.ts resumes them); the computation is the one handed in.
   */
  get featureImportanceJobs(): FeatureImportanceJobs {
    if (!this.featureImportanceJobsInstance) {
      const job = this.featureImportance;
      const s = this.settings;
      this.featureImportanceJobsInstance = featureImportanceJobs({
        store: this.featureImportanceStore,
        ...(job
          ? {
              compute: (range: { from: Date; to: Date }) =>
                job.compute({ archive: this.app.archiveContainer(this.app.settings.archiveContainer), registry: this.registry, modelName: s.modelName, ...range, now: new Date() }),
              isDataError: (error: unknown) => job.isDataError(error),
            }
          : {}),
        log: this.log,
      });
    }
    return this.featureImportanceJobsInstance;
  }

  /** The offline evaluations, in the same container as the configuration. */
  get evaluationStore(): EvaluationStore {
    const documents = this.personalizerDocuments;
    this.evaluationStoreInstance ??= new EvaluationStore(() => documents.container());
    return this.evaluationStoreInstance;
  }

  /** The service configuration this instance serves with, refreshed in the background. */
  get configuration(): ConfigurationCache {
    this.configurationInstance ??= new ConfigurationCache(this.configurationStore, defaultConfiguration(this.settings), {
      refreshMs: this.settings.configRefreshSeconds * 1000,
      log: this.log,
    });
    return this.configurationInstance;
  }

  /** Loads the model, priors and configuration once (each failure is logged; ranking then uses what it has). */
  start(): Promise<void> {
    this.started ??= (async () => {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, START_TIMEOUT_MS).unref());
      await Promise.race([Promise.all([this.watcher.start(), this.priors.start(), this.configuration.start()]).then(() => undefined), timeout]);
    })();
    return this.started;
  }

  async ranker(): Promise<Ranker> {
    await this.start();
    const decisionLog = this.decisionLog;
    const configuration = this.configuration;
    this.rankerInstance ??= new Ranker({
      settings: this.settings,
      configuration: () => configuration.current,
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
      rewardWaitSeconds: this.configuration.current.rewardWaitSeconds,
      rewardMin: s.rewardMin,
      rewardMax: s.rewardMax,
      publisher: this.app.publisher(),
      log: this.log,
    };
  }

  /**
   * Everything the Personalizer API's operations use; `log` is the invocation's. `startEvaluation`
   * runs an offline evaluation's job (src/training/evaluations, wired in by src/app).
   */
  personalizerApiDeps(log: Log, startEvaluation: (evaluationId: string) => Promise<void>): PersonalizerApiDeps {
    const s = this.settings;
    const configuration = () => ({
      store: this.configurationStore,
      cache: this.configuration,
      rewardRange: { min: s.rewardMin, max: s.rewardMax },
      defaultExploration: s.exploration,
      log,
    });
    return {
      apiKeys: this.apiKeys,
      ranker: () => this.ranker(),
      events: () => ({ ...this.eventCallDeps(), log }),
      configuration,
      models: () => ({
        registry: this.registry,
        modelName: s.modelName,
        signingKeys: s.signingKeys,
        changed: () => this.watcher.check(),
        log,
      }),
      logs: () => ({ archive: this.app.archiveContainer(this.app.settings.archiveContainer), windowMinutes: ARCHIVE_WINDOW_MINUTES, log }),
      evaluations: () => ({ store: this.evaluationStore, configuration: configuration(), start: startEvaluation, log }),
      logUploads: () => {
        const configuration = this.configuration;
        return {
          publisher: this.app.publisher(),
          rewardPolicy: () => {
            const c = configuration.current;
            return { waitSeconds: c.rewardWaitSeconds, defaultReward: c.defaultReward, aggregation: c.rewardAggregation, min: s.rewardMin, max: s.rewardMax };
          },
          log,
        };
      },
      featureImportances: () => ({
        store: this.featureImportanceStore,
        start: async (id: string) => void (await this.featureImportanceJobs.start(id)),
        log,
      }),
      log,
    };
  }

  async close(): Promise<void> {
    // A feature importance still running is given back to the store for another instance to resume.
    await this.featureImportanceJobsInstance?.close();
    this.priorsInstance?.stop();
    this.configurationInstance?.stop();
    await this.watcherInstance?.stop();
    await this.decisionLogInstance?.close();
  }
}
