import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_SETTING_NAMES } from '../../../src/config/allSettings';
import { readProductSettings } from '../../../src/config/productSettings';
import { readRankingSettings } from '../../../src/config/rankingSettings';
import { appResourceIds, ensureSecrets, refreshKeyVaultReferences, SecretSetupError } from '../../../tools/deploy/ensureSecrets';
import { KEY_VAULT_API_VERSION, KeyVaultSecrets } from '../../../tools/deploy/keyVaultSecrets';
import { appSecrets } from '../../../tools/deploy/secretValues';

// A local stand-in for the part of the Key Vault REST API the hook uses (GET/PUT
// /secrets/{name}), with the answers the service documents: 404 SecretNotFound, 403
// SecretDisabled for a disabled latest version, 403 ForbiddenByRbac before a role applies, 409
// ObjectIsDeletedButRecoverable for a soft-deleted name. No Key Vault emulator exists to use instead.
interface VaultSecret {
  versions: string[];
  enabled: boolean;
}
const secrets = new Map<string, VaultSecret>();
const deleted = new Set<string>();
const requests: { method: string; path: string; auth: string | undefined }[] = [];
let forbiddenAnswersLeft = 0;

const send = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://vault');
  requests.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization });
  const match = /^\/secrets\/([A-Za-z0-9-]+)$/.exec(url.pathname);
  if (!match || url.searchParams.get('api-version') !== KEY_VAULT_API_VERSION) return send(res, 400, { error: { code: 'BadParameter', message: 'bad path or api-version' } });
  if (req.headers.authorization !== 'Bearer test-token') return send(res, 401, { error: { code: 'Unauthorized', message: 'no token' } });
  if (forbiddenAnswersLeft > 0) {
    forbiddenAnswersLeft--;
    return send(res, 403, { error: { code: 'Forbidden', message: 'Caller is not authorized', innererror: { code: 'ForbiddenByRbac' } } });
  }
  const name = match[1];
  if (req.method === 'GET') {
    const secret = secrets.get(name);
    if (!secret) return send(res, 404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault.` } });
    if (!secret.enabled) return send(res, 403, { error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } } });
    return send(res, 200, { value: secret.versions.at(-1), id: `https://vault/secrets/${name}/v${secret.versions.length}` });
  }
  if (req.method === 'PUT') {
    if (deleted.has(name)) {
      return send(res, 409, { error: { code: 'Conflict', message: `Secret ${name} is currently in a deleted but recoverable state`, innererror: { code: 'ObjectIsDeletedButRecoverable' } } });
    }
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { value } = JSON.parse(body) as { value: string };
      const secret = secrets.get(name) ?? { versions: [], enabled: true };
      secret.versions.push(value);
      secrets.set(name, secret);
      send(res, 200, { value, id: `https://vault/secrets/${name}/v${secret.versions.length}` });
    });
    return;
  }
  send(res, 405, { error: { code: 'MethodNotAllowed', message: req.method } });
});

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};
let vaultUrl = '';
const vault = () => new KeyVaultSecrets(vaultUrl, credential);
// Retries wait on a fake clock, so a test of the 5-minute wait takes no time.
const fakeClock = () => {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  vaultUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  secrets.clear();
  deleted.clear();
  requests.length = 0;
  forbiddenAnswersLeft = 0;
});

describe('ensureSecrets (azd postprovision hook)', () => {
  it('creates every secret the app reads when the vault is empty, each value accepted by the app', async () => {
    const result = await ensureSecrets(vault());
    expect(result.outcomes).toEqual(SECRET_SETTING_NAMES.map((name) => ({ name, outcome: 'created' })));
    const value = (name: string) => secrets.get(name)?.versions.at(-1);
    const env = Object.fromEntries(SECRET_SETTING_NAMES.map((name) => [name, value(name)]));
    const ranking = readRankingSettings(env);
    expect(ranking.apiKeys).toHaveLength(2);
    expect(ranking.signingKeys.map((k) => k.length)).toEqual([32]);
    expect(readProductSettings(env).catalogApiKeys).toEqual({ keys: [value('CatalogApiKeys')] });
    expect(requests.every((r) => r.auth === 'Bearer test-token')).toBe(true);
  });

  it('never overwrites an existing secret: a second run (a later azd up) keeps every value', async () => {
    secrets.set('RankingSigningKeys', { versions: ['rotated-by-ops'], enabled: true });
    await ensureSecrets(vault());
    const first = new Map([...secrets].map(([name, s]) => [name, [...s.versions]]));
    expect(first.get('RankingSigningKeys')).toEqual(['rotated-by-ops']);

    const second = await ensureSecrets(vault());
    expect(second.outcomes.map((o) => o.outcome)).toEqual(SECRET_SETTING_NAMES.map(() => 'kept'));
    expect(new Map([...secrets].map(([name, s]) => [name, s.versions]))).toEqual(first);
    expect(requests.filter((r) => r.method === 'PUT')).toHaveLength(SECRET_SETTING_NAMES.length - 1);
  });

  it('keeps a secret whose latest version is disabled instead of replacing it', async () => {
    secrets.set('CatalogApiKeys', { versions: ['old'], enabled: false });
    const result = await ensureSecrets(vault());
    expect(result.outcomes.find((o) => o.name === 'CatalogApiKeys')).toEqual({ name: 'CatalogApiKeys', outcome: 'kept-disabled' });
    expect(secrets.get('CatalogApiKeys')?.versions).toEqual(['old']);
  });

  it('refuses to replace a soft-deleted secret and says how to recover it', async () => {
    deleted.add('PersonalizerApiKeys');
    await expect(ensureSecrets(vault())).rejects.toThrow(/PersonalizerApiKeys was deleted .*az keyvault secret recover --vault-name <vault> --name PersonalizerApiKeys/);
    expect(secrets.has('PersonalizerApiKeys')).toBe(false);
  });

  it('waits while the new role assignment is not applied yet (403 ForbiddenByRbac), then creates', async () => {
    forbiddenAnswersLeft = 3;
    const clock = fakeClock();
    const result = await ensureSecrets(vault(), { ...clock, rbacWaitMs: 300_000 });
    expect(result.outcomes.every((o) => o.outcome === 'created')).toBe(true);
    expect(clock.now()).toBeGreaterThan(0);
  });

  it('gives up after the wait with a message naming the role the principal needs', async () => {
    forbiddenAnswersLeft = 1_000;
    await expect(ensureSecrets(vault(), { ...fakeClock(), rbacWaitMs: 60_000 })).rejects.toThrow(
      /still forbidden after 60 s\. The signed-in principal needs "Key Vault Secrets Officer" on the vault/,
    );
    expect(secrets.size).toBe(0);
  });

  it('makes fresh random values on every creation and a value for a secret name it has no rule for', () => {
    const [a, b] = [appSecrets(), appSecrets()].map((specs) => specs.map((s) => s.generate()));
    a.forEach((value, i) => expect(value).not.toBe(b[i]));
    const [future] = appSecrets(['CampaignApiKeys']);
    expect(future.generate()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('refreshKeyVaultReferences', () => {
  it('refreshes the two apps azd names (serving and training), and none without subscription and group', () => {
    const env = { AZURE_SUBSCRIPTION_ID: 's', AZURE_RESOURCE_GROUP: 'rg', AZURE_FUNCTION_APP_NAME: 'func-x', AZURE_TRAINING_FUNCTION_APP_NAME: 'func-trainer-x' };
    expect(appResourceIds(env)).toEqual([
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-x',
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-trainer-x',
    ]);
    expect(appResourceIds({ ...env, AZURE_TRAINING_FUNCTION_APP_NAME: '' })).toHaveLength(1);
    expect(appResourceIds({ ...env, AZURE_RESOURCE_GROUP: undefined })).toEqual([]);
  });

  it('POSTs the configreferences refresh of the app with an ARM token', async () => {
    const seen: string[] = [];
    const arm = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
      res.writeHead(req.url?.startsWith('/subscriptions/') ? 200 : 404).end();
    });
    await new Promise<void>((resolve) => arm.listen(0, '127.0.0.1', resolve));
    const armUrl = `http://127.0.0.1:${(arm.address() as AddressInfo).port}`;
    try {
      await refreshKeyVaultReferences(credential, '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-x', armUrl);
      await expect(refreshKeyVaultReferences(credential, '/x', armUrl)).rejects.toThrow(SecretSetupError);
    } finally {
      await new Promise<void>((resolve) => arm.close(() => resolve()));
    }
    expect(seen[0]).toBe('POST /subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func-x/config/configreferences/appsettings/refresh?api-version=2022-03-01 Bearer test-token');
  });
});
