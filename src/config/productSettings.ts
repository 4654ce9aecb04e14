// Settings of product recommendations (catalog container, model name and polling, request
// limits). Kept apart from settings.ts like the campaign's, so the lead can merge
// PRODUCT_SETTING_NAMES into the deployment's list (infra/) with the Bicep change.
import { Env, SettingsError, numberSetting } from './settings';
import { CATALOG_ADMIN_KEY, MIN_ADMIN_KEY_CHARS, readAdminKeys } from './adminKeySettings';

/** Shortest catalog key accepted: a guessable key would open the catalog to anyone. */
export const MIN_CATALOG_KEY_CHARS = MIN_ADMIN_KEY_CHARS;

export interface ProductSettings {
  /** Cosmos container of the product catalog (partition key /id). */
  productsContainer: string;
  /** Registry name of the product model (`<name>/current`). */
  modelName: string;
  modelPollSeconds: number;
  /** Largest n a request may ask for. */
  maxN: number;
  /** Candidates handed to the last-step ranker. */
  rankCandidates: number;
  /** Seconds the catalog's availability is cached per instance. */
  catalogCacheSeconds: number;
  /**
   * Keys of the catalog routes (CatalogApiKeys, comma-separated for rotation; a Key Vault
   * reference in Azure), or why there are none: the routes then answer 503 naming the setting
   * while recommendations keep serving.
   */
  catalogApiKeys: { keys: string[] } | { problem: string };
}

export const PRODUCT_SETTING_NAMES = [
  'ProductsContainer', 'ProductModelName', 'ProductModelPollSeconds', 'RecommendationsMaxN', 'RecommendationsRankCandidates', 'ProductCatalogCacheSeconds', 'ProductRetrainSchedule',
  'CatalogApiKeys',
] as const;

function catalogApiKeys(env: Env): ProductSettings['catalogApiKeys'] {
  return readAdminKeys(env, CATALOG_ADMIN_KEY);
}

export function readProductSettings(env: Env = process.env): ProductSettings {
  const modelName = (env.ProductModelName ?? '').trim() || 'products';
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(modelName)) throw new SettingsError(`ProductModelName: "${modelName}" is not a registry name (lower-case letters, digits and -)`);
  return {
    productsContainer: (env.ProductsContainer ?? '').trim() || 'products',
    modelName,
    modelPollSeconds: numberSetting(env, 'ProductModelPollSeconds', 60, 1, 86_400),
    maxN: numberSetting(env, 'RecommendationsMaxN', 50, 1, 200, true),
    rankCandidates: numberSetting(env, 'RecommendationsRankCandidates', 100, 1, 500, true),
    catalogCacheSeconds: numberSetting(env, 'ProductCatalogCacheSeconds', 30, 0, 3600),
    catalogApiKeys: catalogApiKeys(env),
  };
}
