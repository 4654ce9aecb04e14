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
}

export function loadOrCreateLocalSecrets(dataDir: string): LocalAppSecrets {
  return loadOrCreateSecretsFile(dataDir, 'app-secrets.json', () => ({
    personalizerApiKey: crypto.randomBytes(16).toString('hex'),
    rankingSigningKey: crypto.randomBytes(32).toString('base64'),
  }));
}
