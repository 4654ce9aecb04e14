import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import { startCosmos, type CosmosEmulator, type CosmosEmulatorOptions } from '../../../../tools/emulators/cosmos';

const tempDirs: string[] = [];
const running: { stop(): Promise<void> }[] = [];
const clients: CosmosClient[] = [];

export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export async function start(dataDir?: string, extra: Partial<CosmosEmulatorOptions> = {}): Promise<CosmosEmulator> {
  const cosmos = await startCosmos({ dataDir: dataDir ?? tempDir('cosmos-emu-'), port: 0, ...extra });
  running.push(cosmos);
  return cosmos;
}

export function track(service: { stop(): Promise<void> }): void {
  running.push(service);
}

export function clientFor(cosmos: { endpoint: string; key: string }): CosmosClient {
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  clients.push(client);
  return client;
}

export async function stopAll(): Promise<void> {
  for (const client of clients.splice(0)) client.dispose();
  for (const service of running.splice(0)) await service.stop();
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A fresh emulator, client, database and container partitioned by /pk. */
export async function freshContainer(
  definition: Record<string, unknown> = {},
  extra: Partial<CosmosEmulatorOptions> = {},
): Promise<{ cosmos: CosmosEmulator; client: CosmosClient; database: Database; container: Container }> {
  const cosmos = await start(undefined, extra);
  const client = clientFor(cosmos);
  const { database } = await client.databases.createIfNotExists({ id: 'db' });
  const { container } = await database.containers.createIfNotExists({ id: 'c', partitionKey: { paths: ['/pk'] }, ...definition });
  return { cosmos, client, database, container };
}

export function strip<T extends Record<string, unknown>>(doc: T): Record<string, unknown> {
  const { _rid, _self, _etag, _ts, _attachments, _lsn, ...rest } = doc;
  return rest;
}
