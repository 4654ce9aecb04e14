// Settings of trusted identities (docs/web-client.md, "Identity"): the keys that sign user ids for
// the browser route, and what happens to an event that claims a userId without a valid token.
import { SettingsError, type Env } from './settings';
import { isUnresolvedKeyVaultReference, MIN_SIGNING_KEY_BYTES } from './rankingSettings';

export const IDENTITY_SETTING_NAMES = ['UserTokenKeys', 'UnverifiedUserIds'] as const;

export const UNVERIFIED_USER_ID_MODES = ['anonymous', 'refuse', 'trust'] as const;
export type UnverifiedUserIdMode = (typeof UNVERIFIED_USER_ID_MODES)[number];

export interface IdentitySettings {
  /** UserTokenKeys: base64 keys of ≥ 32 bytes; the first signs, all verify (rotation). */
  userTokenKeys: Buffer[];
  /**
   * UnverifiedUserIds: `anonymous` (default when keys are set) stores such an event as
   * anonymous; `refuse` answers 400 naming userToken; `trust` (default without keys) believes
   * every userId, as before signed ids existed.
   */
  unverifiedUserIds: UnverifiedUserIdMode;
}

export function readIdentitySettings(env: Env = process.env): IdentitySettings {
  const raw = env.UserTokenKeys;
  if (isUnresolvedKeyVaultReference(raw)) {
    throw new SettingsError('Setting UserTokenKeys is an unresolved Key Vault reference: create the secret and check the app\'s Key Vault Secrets User role');
  }
  const userTokenKeys = (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((text, i) => {
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw new SettingsError(`Setting UserTokenKeys: key ${i + 1} is not base64`);
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length < MIN_SIGNING_KEY_BYTES) {
      throw new SettingsError(`Setting UserTokenKeys: key ${i + 1} has ${key.length} bytes; use at least ${MIN_SIGNING_KEY_BYTES} (openssl rand -base64 32)`);
    }
    return key;
  });
  const mode = (env.UnverifiedUserIds ?? '').trim();
  if (mode !== '' && !(UNVERIFIED_USER_ID_MODES as readonly string[]).includes(mode)) {
    throw new SettingsError(`Setting UnverifiedUserIds must be one of ${UNVERIFIED_USER_ID_MODES.join(', ')}, got "${mode}"`);
  }
  const unverifiedUserIds = (mode || (userTokenKeys.length > 0 ? 'anonymous' : 'trust')) as UnverifiedUserIdMode;
  if (unverifiedUserIds !== 'trust' && userTokenKeys.length === 0) {
    throw new SettingsError(`Setting UnverifiedUserIds is ${unverifiedUserIds} but UserTokenKeys is empty: no user id could ever be verified`);
  }
  return { userTokenKeys, unverifiedUserIds };
}
