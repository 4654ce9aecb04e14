// The one services object of a function app process: the Azure clients and, built on first use,
// what each capability keeps between invocations (ranking's model watcher, priors and caches,
// campaign's model watcher, the processing writers). The functions reach it through
// appServices(); the Functions `appTerminate` hook (functions/setup.ts) closes it, and the next
// appServices() call builds a new one from the settings of that time (the local host, which
// honours the hook, restarts this way; so do tests that change settings).
import { AzureClients } from '../clients/azureClients';
import type { Env } from '../config/settings';
import { CampaignServices } from '../campaign/campaignServices';
import { ProcessingServices } from '../processing/processingServices';
import { RankingServices, type FeatureImportanceComputation } from '../ranking/rankingServices';
import { computeFeatureImportance } from '../training/offers/featureImportance';
import { TrainingDataError } from '../training/trainingDataError';
import { ProductServices } from '../products/productServices';
import { recentEventsReader } from '../products/serving/recentEvents';
import { profileViewFromDocument } from '../features/profileView';
import type { TrackedEvent } from '../events/eventSchema';
import { trackedRewardFor, type TrackedRewardResult } from '../ranking/trackedRewards';
import { NamedKeyCheck } from '../common/namedKeyCheck';
import { CAMPAIGN_ADMIN_KEY, CATALOG_ADMIN_KEY, readAdminKeys } from '../config/adminKeySettings';
import { readIdentitySettings, type IdentitySettings } from '../config/identitySettings';
import type { IdentityPolicy } from '../capture/eventIdentity';
import type { KnownIds } from '../capture/catalogCheck';
import { EvaluationJobs } from '../training/evaluations/evaluationJobs';

export type Log = (message: string) => void;

export class AppServices {
  readonly clients: AzureClients;
  private rankingInstance?: RankingServices;
  private campaignInstance?: CampaignServices;
  private processingInstance?: ProcessingServices;
  private productsInstance?: ProductServices;
  private catalogKeysInstance?: NamedKeyCheck;
  private campaignKeysInstance?: NamedKeyCheck;
  private identity?: IdentitySettings;
  private evaluationJobsInstance?: EvaluationJobs;

  /**
   * `log` receives what the long-lived parts report outside any invocation (model swaps, priors
   * refreshes); per-request messages go to each invocation's own context logger.
   */
  constructor(private readonly env: Env = process.env, private readonly log: Log = (m) => console.warn(m)) {
    this.clients = new AzureClients(env);
  }

  /** Throws SettingsError when a ranking setting is invalid (the ranking routes answer 503). */
  ranking(): RankingServices {
    this.rankingInstance ??= new RankingServices(this.clients, this.env, this.log, Math.random, FEATURE_IMPORTANCE);
    return this.rankingInstance;
  }

  campaign(): CampaignServices {
    this.campaignInstance ??= new CampaignServices(this.clients, this.env, this.log);
    return this.campaignInstance;
  }

  /**
   * Throws SettingsError when a product setting is invalid. The offer ranker is the last step of
   * every recommendation (source 'recommendations'). Without ranking settings (no signing key) the
   * recommendations are served in the model's order.
   */
  products(): ProductServices {
    this.productsInstance ??= new ProductServices(this.clients, this.env, this.log, {
      // One profile read per request: the recent-events reader hands the document it read to the
      // ranker's profile cache, which the last step then reads from memory.
      recent: recentEventsReader(this.clients, {
        onDocument: (userKey, doc) => {
          let profiles;
          try {
            profiles = this.ranking().profiles;
          } catch {
            return; // ranking not configured: recommendations are served in the model's order
          }
          profiles.seed(userKey, doc ? profileViewFromDocument(doc) : undefined);
        },
      }),
      ranker: async () => {
        const ranker = await this.ranking().ranker();
        return (input) =>
          ranker.rank({
            contextFeatures: input.contextFeatures,
            actions: input.actions,
            excludedActions: new Set(),
            deferActivation: false,
            ...(input.userId !== undefined ? { userId: input.userId, anonymous: input.anonymous } : {}),
            source: 'recommendations',
          });
      },
    });
    return this.productsInstance;
  }

  /**
   * Capture's link to the learning loop: a tracked product event with a recommendation's decisionId
   * → that decision's reward event. Undefined when ranking is not configured (no signing keys, or
   * an invalid ranking setting): the events are then stored without rewards, never refused.
   */
  trackedRewards(): ((event: TrackedEvent, now: Date) => TrackedRewardResult) | undefined {
    let deps;
    try {
      deps = this.ranking().trackedRewardDeps();
    } catch {
      return undefined;
    }
    if (deps === undefined) return undefined;
    const d = deps;
    return (event, now) => trackedRewardFor(event, d, now);
  }

  /** The catalog routes' key (CatalogApiKeys): the offer catalog's manage route checks it (products keep their own copy). */
  catalogKeys(): NamedKeyCheck {
    this.catalogKeysInstance ??= new NamedKeyCheck(CATALOG_ADMIN_KEY, readAdminKeys(this.env, CATALOG_ADMIN_KEY));
    return this.catalogKeysInstance;
  }

  /** The campaign admin routes' key (CampaignApiKeys). */
  campaignKeys(): NamedKeyCheck {
    this.campaignKeysInstance ??= new NamedKeyCheck(CAMPAIGN_ADMIN_KEY, readAdminKeys(this.env, CAMPAIGN_ADMIN_KEY));
    return this.campaignKeysInstance;
  }

  /**
   * The browser capture route's identity rules: user ids believed only with a valid UserTokenKeys
   * token, or undefined when UnverifiedUserIds is `trust`. A bad identity setting throws (the
   * route answers 500 and the log names the setting) rather than silently believing every userId.
   */
  identityPolicy(): IdentityPolicy | undefined {
    this.identity ??= readIdentitySettings(this.env);
    const { userTokenKeys, unverifiedUserIds } = this.identity;
    return unverifiedUserIds === 'trust' ? undefined : { keys: userTokenKeys, unverified: unverifiedUserIds };
  }

  /**
   * The catalogs the browser capture route checks ids against (cached views, no read per
   * request): the product catalog, and the offers the ranker serves. An empty catalog checks nothing.
   */
  async knownIds(): Promise<KnownIds> {
    const [products, offers] = await Promise.all([
      this.products().catalog.get(),
      this.ranking().activeOffers.get().catch(() => []),
    ]);
    return {
      ...(products.known ? { product: (id: string) => products.products.has(id) } : {}),
      ...(offers.length > 0 ? { offer: (id: string) => offers.some((o) => o.id === id) } : {}),
    };
  }

  /** The Personalizer API's offline evaluations running on this instance (functions/personalizer.ts starts them, functions/resumePersonalizerJobs.ts resumes them). */
  evaluationJobs(): EvaluationJobs {
    if (!this.evaluationJobsInstance) {
      const ranking = this.ranking();
      this.evaluationJobsInstance = new EvaluationJobs({
        store: ranking.evaluationStore,
        configurationStore: ranking.configurationStore,
        archive: { container: this.clients.archiveContainer(this.clients.settings.archiveContainer) },
        log: this.log,
      });
    }
    return this.evaluationJobsInstance;
  }

  processing(): ProcessingServices {
    this.processingInstance ??= new ProcessingServices(this.clients, this.env, this.log);
    return this.processingInstance;
  }

  async close(): Promise<void> {
    // A running evaluation's lease is given back: another instance (or this one, restarted) resumes it.
    await this.evaluationJobsInstance?.close();
    await this.rankingInstance?.close();
    await this.campaignInstance?.close();
    await this.productsInstance?.close();
    await this.clients.close();
  }
}

// On globalThis so that every copy of this module in a process (compiled and source, as under a
// test runner) shares one instance.
const SHARED = Symbol.for('personalization.appServices');
const holder = globalThis as { [SHARED]?: AppServices };

/** The process's services, built from the app settings (process.env) on first use. */
export function appServices(): AppServices {
  holder[SHARED] ??= new AppServices();
  return holder[SHARED];
}

/** Closes the process's services (the appTerminate hook); the next appServices() builds anew. */
export async function closeAppServices(): Promise<void> {
  const old = holder[SHARED];
  holder[SHARED] = undefined;
  await old?.close();
}

/** The ranking API's feature importances, computed by the training pipeline (permutation on the logged window). */
const FEATURE_IMPORTANCE: FeatureImportanceComputation = {
  compute: ({ archive, ...rest }) => computeFeatureImportance({ archive: { container: archive }, ...rest }),
  isDataError: (error) => error instanceof TrainingDataError,
};
