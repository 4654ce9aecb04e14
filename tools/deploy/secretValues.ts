// The first value of each secret the app reads (SECRET_SETTING_NAMES of src/config/allSettings.ts),
// in the form the app's settings readers accept: comma-separated keys, random bytes from the OS.
import { randomBytes } from 'node:crypto';
import { SECRET_SETTING_NAMES } from '../../src/config/allSettings';

const base64url = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** Makes the initial value of one secret. */
export type SecretGenerator = () => string;

const GENERATORS: Record<string, SecretGenerator> = {
  // Two API keys, so a client can move to the second while the first is replaced (docs/deploy.md).
  PersonalizerApiKeys: () => `${randomBytes(32).toString('hex')},${randomBytes(32).toString('hex')}`,
  // HMAC keys of the event ids: base64 of at least 32 bytes (MIN_SIGNING_KEY_BYTES).
  RankingSigningKeys: () => randomBytes(32).toString('base64'),
  CatalogApiKeys: () => base64url(32),
  CampaignApiKeys: () => base64url(32),
  // HMAC keys of the model manifests: base64 of at least 32 bytes.
  ModelSigningKeys: () => randomBytes(32).toString('base64'),
};

/** Keys of a secret the app learns later (a new named key): 32 random bytes, base64url, one key. */
const DEFAULT_GENERATOR: SecretGenerator = () => base64url(32);

export interface SecretSpec {
  name: string;
  generate: SecretGenerator;
}

/** One spec per secret the app reads, in SECRET_SETTING_NAMES order. */
export function appSecrets(names: readonly string[] = SECRET_SETTING_NAMES): SecretSpec[] {
  return [...new Set(names)].map((name) => ({ name, generate: GENERATORS[name] ?? DEFAULT_GENERATOR }));
}
