// Shared setup for the dashboard tests: the embedded stores, aggregates written by the real
// aggregation, and the app's own dashboard functions served by the local HTTP host.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { startCosmos, type CosmosEmulator } from '../../tools/emulators/cosmos';
import { startAzurite, type BlobEmulator } from '../../tools/local/services/azurite';
import { ensureContainers, AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../../src/aggregation/containers';
import { aggregateBatch } from '../../src/aggregation/aggregateBatch';
import { installFunctionsCoreShim } from '../../tools/local/host/functionsCoreShim';
import { startHttpHost, type HttpHost } from '../../tools/local/host/httpHost';
import { silentLogger } from '../../tools/local/host/hostLogger';
import { appServices, closeAppServices } from '../../src/app/appServices';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { batchOf } from './recentEvents';

export const TEST_KEYS = { masterKey: 'test-master-key', functionKey: 'test-function-key' };

export interface Stores {
  cosmos: CosmosEmulator;
  client: CosmosClient;
  blobs?: BlobEmulator;
  stop(): Promise<void>;
}

export async function startStores(withBlobs: boolean): Promise<Stores> {
  const cosmosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-cosmos-'));
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dash-blobs-'));
  const cosmos = await startCosmos({ dataDir: cosmosDir, port: 0 });
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  let blobs: BlobEmulator | undefined;
  try {
    if (withBlobs) blobs = await startAzurite({ dataDir: blobDir, port: 0 });
  } catch (error) {
    await cosmos.stop();
    throw error;
  }
  return {
    cosmos,
    client,
    blobs,
    async stop() {
      client.dispose();
      await blobs?.stop();
      await cosmos.stop();
      fs.rmSync(cosmosDir, { recursive: true, force: true });
      fs.rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** Aggregates and profiles of `events`, written by the real aggregation (hourly and daily windows). */
export class AggregateSeeder {
  private nextSeq = 0;

  constructor(
    private readonly client: CosmosClient,
    readonly database: string,
  ) {}

  async add(events: TrackedEvent[]): Promise<void> {
    await ensureContainers(this.client, this.database);
    const db = this.client.database(this.database);
    const result = await aggregateBatch(batchOf(events, this.nextSeq), {
      aggregates: db.container(AGGREGATES_CONTAINER),
      profiles: db.container(PROFILES_CONTAINER),
      windowsMinutes: [60, 1440],
    });
    this.nextSeq += events.length;
    if (result.poison.length > 0) throw new Error(`test events refused: ${result.poison[0].reason}`);
  }
}

/**
 * Serves functions/dashboard.ts and functions/aggregatesApi.ts as the Functions host would. The
 * functions read their settings from process.env through appServices(); `configure` changes
 * them between tests.
 */
export async function serveDashboardFunctions(stores: Stores): Promise<{ host: HttpHost; configure(env: Record<string, string | undefined>): Promise<void> }> {
  const registrations = installFunctionsCoreShim(() => {});
  await import('../../functions/aggregatesApi');
  await import('../../functions/dashboard');
  const host = await startHttpHost(registrations, {
    port: 0,
    routePrefix: '',
    maxRequestBodyBytes: 1024 * 1024,
    keys: TEST_KEYS,
    corsOrigins: [],
    logger: { info() {}, warn: (m) => console.warn(m), error: (m) => console.error(m) },
  });
  return {
    host,
    async configure(env) {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await closeAppServices();
    },
  };
}
