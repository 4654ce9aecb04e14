// Every app setting the code reads is named here, so infra/ can be checked against this list.

export type Env = Record<string, string | undefined>;

/**
 * A connection is either a connection string (local emulators) or identity-based
 * (`<name>__fullyQualifiedNamespace`, `<name>__accountEndpoint`, `<name>__blobServiceUri`, …),
 * the same convention the Functions host uses for its bindings.
 */
export interface EventHubConnectionSetting {
  connectionString?: string;
  fullyQualifiedNamespace?: string;
  clientId?: string;
}

export interface CosmosConnectionSetting {
  connectionString?: string;
  accountEndpoint?: string;
  clientId?: string;
}

export interface BlobConnectionSetting {
  connectionString?: string;
  serviceUri?: string;
  clientId?: string;
}

export interface Settings {
  eventHub: EventHubConnectionSetting;
  eventHubName: string;
  archiveConsumerGroup: string;
  aggregateConsumerGroup: string;
  cosmos: CosmosConnectionSetting;
  cosmosDatabase: string;
  archiveStorage: BlobConnectionSetting;
  archiveContainer: string;
  deadLetterContainer: string;
  modelsContainer: string;
  /** Tumbling window sizes for aggregates, in minutes (e.g. 60 and 1440). */
  aggregationWindowsMinutes: number[];
  maxEventsPerRequest: number;
  maxRequestBytes: number;
  /** Longest a send to Event Hubs may take, the SDK's retries included, before it counts as failed. */
  eventHubSendTimeoutSeconds: number;
}

/** Names of all settings read by the app code (not by the Functions host itself). */
export const APP_SETTING_NAMES = [
  'EventHubConnection',
  'EventHubConnection__fullyQualifiedNamespace',
  'EventHubConnection__clientId',
  'EventHubConnection__credential',
  'EventHubName',
  'ArchiveConsumerGroup',
  'AggregateConsumerGroup',
  'CosmosDB',
  'CosmosDB__accountEndpoint',
  'CosmosDB__clientId',
  'CosmosDB__credential',
  'CosmosDatabaseName',
  'ArchiveStorage',
  'ArchiveStorage__blobServiceUri',
  'ArchiveStorage__clientId',
  'ArchiveStorage__credential',
  'ArchiveContainer',
  'DeadLetterContainer',
  'ModelsContainer',
  'AggregationWindowsMinutes',
  'MaxEventsPerRequest',
  'MaxRequestBytes',
  'EventHubSendTimeoutSeconds',
] as const;

export class SettingsError extends Error {}

/** A numeric setting within [min, max] (an integer when `integer`); blank means the fallback. */
export function numberSetting(env: Env, name: string, fallback: number, min: number, max: number, integer = false): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new SettingsError(`Setting ${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

const intSetting = (env: Env, name: string, fallback: number, min: number, max: number) => numberSetting(env, name, fallback, min, max, true);

function windowsSetting(env: Env): number[] {
  const raw = env.AggregationWindowsMinutes ?? '60,1440';
  const sizes = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (sizes.length === 0 || sizes.some((m) => !Number.isInteger(m) || m <= 0 || 1440 % m !== 0 && m % 1440 !== 0)) {
    throw new SettingsError(
      `Setting AggregationWindowsMinutes must list window sizes in minutes that divide a day or are whole days, got "${raw}"`,
    );
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export function readSettings(env: Env = process.env): Settings {
  return {
    eventHub: {
      connectionString: env.EventHubConnection || undefined,
      fullyQualifiedNamespace: env.EventHubConnection__fullyQualifiedNamespace || undefined,
      clientId: env.EventHubConnection__clientId || undefined,
    },
    eventHubName: env.EventHubName || 'events',
    archiveConsumerGroup: env.ArchiveConsumerGroup || 'archive',
    aggregateConsumerGroup: env.AggregateConsumerGroup || 'aggregate',
    cosmos: {
      connectionString: env.CosmosDB || undefined,
      accountEndpoint: env.CosmosDB__accountEndpoint || undefined,
      clientId: env.CosmosDB__clientId || undefined,
    },
    cosmosDatabase: env.CosmosDatabaseName || 'personalization',
    archiveStorage: {
      connectionString: env.ArchiveStorage || undefined,
      serviceUri: env.ArchiveStorage__blobServiceUri || undefined,
      clientId: env.ArchiveStorage__clientId || undefined,
    },
    archiveContainer: env.ArchiveContainer || 'archive',
    deadLetterContainer: env.DeadLetterContainer || 'deadletter',
    modelsContainer: env.ModelsContainer || 'models',
    aggregationWindowsMinutes: windowsSetting(env),
    maxEventsPerRequest: intSetting(env, 'MaxEventsPerRequest', 500, 1, 5000),
    maxRequestBytes: intSetting(env, 'MaxRequestBytes', 1024 * 1024, 1024, 16 * 1024 * 1024),
    eventHubSendTimeoutSeconds: intSetting(env, 'EventHubSendTimeoutSeconds', 10, 1, 120),
  };
}
