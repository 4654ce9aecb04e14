// The named keys of the admin routes, one setting per capability: the handler checks them itself
// (src/common/namedKeyCheck.ts) and the routes are anonymous at the host, so no host key — the
// master key included — opens them, and a key that leaks opens one capability only.
import type { Env } from './settings';
import { isUnresolvedKeyVaultReference } from './rankingSettings';

/** Shortest admin key accepted: a guessable key would open the routes to anyone. */
export const MIN_ADMIN_KEY_CHARS = 24;

export interface AdminKeySpec {
  /** The app setting (comma-separated keys, for rotation; a Key Vault reference in Azure). */
  setting: string;
  /** The request header that carries the key (`Authorization: Bearer <key>` works too). */
  header: string;
  /** The WWW-Authenticate realm, and how errors name the capability. */
  realm: string;
  /** The routes the key opens, for messages. */
  routes: string;
}

export const CATALOG_ADMIN_KEY: AdminKeySpec = {
  setting: 'CatalogApiKeys', header: 'x-catalog-key', realm: 'catalog', routes: '/api/manage/products, /api/manage/offers',
};

export const CAMPAIGN_ADMIN_KEY: AdminKeySpec = {
  setting: 'CampaignApiKeys', header: 'x-campaign-key', realm: 'campaigns', routes: '/api/manage/campaigns',
};

export const ADMIN_KEY_SETTING_NAMES = [CATALOG_ADMIN_KEY.setting, CAMPAIGN_ADMIN_KEY.setting] as const;

/** The configured keys, or why there are none (the routes then answer 503 naming the setting). */
export type AdminKeys = { keys: string[] } | { problem: string };

export function readAdminKeys(env: Env, spec: AdminKeySpec): AdminKeys {
  const raw = env[spec.setting];
  if (isUnresolvedKeyVaultReference(raw)) {
    return { problem: `${spec.setting} is an unresolved Key Vault reference: create the secret and check the app's Key Vault Secrets User role` };
  }
  const keys = (raw ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  if (keys.length === 0) return { problem: `${spec.setting} is not set: the ${spec.realm} routes (${spec.routes}) are closed` };
  const short = keys.findIndex((k) => k.length < MIN_ADMIN_KEY_CHARS);
  if (short >= 0) return { problem: `${spec.setting}: key ${short + 1} is shorter than ${MIN_ADMIN_KEY_CHARS} characters (openssl rand -base64 32)` };
  return { keys };
}
