// Aggregation through a proxy that injects Cosmos DB failures between the real SDK and the
// stand-in: throttling, unavailability and responses lost after the write was made.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmosClient, type Container } from '@azure/cosmos';
import { startCosmos, type CosmosEmulator } from '../../tools/emulators/cosmos';
import { ensureContainers, AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../../src/aggregation/containers';
import { aggregateBatch } from '../../src/aggregation/aggregateBatch';
import { aggregateKeyOf, batchOf, cut, expectedAggregates, makeEvents, toPartitions } from './fixtures/generatedEvents';

type Fault = 'none' | 'throttle' | 'unavailable' | 'lose-response';
let decide: (req: http.IncomingMessage, n: number) => Fault = () => 'none';
let cosmos: CosmosEmulator;
let proxy: http.Server;
let client: CosmosClient;
let dataDir: string;
const injected: Record<Fault, number> = { none: 0, throttle: 0, unavailable: 0, 'lose-response': 0 };

function fail(res: http.ServerResponse, status: number, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ code: status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'injected' }));
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agg-faults-'));
  cosmos = await startCosmos({ dataDir, port: 0 });
  let requests = 0;
  proxy = http.createServer((req, res) => {
    const fault = decide(req, ++requests);
    injected[fault]++;
    if (fault === 'throttle') return fail(res, 429, { 'x-ms-retry-after-ms': '5' });
    if (fault === 'unavailable') return fail(res, 503);
    const upstream = http.request(
      { host: '127.0.0.1', port: cosmos.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (fault === 'lose-response') {
          answer.resume();
          answer.on('end', () => fail(res, 503));
          return;
        }
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
  client = new CosmosClient({ endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
});

afterAll(async () => {
  client?.dispose();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await cosmos?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function containers(name: string): Promise<{ aggregates: Container; profiles: Container }> {
  decide = () => 'none';
  await ensureContainers(client, name);
  return { aggregates: client.database(name).container(AGGREGATES_CONTAINER), profiles: client.database(name).container(PROFILES_CONTAINER) };
}

const isDocWrite = (req: http.IncomingMessage) => (req.method === 'PUT' || req.method === 'POST') && /\/docs/.test(req.url ?? '') && !req.headers['x-ms-documentdb-isquery'];

describe('aggregation under injected Cosmos DB faults', () => {
  const events = makeEvents(400, 5, 40);
  const partitions = toPartitions(events, 2);

  it('retries throttling, unavailability and lost write responses without double counting', async () => {
    const c = await containers('faults');
    decide = (req, n) => {
      if (n % 7 === 0) return 'throttle';
      if (n % 11 === 0) return 'unavailable';
      if (isDocWrite(req) && n % 5 === 0) return 'lose-response';
      return 'none';
    };
    for (const [partitionId, list] of partitions) {
      for (const batch of cut(list, [20])) {
        await aggregateBatch(batchOf(partitionId, batch), { ...c, windowsMinutes: [60, 1440], retry: { initialDelayMs: 1, maxDelayMs: 20 } });
      }
    }
    decide = () => 'none';
    expect(injected['lose-response']).toBeGreaterThan(10);
    expect(injected.unavailable).toBeGreaterThan(10);
    expect(injected.throttle).toBeGreaterThan(10);
    const truth = expectedAggregates(events);
    const { resources } = await c.aggregates.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
    expect(resources.length).toBe(truth.size);
    for (const doc of resources) {
      for (const [field, value] of Object.entries(truth.get(aggregateKeyOf(doc))!)) {
        if (typeof value === 'number' && !Number.isInteger(value)) expect(doc[field] as number).toBeCloseTo(value, 6);
        else expect(doc[field], `${String(doc.id)}.${field}`).toBe(value);
      }
    }
  });

  it('throws when Cosmos DB stays unavailable, so the trigger retries the batch', async () => {
    const c = await containers('down');
    decide = () => 'unavailable';
    const [partitionId, list] = [...partitions][0];
    await expect(
      aggregateBatch(batchOf(partitionId, list.slice(0, 20)), { ...c, windowsMinutes: [60], retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 } }),
    ).rejects.toThrow(/Cosmos DB bulk request to .* failed: injected/);

    decide = () => 'none';
  });
});
