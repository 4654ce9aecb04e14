// How the model registry's integrity is checked (src/models/modelRegistry.ts): the HMAC keys that
// sign and verify model manifests, and the largest model file loaded.
import { Env, SettingsError, numberSetting } from './settings';
import { isUnresolvedKeyVaultReference, MIN_SIGNING_KEY_BYTES } from './rankingSettings';

export const MODEL_INTEGRITY_SETTING_NAMES = ['ModelSigningKeys', 'ModelMaxBytes'] as const;

export const DEFAULT_MAX_MODEL_BYTES = 64 * 1024 * 1024;

export interface ModelIntegritySettings {
  /** HMAC-SHA256 keys: the first signs new manifests, all verify (rotation). */
  signingKeys: readonly Buffer[];
  /**
   * Whether a model must carry a manifest signature that verifies: always when keys are set, and
   * in Azure (WEBSITE_SITE_NAME is set there) even without keys, so a missing secret refuses
   * models rather than loading them unchecked. Local runs and tests without keys load unsigned
   * models.
   */
  requireSignature: boolean;
  /** Largest model file downloaded and loaded (ModelMaxBytes). */
  maxModelBytes: number;
}

/** What a registry checks when nobody configured it (tools, tests): the size bound only. */
export const UNSIGNED_MODELS: ModelIntegritySettings = Object.freeze({ signingKeys: [], requireSignature: false, maxModelBytes: DEFAULT_MAX_MODEL_BYTES });

export function readModelIntegrity(env: Env = process.env): ModelIntegritySettings {
  const raw = env.ModelSigningKeys ?? '';
  if (isUnresolvedKeyVaultReference(raw)) {
    throw new SettingsError('Setting ModelSigningKeys is an unresolved Key Vault reference: create the secret and check the app\'s Key Vault Secrets User role');
  }
  const signingKeys = raw.split(',').map((s) => s.trim()).filter((s) => s !== '').map((text, i) => {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new SettingsError(`Setting ModelSigningKeys: key ${i + 1} is not base64`);
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length < MIN_SIGNING_KEY_BYTES) {
      throw new SettingsError(`Setting ModelSigningKeys: key ${i + 1} has ${key.length} bytes; use at least ${MIN_SIGNING_KEY_BYTES} (openssl rand -base64 32)`);
    }
    return key;
  });
  return {
    signingKeys,
    requireSignature: signingKeys.length > 0 || (env.WEBSITE_SITE_NAME ?? '').trim() !== '',
    maxModelBytes: numberSetting(env, 'ModelMaxBytes', DEFAULT_MAX_MODEL_BYTES, 1024, 2 * 1024 * 1024 * 1024, true),
  };
}
