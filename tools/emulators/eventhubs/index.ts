import fs from 'node:fs';
import { AmqpServer } from './amqp/amqpServer';
import { HubConfig, HubRegistry, validateHubConfigs } from './hubRegistry';
import { lockDataDir } from '../dataDirLock';

export type { HubConfig } from './hubRegistry';

export interface EventHubsEmulator {
  port: number;
  /** Connection string for the SDK; with `;EntityPath=<hub>` when a hub is given. */
  connectionString(hubName?: string): string;
  stop(): Promise<void>;
}

export interface EventHubsEmulatorOptions {
  dataDir: string;
  hubs: HubConfig[];
  /** Default 5672; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  log?: (line: string) => void;
  /** Largest transfer a producer may send (default 1 MiB, like the Standard tier). */
  maxMessageBytes?: number;
  /** fdatasync every append (default false; see README: an acknowledged send survives a process kill either way). */
  fsync?: boolean;
  /** Segment roll size (default 64 MiB) and age (default min(retention / 4, 1 h)). */
  segmentMaxBytes?: number;
  segmentMaxAgeMs?: number;
  /** How often expired segments are deleted (default 60 s). */
  retentionCheckIntervalMs?: number;
  /** Clock for enqueued times and retention (tests). */
  now?: () => number;
}

export const DEV_SAS_KEY_NAME = 'RootManageSharedAccessKey';
/** The Event Hubs emulator's documented placeholder key: not a secret, any key is accepted. */
export const DEV_SAS_KEY = 'SAS_KEY_VALUE';

/** Starts the AMQP 1.0 Event Hubs emulator with durable partition logs under `dataDir`. */
export async function startEventHubsEmulator(opts: EventHubsEmulatorOptions): Promise<EventHubsEmulator> {
  if (typeof opts.dataDir !== 'string' || opts.dataDir === '') throw new TypeError('dataDir must be a non-empty path');
  const hubs = validateHubConfigs(opts.hubs);
  const port = opts.port ?? 5672;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const unlock = lockDataDir(opts.dataDir, 'emulator.lock', 'Event Hubs emulator');

  let registry: HubRegistry;
  try {
    registry = new HubRegistry(opts.dataDir, hubs, {
      fsync: opts.fsync,
      segmentMaxBytes: opts.segmentMaxBytes,
      segmentMaxAgeMs: opts.segmentMaxAgeMs,
      now: opts.now,
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const server = new AmqpServer({ registry, host, port, maxMessageBytes: opts.maxMessageBytes ?? 1024 * 1024, log });
  let boundPort: number;
  try {
    registry.applyRetention();
    boundPort = await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    registry.close();
    unlock();
    throw err;
  }
  const retentionTimer = setInterval(() => {
    try {
      const deleted = registry.applyRetention();
      if (deleted > 0) log(`retention deleted ${deleted} segment(s)`);
    } catch (err) {
      log(`retention failed: ${(err as Error).message}`);
    }
  }, opts.retentionCheckIntervalMs ?? 60_000);
  retentionTimer.unref();

  let stopping: Promise<void> | undefined;
  return {
    port: boundPort,
    connectionString(hubName?: string): string {
      const base = `Endpoint=sb://${host}:${boundPort};SharedAccessKeyName=${DEV_SAS_KEY_NAME};SharedAccessKey=${DEV_SAS_KEY};UseDevelopmentEmulator=true`;
      return hubName ? `${base};EntityPath=${hubName}` : base;
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        clearInterval(retentionTimer);
        await server.stop();
        registry.close();
        unlock();
      })();
      return stopping;
    },
  };
}
