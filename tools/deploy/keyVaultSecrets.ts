// The few Key Vault secret operations the deployment needs, over the REST API (no SDK for Key
// Vault is a dependency): does a secret exist, and create one. Authenticated with an Entra token.
import type { TokenCredential } from '@azure/identity';

export const KEY_VAULT_API_VERSION = '7.5';
const KEY_VAULT_SCOPE = 'https://vault.azure.net/.default';

/** What the vault says about a secret name. */
export type SecretState =
  | { kind: 'present' }
  /** The latest version is disabled: the secret exists, ops turned it off on purpose. */
  | { kind: 'disabled' }
  | { kind: 'missing' };

export class KeyVaultError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; innererror?: { code?: string } };
}

export class KeyVaultSecrets {
  private readonly base: string;

  constructor(
    vaultUrl: string,
    private readonly credential: TokenCredential,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.base = vaultUrl.replace(/\/+$/, '');
  }

  private async request(method: 'GET' | 'PUT', name: string, body?: unknown): Promise<Response> {
    const token = await this.credential.getToken(KEY_VAULT_SCOPE);
    if (!token) throw new KeyVaultError(`no token for ${KEY_VAULT_SCOPE}: sign in with azd auth login or az login`, 401, undefined);
    return this.fetchImpl(`${this.base}/secrets/${encodeURIComponent(name)}?api-version=${KEY_VAULT_API_VERSION}`, {
      method,
      headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private async failure(response: Response, what: string): Promise<KeyVaultError> {
    let parsed: ErrorBody = {};
    try {
      parsed = (await response.json()) as ErrorBody;
    } catch {
      // Not JSON (a proxy page): the status says enough.
    }
    const code = parsed.error?.innererror?.code ?? parsed.error?.code;
    const detail = parsed.error?.message ?? response.statusText;
    return new KeyVaultError(`${what}: ${response.status} ${code ?? ''} ${detail}`.replace(/\s+/g, ' ').trim(), response.status, code);
  }

  async state(name: string): Promise<SecretState> {
    const response = await this.request('GET', name);
    if (response.ok) {
      await response.body?.cancel();
      return { kind: 'present' };
    }
    const error = await this.failure(response, `reading secret ${name}`);
    if (response.status === 404) return { kind: 'missing' };
    if (response.status === 403 && error.code === 'SecretDisabled') return { kind: 'disabled' };
    throw error;
  }

  /** Creates a new version; Key Vault has no create-only call, so callers check state() first. */
  async set(name: string, value: string): Promise<void> {
    const response = await this.request('PUT', name, { value, contentType: 'text/plain', attributes: { enabled: true } });
    if (!response.ok) throw await this.failure(response, `creating secret ${name}`);
    await response.body?.cancel();
  }
}
