// Classifies the app settings the code reads (src/config/settings.ts) for deployment:
// plain connection strings are for local emulators only and must never be set in Azure.
import { APP_SETTING_NAMES } from '../config/settings';

/** Connection-string settings used only against local emulators (Azurite, Event Hubs emulator, …). */
export const LOCAL_ONLY_SETTING_NAMES: readonly string[] = ['EventHubConnection', 'CosmosDB', 'ArchiveStorage'];

/** Prefixes of settings the Functions host or platform reads itself; the template may set these freely. */
export const HOST_SETTING_PREFIXES: readonly string[] = [
  'AzureWebJobsStorage__',
  'APPLICATIONINSIGHTS_',
  'FUNCTIONS_',
];

/** Every setting the code reads that the Azure deployment must provide. */
export function azureAppSettingNames(): string[] {
  return APP_SETTING_NAMES.filter((name) => !LOCAL_ONLY_SETTING_NAMES.includes(name));
}

export function isHostSetting(name: string): boolean {
  return HOST_SETTING_PREFIXES.some((prefix) => name.startsWith(prefix));
}
