import path from 'node:path';
import fs from 'node:fs';
import { BlobServiceClient } from '@azure/storage-blob';
import { readSettings } from '../../src/config/settings';
import { createCosmosClient } from '../../src/clients/cosmosClients';
import { ensureContainers } from '../../src/aggregation/containers';
import { loadOrCreateLocalSecrets } from './localSecrets';
import { installFunctionsCoreShim, runAppTerminateHooks, FunctionRegistration } from './host/functionsCoreShim';
import { loadFunctionApp } from './host/functionAppLoader';
import { readHostConfig } from './host/hostConfig';
import { readLocalSettings } from './localSettings';
import { loadOrCreateHostKeys, HostKeys } from './host/hostKeys';
import { startHttpHost, HttpHost } from './host/httpHost';
import type { RateLimitOptions } from './host/rateLimiter';
import { startEventHubTriggers, EventHubTriggerHost } from './host/eventHubTriggerHost';
import { HostLogger } from './host/hostLogger';
import { startTimerTriggers } from './host/timerTriggerHost';
import { startBlobService, startCosmosService, startEventHubsService, RunningService } from './localServices';

export interface LocalRuntimeOptions {
  appRoot: string;
  /** Where emulator data, checkpoints and host keys are kept (default <appRoot>/.local). */
  dataDir?: string;
  /** 0 picks a free port. Defaults: the ports the real emulators and Core Tools use. */
  ports?: Partial<{ http: number; blob: number; cosmos: number; eventHubs: number }>;
  /** Start the emulators only (for `func start` against them). */
  servicesOnly?: boolean;
  eventHubPartitions?: number;
  logger: HostLogger;
  /** Settings that win over local.settings.json and process.env (tests). */
  overrides?: Record<string, string>;
  /** Also serve the demo shop (tools/shop) at /shop, as `npm start` does; it is never part of the deployed app. */
  demoShop?: boolean;
  /** Per-client rate limits on the anonymous routes (what Azure's front door does); absent: none. */
  rateLimit?: RateLimitOptions;
  /**
   * Switch off every function of these trigger kinds, whatever their names (tests: nothing trains
   * or plans in the background). See `triggerSwitches`.
   */
  switchOff?: TriggerKind[];
}

/** A function's trigger, as its binding type names it without the `Trigger` suffix. */
export type TriggerKind = 'http' | 'eventHub' | 'timer';

export interface LocalRuntime {
  url?: string;
  keys: HostKeys;
  env: Record<string, string>;
  services: RunningService[];
  http?: HttpHost;
  triggers?: EventHubTriggerHost;
  /**
   * What Azure does after an app setting changes: the app's `appTerminate` hooks run, and the
   * next invocation starts from the settings of that time (the host keeps serving meanwhile).
   */
  restartApp?(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PORTS = { http: 7071, blob: 10000, cosmos: 8081, eventHubs: 5672 };

/**
 * `npm start`: the whole system on one machine. Emulators start for every service whose
 * settings are not given (so pointing a setting at Azure uses Azure), the app's functions are
 * loaded unmodified and served with the Functions host's semantics.
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = opts.dataDir ?? path.join(opts.appRoot, '.local');
  fs.mkdirSync(dataDir, { recursive: true });
  const ports = { ...DEFAULT_PORTS, ...opts.ports };
  const local = readLocalSettings(opts.appRoot);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...local.values, ...process.env, ...opts.overrides })) if (v !== undefined) env[k] = v;
  const log = opts.logger;
  const services: RunningService[] = [];
  const serviceLog = (name: string) => (line: string) => {
    if (/error|fail/i.test(line)) log.warn(`${name}: ${line}`);
  };

  const stopAll = async () => {
    for (const service of [...services].reverse()) await service.stop().catch(() => {});
  };
  try {
    const hubName = env.EventHubName || 'events';
    // Trigger bindings name these as %Setting%; the templates set them in Azure.
    env.ArchiveConsumerGroup ||= 'archive';
    env.AggregateConsumerGroup ||= 'aggregate';
    const needsBlob = !env.AzureWebJobsStorage && !env.AzureWebJobsStorage__accountName && !env.AzureWebJobsStorage__blobServiceUri;
    const needsArchive = !env.ArchiveStorage && !env.ArchiveStorage__blobServiceUri;
    if (needsBlob || needsArchive) {
      const blob = await startBlobService(path.join(dataDir, 'azurite'), ports.blob, serviceLog('azurite'));
      services.push(blob);
      if (needsBlob) env.AzureWebJobsStorage = blob.connectionString;
      if (needsArchive) env.ArchiveStorage = blob.connectionString;
    }
    if (!env.CosmosDB && !env.CosmosDB__accountEndpoint) {
      const cosmos = await startCosmosService(path.join(dataDir, 'cosmos'), ports.cosmos, serviceLog('cosmos'));
      services.push(cosmos);
      env.CosmosDB = cosmos.connectionString;
    }
    if (!env.EventHubConnection && !env.EventHubConnection__fullyQualifiedNamespace) {
      const groups = [env.ArchiveConsumerGroup, env.AggregateConsumerGroup];
      const eh = await startEventHubsService(
        path.join(dataDir, 'eventhubs'),
        ports.eventHubs,
        [{ name: hubName, partitions: opts.eventHubPartitions ?? 4, consumerGroups: groups }],
        serviceLog('eventhubs'),
      );
      services.push(eh);
      env.EventHubConnection = eh.connectionString;
    }
    env.EventHubName = hubName;
    const secrets = loadOrCreateLocalSecrets(dataDir);
    env.PersonalizerApiKeys ||= secrets.personalizerApiKey;
    env.RankingSigningKeys ||= secrets.rankingSigningKey;
    env.CatalogApiKeys ||= secrets.catalogApiKey;
    env.CampaignApiKeys ||= secrets.campaignApiKey;
    env.UserTokenKeys ||= secrets.userTokenKey;
    // Locally every userId is believed unless told otherwise: the simulator and the demo post user
    // ids without tokens. UnverifiedUserIds=anonymous (Azure's setting) switches the check on.
    env.UnverifiedUserIds ||= 'trust';
    env.FUNCTIONS_WORKER_RUNTIME ??= 'node';

    await bootstrapResources(env);
    const keys = loadOrCreateHostKeys(dataDir);
    if (opts.servicesOnly) {
      return { keys, env, services, close: stopAll };
    }

    // The app reads its settings from process.env, as it does in Azure; put back what was there on close.
    const previousEnv = new Map<string, string | undefined>();
    const setEnv = (k: string, v: string) => {
      if (!previousEnv.has(k)) previousEnv.set(k, process.env[k]);
      process.env[k] = env[k] = v;
    };
    for (const [k, v] of Object.entries(env)) setEnv(k, v);
    const restoreEnv = () => {
      for (const [k, v] of previousEnv) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    };
    const registrations: FunctionRegistration[] = installFunctionsCoreShim((level, message) => {
      if (level === 'error') log.error(message);
      else if (level === 'warning') log.warn(message);
    });
    loadFunctionApp(opts.appRoot);
    // Only the loaded app knows its functions (some timers exist only when their schedule is set).
    for (const [k, v] of Object.entries(triggerSwitches(registrations, opts.switchOff ?? [], opts.overrides ?? {}))) setEnv(k, v);
    // Loaded by path, not imported: the shop is a tool on top of the app, not part of the host.
    if (opts.demoShop) {
      // The shop's backend posts confirmed purchases to the keyed route with the host's function key.
      // Typed here, not with `typeof import(...)`: tools/local sits below tools/shop and may not name it.
      const shop = require(path.join(opts.appRoot, 'dist', 'tools', 'shop', 'shopFunctions.js')) as { configureShop(settings: { functionKey: string }): void };
      shop.configureShop({ functionKey: keys.functionKey });
    }
    const active = enabledFunctions(registrations, env, log);
    const hostConfig = readHostConfig(opts.appRoot);
    const corsOrigins = (env.CORS_ALLOWED_ORIGINS ?? local.cors ?? '*').split(',').map((s) => s.trim()).filter(Boolean);
    const triggers = await startEventHubTriggers(active, {
      env,
      hostConfig,
      checkpointContainer: BlobServiceClient.fromConnectionString(requireConnection(env, 'AzureWebJobsStorage')).getContainerClient('azure-webjobs-eventhub'),
      logger: log,
    });
    const timers = startTimerTriggers(active, env, log);
    const http = await startHttpHost(active, {
      port: ports.http,
      routePrefix: hostConfig.routePrefix,
      maxRequestBodyBytes: hostConfig.maxRequestBodyBytes,
      keys,
      corsOrigins,
      ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
      logger: log,
    });
    const terminateFailed = (error: unknown) => log.error(`appTerminate hook failed: ${(error as Error)?.stack ?? String(error)}`);
    return {
      url: http.url,
      keys,
      env,
      services,
      http,
      triggers,
      restartApp: () => runAppTerminateHooks(terminateFailed),
      async close() {
        await http.close();
        await timers.close();
        await triggers.close();
        await runAppTerminateHooks(terminateFailed);
        await stopAll();
        restoreEnv();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * `AzureWebJobs.<function>.Disabled = true` for each registered function of the given trigger
 * kinds. Set as settings rather than filtered out, so the app sees them as in Azure (retrainModel
 * reads its own switch); a switch the caller's overrides set explicitly wins.
 */
export function triggerSwitches(registrations: FunctionRegistration[], kinds: TriggerKind[], overrides: Record<string, string>): Record<string, string> {
  const types = new Set(kinds.map((k) => `${k}trigger`.toLowerCase()));
  const switches: Record<string, string> = {};
  for (const r of registrations) {
    const name = `AzureWebJobs.${r.name}.Disabled`;
    if (types.has(r.trigger.type.toLowerCase()) && !(name in overrides)) switches[name] = 'true';
  }
  return switches;
}

/** The host's switch `AzureWebJobs.<function>.Disabled`: a disabled function is neither served nor triggered. */
function enabledFunctions(registrations: FunctionRegistration[], env: Record<string, string>, log: HostLogger): FunctionRegistration[] {
  return registrations.filter((r) => {
    const flag = (env[`AzureWebJobs.${r.name}.Disabled`] ?? '').toLowerCase();
    const disabled = flag === 'true' || flag === '1';
    if (disabled) log.info(`Function '${r.name}' is disabled (AzureWebJobs.${r.name}.Disabled)`);
    return !disabled;
  });
}

function requireConnection(env: Record<string, string>, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`The local host keeps Event Hub checkpoints in ${name}; set it to a storage connection string`);
  return value;
}

/** Creates what the Bicep templates create in Azure: the Cosmos database and containers, the blob containers. */
async function bootstrapResources(env: Record<string, string>): Promise<void> {
  const settings = readSettings(env);
  if (settings.cosmos.connectionString) {
    const client = createCosmosClient(settings.cosmos);
    try {
      await ensureContainers(client, settings.cosmosDatabase);
    } finally {
      client.dispose();
    }
  }
  if (settings.archiveStorage.connectionString) {
    const blobs = BlobServiceClient.fromConnectionString(settings.archiveStorage.connectionString);
    for (const name of [settings.archiveContainer, settings.deadLetterContainer, settings.modelsContainer]) {
      await blobs.getContainerClient(name).createIfNotExists();
    }
  }
}
