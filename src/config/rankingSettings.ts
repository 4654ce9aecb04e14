// Settings of the ranking API (Personalizer-compatible Rank/Reward/Activate, /api/offers).
// Kept apart from settings.ts so the lead can merge RANKING_SETTING_NAMES into APP_SETTING_NAMES.
import { Env, SettingsError, numberSetting } from './settings';

export type RewardAggregation = 'earliest' | 'sum';

export interface RankingSettings {
  /** Keys accepted in Ocp-Apim-Subscription-Key; several so one can be rotated while the other serves. */
  apiKeys: string[];
  /** HMAC keys for event ids: the first signs, all verify (rotation). */
  signingKeys: Buffer[];
  /** Share of rank calls that explore (epsilon of epsilon-greedy), 0..1. */
  exploration: number;
  /** How long after a rank call its reward is accepted, in seconds (Personalizer default PT10M). */
  rewardWaitSeconds: number;
  /** Reward the training join assigns to activated events that got none within the wait time. */
  defaultReward: number;
  /** How the training join combines several rewards of one event. */
  rewardAggregation: RewardAggregation;
  rewardMin: number;
  rewardMax: number;
  /** Name of the model in the registry (`<name>/current`). */
  modelName: string;
  /** How often the scorer checks the model pointer's ETag. */
  modelPollSeconds: number;
  profileCacheSeconds: number;
  profileCacheEntries: number;
  priorsRefreshSeconds: number;
  /** Days of daily offer aggregates the cold-start priors are computed from. */
  priorsDays: number;
  /** Pseudo-observations of the Beta prior that pulls each offer's rate toward the overall rate. */
  priorStrength: number;
  catalogContainer: string;
  catalogCacheSeconds: number;
  /** Cosmos DB container of the Personalizer API's own documents: configuration, evaluations, audit records. */
  personalizerContainer: string;
  /** How often each instance re-reads the service configuration (a change is served everywhere within this). */
  configRefreshSeconds: number;
  /** Most offers GET /api/offers returns. */
  offersMaxN: number;
  /**
   * The reward a tracked product event with a recommendation's `decisionId` gives that decision,
   * by event type: product_view is the click (RecommendationClickReward), add_to_cart
   * (RecommendationCartReward), purchase (RecommendationPurchaseReward). Each within
   * [rewardMin, rewardMax]; default 1 (clamped into that range).
   */
  trackedRewards: { product_view: number; add_to_cart: number; purchase: number };
}

export const RANKING_SETTING_NAMES = [
  'PersonalizerApiKeys',
  'RankingSigningKeys',
  'RankingExploration',
  'RankingRewardWaitSeconds',
  'RankingDefaultReward',
  'RankingRewardAggregation',
  'RankingRewardMin',
  'RankingRewardMax',
  'RankingModelName',
  'RankingModelPollSeconds',
  'RankingProfileCacheSeconds',
  'RankingProfileCacheEntries',
  'RankingPriorsRefreshSeconds',
  'RankingPriorsDays',
  'RankingPriorStrength',
  'CatalogContainer',
  'CatalogCacheSeconds',
  'PersonalizerContainer',
  'RankingConfigRefreshSeconds',
  'OffersMaxN',
  'RecommendationClickReward',
  'RecommendationCartReward',
  'RecommendationPurchaseReward',
] as const;

export const RANKING_DEFAULTS = {
  exploration: 0.2,
  rewardWaitSeconds: 600,
  defaultReward: 0,
  rewardAggregation: 'earliest' as RewardAggregation,
  rewardMin: 0,
  rewardMax: 1,
  modelName: 'offer-ranker',
  modelPollSeconds: 30,
  profileCacheSeconds: 30,
  profileCacheEntries: 10_000,
  priorsRefreshSeconds: 300,
  priorsDays: 28,
  priorStrength: 20,
  catalogContainer: 'catalog',
  catalogCacheSeconds: 30,
  personalizerContainer: 'personalizer',
  configRefreshSeconds: 30,
  offersMaxN: 50,
};

/** Shortest signing key accepted: HMAC-SHA256 keys below 32 bytes weaken the signature. */
export const MIN_SIGNING_KEY_BYTES = 32;

/**
 * When App Service cannot resolve a Key Vault reference it passes the reference text itself;
 * such a value must never count as a key.
 */
export function isUnresolvedKeyVaultReference(value: string | undefined): boolean {
  return (value ?? '').trim().startsWith('@Microsoft.KeyVault(');
}

function listSetting(env: Env, name: string): string[] {
  if (isUnresolvedKeyVaultReference(env[name])) {
    throw new SettingsError(`Setting ${name} is an unresolved Key Vault reference: create the secret and check the app's Key Vault Secrets User role`);
  }
  return (env[name] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Signing keys are base64 (or base64url) strings of at least 32 bytes. */
function signingKeys(env: Env): Buffer[] {
  return listSetting(env, 'RankingSigningKeys').map((text, i) => {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new SettingsError(`Setting RankingSigningKeys: key ${i + 1} is not base64`);
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length < MIN_SIGNING_KEY_BYTES) {
      throw new SettingsError(`Setting RankingSigningKeys: key ${i + 1} has ${key.length} bytes; use at least ${MIN_SIGNING_KEY_BYTES} (openssl rand -base64 32)`);
    }
    return key;
  });
}

/**
 * How several rewards of one decision make one (RankingRewardAggregation) and its range: the
 * trainer's join and the aggregation's reward ledger both follow it.
 */
export function readRewardPolicy(env: Env = process.env): { aggregation: RewardAggregation; min: number; max: number } {
  const d = RANKING_DEFAULTS;
  const aggregation = (env.RankingRewardAggregation ?? '').trim().toLowerCase() || d.rewardAggregation;
  if (aggregation !== 'earliest' && aggregation !== 'sum') {
    throw new SettingsError(`Setting RankingRewardAggregation must be "earliest" or "sum", got "${env.RankingRewardAggregation}"`);
  }
  const min = numberSetting(env, 'RankingRewardMin', d.rewardMin, -1e6, 1e6);
  const max = numberSetting(env, 'RankingRewardMax', d.rewardMax, -1e6, 1e6);
  if (min >= max) throw new SettingsError(`Setting RankingRewardMin (${min}) must be below RankingRewardMax (${max})`);
  return { aggregation, min, max };
}

export function readRankingSettings(env: Env = process.env): RankingSettings {
  const d = RANKING_DEFAULTS;
  const { aggregation, min: rewardMin, max: rewardMax } = readRewardPolicy(env);
  const defaultReward = numberSetting(env, 'RankingDefaultReward', d.defaultReward, -1e6, 1e6);
  if (defaultReward < rewardMin || defaultReward > rewardMax) {
    throw new SettingsError(`Setting RankingDefaultReward (${defaultReward}) must lie between RankingRewardMin and RankingRewardMax`);
  }
  const trackedDefault = Math.min(rewardMax, Math.max(rewardMin, 1));
  const trackedReward = (name: string) => {
    const value = numberSetting(env, name, trackedDefault, -1e6, 1e6);
    if (value < rewardMin || value > rewardMax) throw new SettingsError(`Setting ${name} (${value}) must lie between RankingRewardMin and RankingRewardMax`);
    return value;
  };
  const trackedRewards = {
    product_view: trackedReward('RecommendationClickReward'),
    add_to_cart: trackedReward('RecommendationCartReward'),
    purchase: trackedReward('RecommendationPurchaseReward'),
  };
  const modelName = (env.RankingModelName ?? '').trim() || d.modelName;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(modelName)) {
    throw new SettingsError(`Setting RankingModelName must be lower-case letters, digits and '-', got "${modelName}"`);
  }
  return {
    apiKeys: listSetting(env, 'PersonalizerApiKeys'),
    signingKeys: signingKeys(env),
    exploration: numberSetting(env, 'RankingExploration', d.exploration, 0, 1),
    rewardWaitSeconds: numberSetting(env, 'RankingRewardWaitSeconds', d.rewardWaitSeconds, 1, 7 * 86_400, true),
    defaultReward,
    rewardAggregation: aggregation,
    rewardMin,
    rewardMax,
    modelName,
    modelPollSeconds: numberSetting(env, 'RankingModelPollSeconds', d.modelPollSeconds, 1, 3600, true),
    profileCacheSeconds: numberSetting(env, 'RankingProfileCacheSeconds', d.profileCacheSeconds, 0, 3600, true),
    profileCacheEntries: numberSetting(env, 'RankingProfileCacheEntries', d.profileCacheEntries, 1, 1_000_000, true),
    priorsRefreshSeconds: numberSetting(env, 'RankingPriorsRefreshSeconds', d.priorsRefreshSeconds, 5, 86_400, true),
    priorsDays: numberSetting(env, 'RankingPriorsDays', d.priorsDays, 1, 366, true),
    priorStrength: numberSetting(env, 'RankingPriorStrength', d.priorStrength, 0.01, 1e6),
    catalogContainer: (env.CatalogContainer ?? '').trim() || d.catalogContainer,
    catalogCacheSeconds: numberSetting(env, 'CatalogCacheSeconds', d.catalogCacheSeconds, 0, 3600, true),
    personalizerContainer: (env.PersonalizerContainer ?? '').trim() || d.personalizerContainer,
    configRefreshSeconds: numberSetting(env, 'RankingConfigRefreshSeconds', d.configRefreshSeconds, 1, 60, true),
    offersMaxN: numberSetting(env, 'OffersMaxN', d.offersMaxN, 1, 50, true),
    trackedRewards,
  };
}
