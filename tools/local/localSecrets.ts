import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** Secrets the app needs that Key Vault provides in Azure; made once per data folder for local runs. */
export interface LocalAppSecrets {
  personalizerApiKey: string;
  rankingSigningKey: string;
}

export function loadOrCreateLocalSecrets(dataDir: string): LocalAppSecrets {
  const file = path.join(dataDir, 'app-secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as LocalAppSecrets;
  const secrets: LocalAppSecrets = {
    personalizerApiKey: crypto.randomBytes(16).toString('hex'),
    rankingSigningKey: crypto.randomBytes(32).toString('base64'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
