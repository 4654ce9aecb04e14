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

/**
 * A request signed like the SDK signs it (master key HMAC), for what the SDK would not send.
 * `path` is the resource link without the leading slash, e.g. "dbs/db/colls/c/docs".
 */
export async function signedRequest(
  cosmos: { endpoint: string; key: string },
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const { createHmac } = await import('node:crypto');
  const segments = path.split('/').filter((s) => s !== '');
  const odd = segments.length % 2 === 1;
  const resourceType = segments.length === 0 ? '' : odd ? segments[segments.length - 1] : segments[segments.length - 2];
  const resourceId = segments.length === 0 ? '' : odd ? segments.slice(0, -1).join('/') : segments.join('/');
  const date = new Date().toUTCString();
  const text = `${method.toLowerCase()}\n${resourceType}\n${resourceId}\n${date.toLowerCase()}\n\n`;
  const sig = createHmac('sha256', Buffer.from(cosmos.key, 'base64')).update(text).digest('base64');
  const res = await fetch(`${cosmos.endpoint}${segments.map(encodeURIComponent).join('/')}`, {
    method,
    headers: {
      authorization: encodeURIComponent(`type=master&ver=1.0&sig=${sig}`),
      'x-ms-date': date,
      'x-ms-version': '2020-07-15',
      'content-type': 'application/json',
      ...options.headers,
    },
    body: options.body,
  });
  const raw = await res.text();
  let body: unknown = raw;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    // not JSON
  }
  return { status: res.status, body, headers: res.headers };
}
