// Keys of a system started with `npm start`: it keeps them in its data folder (.local/).
import fs from 'node:fs';
import path from 'node:path';

export interface LocalKeys {
  apiKey?: string;
  catalogKey?: string;
  /** The host's function key (host-keys.json), for POST /api/events/server. */
  functionKey?: string;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function readLocalKeys(dataDir: string): LocalKeys {
  const secrets = readJson(path.join(dataDir, 'app-secrets.json'));
  const hostKeys = readJson(path.join(dataDir, 'host-keys.json'));
  return {
    ...(typeof hostKeys?.functionKey === 'string' ? { functionKey: hostKeys.functionKey } : {}),
    ...(typeof secrets?.personalizerApiKey === 'string' ? { apiKey: secrets.personalizerApiKey } : {}),
    ...(typeof secrets?.catalogApiKey === 'string' ? { catalogKey: secrets.catalogApiKey } : {}),
  };
}
