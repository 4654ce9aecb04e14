// How the model registry's integrity is checked (src/models/modelRegistry.ts): the HMAC keys that
// sign and verify model manifests, the largest model file loaded, and whether this instance may
// write models at all (ModelRegistryAccess: in Azure the serving app is `read`, only the training
// app writes; docs/deploy.md).
import { Env, SettingsError, numberSetting } from './settings';
import { isUnresolvedKeyVaultReference, MIN_SIGNING_KEY_BYTES } from './rankingSettings';

export const MODEL_INTEGRITY_SETTING_NAMES = ['ModelSigningKeys', 'ModelMaxBytes', 'ModelRegistryAccess'] as const;

/** ModelRegistryAccess values: `readwrite` (default: one host trains and serves, as `npm start`) or `read` (serving only). */
export const MODEL_REGISTRY_ACCESS = ['readwrite', 'read'] as const;
export type ModelRegistryAccess = (typeof MODEL_REGISTRY_ACCESS)[number];

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
  /**
   * `read`: a serving-only instance; every model write (register, sign, promote, reset, learning
   * state) is refused with ModelRegistryReadOnlyError before it reaches storage, so a training
   * function left on in the serving app fails loudly instead of depending on a storage 403.
   */
  access: ModelRegistryAccess;
}

/** What a registry checks when nobody configured it (tools, tests): the size bound only. */
export const UNSIGNED_MODELS: ModelIntegritySettings = Object.freeze({ signingKeys: [], requireSignature: false, maxModelBytes: DEFAULT_MAX_MODEL_BYTES, access: 'readwrite' });

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
    access: readModelRegistryAccess(env),
  };
}

/** ModelRegistryAccess, blank = `readwrite`; anything else is refused naming the setting. */
export function readModelRegistryAccess(env: Env = process.env): ModelRegistryAccess {
  const raw = (env.ModelRegistryAccess ?? '').trim().toLowerCase();
  if (raw === '') return 'readwrite';
  if ((MODEL_REGISTRY_ACCESS as readonly string[]).includes(raw)) return raw as ModelRegistryAccess;
  throw new SettingsError(`Setting ModelRegistryAccess: "${env.ModelRegistryAccess}" must be one of ${MODEL_REGISTRY_ACCESS.join(', ')}`);
}
