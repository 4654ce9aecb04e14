// Classifies the app settings the code reads (ALL_APP_SETTING_NAMES in src/config/allSettings.ts)
// for deployment: plain connection strings are for local emulators only and must never be set in
// Azure; secrets are set in Azure only as Key Vault references.
import { ALL_APP_SETTING_NAMES, SECRET_SETTING_NAMES } from '../../src/config/allSettings';

/** Connection-string settings used only against local emulators (Azurite, Event Hubs emulator, …). */
export const LOCAL_ONLY_SETTING_NAMES: readonly string[] = ['EventHubConnection', 'CosmosDB', 'ArchiveStorage'];

/** Prefixes of settings the Functions host or platform reads itself; the template may set these freely. */
export const HOST_SETTING_PREFIXES: readonly string[] = [
  'AzureWebJobsStorage__',
  'APPLICATIONINSIGHTS_',
  'FUNCTIONS_',
  // AzureWebJobs.<function>.Disabled: the host switches a function off (retrainProducts' timer).
  'AzureWebJobs.',
];

/** Every setting the code reads that the Azure deployment must provide (each name once). */
export function azureAppSettingNames(): string[] {
  return [...new Set(ALL_APP_SETTING_NAMES)].filter((name) => !LOCAL_ONLY_SETTING_NAMES.includes(name));
}

/** Settings whose value is a secret: in Azure only `@Microsoft.KeyVault(...)` references. */
export function secretAppSettingNames(): string[] {
  return [...new Set(SECRET_SETTING_NAMES)];
}

export function isHostSetting(name: string): boolean {
  return HOST_SETTING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * The functions that train and write models (each records its run with withRetrainRecords): they
 * run in the training app only, and the serving app must switch them off (checkModelRegistry.ts;
 * test/tools/bicep/infraValid.test.ts checks the list against functions/).
 */
export const TRAINING_FUNCTION_NAMES: readonly string[] = ['retrainModel', 'retrainProducts', 'campaignRetrain'];
