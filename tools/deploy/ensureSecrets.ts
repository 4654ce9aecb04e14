// azd postprovision hook: creates each Key Vault secret the app reads that does not exist yet and
// never touches one that does (a rotated key survives every later `azd up`). Values are random,
// made here and sent only to the vault: never in a template, parameter, azd environment or log.
//   npm run deploy:secrets                       (azd sets AZURE_KEY_VAULT_NAME from the outputs)
//   node dist/tools/deploy/ensureSecrets.js --vault kv-xyz [--no-refresh]
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { command, flag, option, positiveNumber, runCommand, text, type OptionValues } from '../cli/commandLine';
import { createProgressRenderer, type ProgressRenderer } from '../cli/progress';
import { KeyVaultError, KeyVaultSecrets } from './keyVaultSecrets';
import { appSecrets, type SecretSpec } from './secretValues';

export type SecretOutcome = 'created' | 'kept' | 'kept-disabled';

export interface EnsureResult {
  outcomes: { name: string; outcome: SecretOutcome }[];
}

export interface EnsureOptions {
  secrets?: SecretSpec[];
  progress?: ProgressRenderer;
  /** How long a 403 ForbiddenByRbac is retried: a role assignment made by the same deployment takes minutes to apply. */
  rbacWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class SecretSetupError extends Error {}

const RBAC_PROPAGATION_CODES = new Set(['ForbiddenByRbac', 'Forbidden']);

async function withRbacWait<T>(what: string, action: () => Promise<T>, options: Required<Pick<EnsureOptions, 'rbacWaitMs' | 'sleep' | 'now'>>, log: (line: string) => void): Promise<T> {
  const deadline = options.now() + options.rbacWaitMs;
  let delay = 5_000;
  for (;;) {
    try {
      return await action();
    } catch (error) {
      const forbidden = error instanceof KeyVaultError && error.status === 403 && RBAC_PROPAGATION_CODES.has(error.code ?? '');
      if (!forbidden || options.now() + delay > deadline) {
        if (forbidden) {
          throw new SecretSetupError(
            `${what}: still forbidden after ${Math.round(options.rbacWaitMs / 1000)} s. The signed-in principal needs "Key Vault Secrets Officer" on the vault ` +
              '(the template grants it to AZURE_PRINCIPAL_ID); check `azd env get-value AZURE_PRINCIPAL_ID` is who is signed in.',
          );
        }
        throw error;
      }
      log(`${what}: forbidden (role assignment not applied yet?), retrying in ${delay / 1000} s`);
      await options.sleep(delay);
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

/** Creates the missing secrets of `vault`; reports what it did with each. */
export async function ensureSecrets(vault: KeyVaultSecrets, options: EnsureOptions = {}): Promise<EnsureResult> {
  const secrets = options.secrets ?? appSecrets();
  const timing = {
    rbacWaitMs: options.rbacWaitMs ?? 5 * 60_000,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    now: options.now ?? Date.now,
  };
  const log = (line: string) => options.progress?.log(line);
  const outcomes: EnsureResult['outcomes'] = [];
  for (const [i, secret] of secrets.entries()) {
    options.progress?.update({ step: 'secrets', done: i, total: secrets.length });
    const state = await withRbacWait(`secret ${secret.name}`, () => vault.state(secret.name), timing, log);
    if (state.kind === 'present' || state.kind === 'disabled') {
      const outcome: SecretOutcome = state.kind === 'present' ? 'kept' : 'kept-disabled';
      outcomes.push({ name: secret.name, outcome });
      log(`${secret.name}: exists, kept${state.kind === 'disabled' ? ' (its latest version is disabled: the app cannot read it until a version is enabled)' : ''}`);
      continue;
    }
    try {
      await withRbacWait(`secret ${secret.name}`, () => vault.set(secret.name, secret.generate()), timing, log);
    } catch (error) {
      if (error instanceof KeyVaultError && error.status === 409) {
        throw new SecretSetupError(
          `${secret.name} was deleted and is still recoverable (soft delete); it is not replaced by a new value. ` +
            `Recover it: az keyvault secret recover --vault-name <vault> --name ${secret.name}, then run azd provision again.`,
        );
      }
      throw error;
    }
    outcomes.push({ name: secret.name, outcome: 'created' });
    log(`${secret.name}: created`);
  }
  options.progress?.update({ step: 'secrets', done: secrets.length, total: secrets.length });
  options.progress?.end();
  return { outcomes };
}

const ARM_SCOPE = 'https://management.azure.com/.default';

/**
 * Makes the app re-read its Key Vault references now instead of within 24 hours (the same call
 * docs/deploy.md gives for rotation).
 */
export async function refreshKeyVaultReferences(credential: TokenCredential, appResourceId: string, armUrl = 'https://management.azure.com', fetchImpl: typeof fetch = fetch): Promise<void> {
  const token = await credential.getToken(ARM_SCOPE);
  if (!token) throw new SecretSetupError(`no token for ${ARM_SCOPE}`);
  const response = await fetchImpl(`${armUrl.replace(/\/+$/, '')}${appResourceId}/config/configreferences/appsettings/refresh?api-version=2022-03-01`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.token}` },
  });
  await response.body?.cancel();
  if (!response.ok) throw new SecretSetupError(`refreshing the app's Key Vault references: ${response.status} ${response.statusText}`);
}

/**
 * The function apps whose Key Vault references the hook refreshes: the serving app
 * (AZURE_FUNCTION_APP_NAME) and the training app (AZURE_TRAINING_FUNCTION_APP_NAME), both reading
 * the same secrets; none without subscription and group.
 */
export function appResourceIds(env: Record<string, string | undefined>): string[] {
  const { AZURE_SUBSCRIPTION_ID: sub, AZURE_RESOURCE_GROUP: rg } = env;
  if (!sub || !rg) return [];
  return [env.AZURE_FUNCTION_APP_NAME, env.AZURE_TRAINING_FUNCTION_APP_NAME]
    .filter((name): name is string => name !== undefined && name.trim() !== '')
    .map((name) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${name.trim()}`);
}

const ENSURE_COMMAND = command({
  usage: 'npm run deploy:secrets [-- options]   (node dist/tools/deploy/ensureSecrets.js [options]; azd runs it after provisioning)',
  summary: 'Creates each Key Vault secret the app reads (SECRET_SETTING_NAMES) that is missing, with random keys; never overwrites one.',
  options: {
    vault: option('vault name (default: AZURE_KEY_VAULT_NAME from azd)', text, { placeholder: '<name>' }),
    'vault-url': option('vault URL instead of a name (https://<name>.vault.azure.net)', text, { placeholder: '<url>' }),
    'no-refresh': flag('do not ask the function apps to re-read their Key Vault references after creating secrets'),
    'rbac-wait-seconds': option('how long to retry while the vault answers 403 (a new role assignment takes minutes)', positiveNumber, { default: 300 }),
  },
  notes: 'Reads AZURE_KEY_VAULT_NAME, AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, AZURE_TRAINING_FUNCTION_APP_NAME (azd sets them from the deployment outputs). Exit codes: 0 done, 1 failed, 2 bad flags.',
});

async function main(args: OptionValues<typeof ENSURE_COMMAND.options>): Promise<void> {
  const env = process.env;
  const vaultName = args.vault ?? env.AZURE_KEY_VAULT_NAME;
  const vaultUrl = args['vault-url'] ?? (vaultName ? `https://${vaultName}.vault.azure.net` : undefined);
  if (!vaultUrl) throw new SecretSetupError('no vault: pass --vault <name>, or run under azd after provisioning (AZURE_KEY_VAULT_NAME)');
  const credential = new DefaultAzureCredential();
  const progress = createProgressRenderer(process.stderr);
  const result = await ensureSecrets(new KeyVaultSecrets(vaultUrl, credential), { progress, rbacWaitMs: args['rbac-wait-seconds'] * 1000 });
  const created = result.outcomes.filter((o) => o.outcome === 'created').map((o) => o.name);
  if (created.length > 0 && !args['no-refresh']) {
    for (const app of appResourceIds(env)) await refreshKeyVaultReferences(credential, app);
  }
  console.log(JSON.stringify({ vault: vaultUrl, created, kept: result.outcomes.filter((o) => o.outcome !== 'created').map((o) => o.name) }));
}

if (require.main === module) void runCommand(ENSURE_COMMAND, main, { expected: [SecretSetupError, KeyVaultError] });
