import { CosmosClient } from '@azure/cosmos';
import http from 'node:http';
import { CosmosConnectionSetting, SettingsError } from '../config/settings';
import { azureCredential } from './credential';
import { parseConnectionString } from './connectionString';

export function createCosmosClient(connection: CosmosConnectionSetting): CosmosClient {
  if (connection.connectionString) {
    const parts = parseConnectionString(connection.connectionString);
    const endpoint = parts.get('accountendpoint');
    const key = parts.get('accountkey');
    if (!endpoint || !key) throw new SettingsError('Setting CosmosDB must contain AccountEndpoint and AccountKey');
    // The local stand-in speaks plain HTTP; keep connections open as the SDK does over HTTPS.
    const agent = endpoint.startsWith('http:') ? new http.Agent({ keepAlive: true, maxSockets: 64 }) : undefined;
    return new CosmosClient({ endpoint, key, agent, connectionPolicy: { enableEndpointDiscovery: false } });
  }
  if (connection.accountEndpoint) {
    return new CosmosClient({ endpoint: connection.accountEndpoint, aadCredentials: azureCredential(connection.clientId) });
  }
  throw new SettingsError('Set CosmosDB__accountEndpoint (Azure) or CosmosDB (local stand-in)');
}
