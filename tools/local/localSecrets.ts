// Secrets that Azure provides (Key Vault, the host's own key store) and the local runtime makes
// instead: random values made once per data folder, kept there readable by the owner only, so a
// restart keeps the keys that clients already use.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** The JSON object in `<dataDir>/<fileName>`, made by `make` on first use. */
export function loadOrCreateSecretsFile<T>(dataDir: string, fileName: string, make: () => T): T {
  const file = path.join(dataDir, fileName);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  const secrets = make();
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Secrets the app needs that Key Vault provides in Azure. */
export interface LocalAppSecrets {
  personalizerApiKey: string;
  rankingSigningKey: string;
  /** CatalogApiKeys: the catalog routes' key (x-catalog-key). */
  catalogApiKey: string;
  /** CampaignApiKeys: the campaign admin routes' key (x-campaign-key). */
  campaignApiKey: string;
  /** UserTokenKeys: the key the demo shop's sign-in (the shop backend's part) signs user ids with. */
  userTokenKey: string;
}

const MAKERS: { [K in keyof LocalAppSecrets]: () => string } = {
  personalizerApiKey: () => crypto.randomBytes(16).toString('hex'),
  rankingSigningKey: () => crypto.randomBytes(32).toString('base64'),
  catalogApiKey: () => crypto.randomBytes(24).toString('base64url'),
  campaignApiKey: () => crypto.randomBytes(24).toString('base64url'),
  userTokenKey: () => crypto.randomBytes(32).toString('base64'),
};

/** The local secrets; a data folder made before a secret existed gains it (the others are kept). */
export function loadOrCreateLocalSecrets(dataDir: string): LocalAppSecrets {
  const make = () => Object.fromEntries(Object.entries(MAKERS).map(([k, f]) => [k, f()])) as unknown as LocalAppSecrets;
  const secrets = loadOrCreateSecretsFile<Partial<LocalAppSecrets>>(dataDir, 'app-secrets.json', make);
  const missing = (Object.keys(MAKERS) as (keyof LocalAppSecrets)[]).filter((k) => typeof secrets[k] !== 'string');
  if (missing.length === 0) return secrets as LocalAppSecrets;
  for (const k of missing) secrets[k] = MAKERS[k]();
  fs.writeFileSync(path.join(dataDir, 'app-secrets.json'), JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets as LocalAppSecrets;
}
