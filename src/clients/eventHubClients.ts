import { EventHubProducerClient } from '@azure/event-hubs';
import { EventHubConnectionSetting, SettingsError } from '../config/settings';
import { azureCredential } from './credential';

export function createEventHubProducer(connection: EventHubConnectionSetting, eventHubName: string): EventHubProducerClient {
  if (connection.connectionString) {
    return new EventHubProducerClient(connection.connectionString, eventHubName);
  }
  if (connection.fullyQualifiedNamespace) {
    return new EventHubProducerClient(connection.fullyQualifiedNamespace, eventHubName, azureCredential(connection.clientId));
  }
  throw new SettingsError('Set EventHubConnection__fullyQualifiedNamespace (Azure) or EventHubConnection (local emulator)');
}

/** The namespace host name, e.g. `myns.servicebus.windows.net` or `127.0.0.1` for the emulator. */
export function eventHubNamespaceHost(connection: EventHubConnectionSetting): string {
  if (connection.fullyQualifiedNamespace) return connection.fullyQualifiedNamespace;
  const match = /Endpoint=sb:\/\/([^/;:]+)/i.exec(connection.connectionString ?? '');
  return match ? match[1] : 'localhost';
}
