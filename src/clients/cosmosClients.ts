import { CosmosClient } from '@azure/cosmos';
import { CosmosConnectionSetting, SettingsError } from '../config/settings';
import { azureCredential } from './credential';
import { parseConnectionString } from './connectionString';

export function createCosmosClient(connection: CosmosConnectionSetting): CosmosClient {
  if (connection.connectionString) {
    const parts = parseConnectionString(connection.connectionString);
    const endpoint = parts.get('accountendpoint');
    const key = parts.get('accountkey');
    if (!endpoint || !key) throw new SettingsError('Setting CosmosDB must contain AccountEndpoint and AccountKey');
    // The local stand-in speaks plain HTTP; the SDK's default agent keeps connections alive.
    return new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
  }
  if (connection.accountEndpoint) {
    return new CosmosClient({ endpoint: connection.accountEndpoint, aadCredentials: azureCredential(connection.clientId) });
  }
  throw new SettingsError('Set CosmosDB__accountEndpoint (Azure) or CosmosDB (local stand-in)');
}
