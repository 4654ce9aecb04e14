import { DefaultAzureCredential, TokenCredential } from '@azure/identity';

const credentials = new Map<string, TokenCredential>();

/** One DefaultAzureCredential per managed identity client id (undefined = system-assigned / developer login). */
export function azureCredential(clientId?: string): TokenCredential {
  const key = clientId ?? '';
  let credential = credentials.get(key);
  if (!credential) {
    credential = new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
    credentials.set(key, credential);
  }
  return credential;
}
