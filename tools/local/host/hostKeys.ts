import crypto from 'node:crypto';
import { loadOrCreateSecretsFile } from '../localSecrets';

export interface HostKeys {
  masterKey: string;
  functionKey: string;
}

/** Keys for `function` and `admin` auth levels, made once and kept in the data folder like the host's own secrets. */
export function loadOrCreateHostKeys(dataDir: string): HostKeys {
  return loadOrCreateSecretsFile(dataDir, 'host-keys.json', () => ({
    masterKey: crypto.randomBytes(32).toString('base64url'),
    functionKey: crypto.randomBytes(32).toString('base64url'),
  }));
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The host accepts a key in the `x-functions-key` header or the `code` query parameter; the master key passes every level. */
export function isAuthorized(authLevel: string, key: string | undefined, keys: HostKeys): boolean {
  const level = authLevel.toLowerCase();
  if (level === 'anonymous') return true;
  if (!key) return false;
  if (safeEqual(key, keys.masterKey)) return true;
  return level === 'function' && safeEqual(key, keys.functionKey);
}
