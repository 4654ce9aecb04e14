import { EventHubProducerClient, RetryOptions } from '@azure/event-hubs';
import { EventHubConnectionSetting, SettingsError } from '../config/settings';
import { azureCredential } from './credential';

/**
 * Retries that fit in `timeoutMs`: the SDK's defaults (3 retries of up to 60 s each, exponential
 * waits up to 30 s) keep a send to an unreachable hub going for minutes, longer than any HTTP
 * client waits for an answer. Callers bound the whole send with an abort signal as well.
 */
export function boundedRetryOptions(timeoutMs: number): RetryOptions {
  return { maxRetries: 3, retryDelayInMs: 300, maxRetryDelayInMs: 1_500, timeoutInMs: timeoutMs };
}

export function createEventHubProducer(connection: EventHubConnectionSetting, eventHubName: string, sendTimeoutMs: number): EventHubProducerClient {
  const options = { retryOptions: boundedRetryOptions(sendTimeoutMs) };
  if (connection.connectionString) {
    return new EventHubProducerClient(connection.connectionString, eventHubName, options);
  }
  if (connection.fullyQualifiedNamespace) {
    return new EventHubProducerClient(connection.fullyQualifiedNamespace, eventHubName, azureCredential(connection.clientId), options);
  }
  throw new SettingsError('Set EventHubConnection__fullyQualifiedNamespace (Azure) or EventHubConnection (local emulator)');
}

/** The namespace host name, e.g. `myns.servicebus.windows.net` or `127.0.0.1` for the emulator. */
export function eventHubNamespaceHost(connection: EventHubConnectionSetting): string {
  if (connection.fullyQualifiedNamespace) return connection.fullyQualifiedNamespace;
  const match = /Endpoint=sb:\/\/([^/;:]+)/i.exec(connection.connectionString ?? '');
  return match ? match[1] : 'localhost';
}
