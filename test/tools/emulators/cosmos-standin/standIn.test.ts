// The Cosmos DB stand-in through the real SDK: basic semantics, and that acknowledged writes
// survive a clean restart, a journal compaction and a SIGKILL of its process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BulkOperationType, CosmosClient, type Container, type OperationInput } from '@azure/cosmos';
import { startCosmos, type CosmosStandIn } from '../../../../tools/emulators/cosmos-standin/server';
import { startCosmosProcess } from '../../../../tools/emulators/cosmos-standin/childProcess';
import { ensureContainers, AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../../../../src/aggregation/containers';

const tempDirs: string[] = [];
const running: { stop(): Promise<void> }[] = [];
const clients: CosmosClient[] = [];

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function clientFor(cosmos: CosmosStandIn): CosmosClient {
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  clients.push(client);
  return client;
}

async function start(dataDir: string, extra: { compactAfterBytes?: number } = {}): Promise<CosmosStandIn> {
  const cosmos = await startCosmos({ dataDir, port: 0, ...extra });
  running.push(cosmos);
  return cosmos;
}

async function stopAll(): Promise<void> {
  for (const client of clients.splice(0)) client.dispose();
  for (const service of running.splice(0)) await service.stop();
}

afterEach(stopAll);
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function contentsOf(container: Container): Promise<Record<string, unknown>[]> {
  const { resources } = await container.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
  return resources
    .map(({ _rid, _self, _etag, _ts, _attachments, ...rest }) => rest)
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** A mix of every kind of write; returns what the container must hold afterwards. */
async function writeEverything(client: CosmosClient): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: 'app' });
  const { container } = await database.containers.createIfNotExists({ id: 'things', partitionKey: { paths: ['/pk'] } });
  const { container: doomed } = await database.containers.createIfNotExists({ id: 'doomed', partitionKey: { paths: ['/pk'] } });
  await doomed.items.create({ id: 'gone', pk: 'x' });
  await doomed.delete();
  const created = await container.items.create({ id: 'a', pk: 'p1', n: 1, nested: { list: [1, 2] } });
  await container.item('a', 'p1').replace({ id: 'a', pk: 'p1', n: 2, nested: { list: [3] } }, { accessCondition: { type: 'IfMatch', condition: created.etag } });
  await container.items.upsert({ id: 'b', pk: 'p2', n: 10 });
  await container.items.upsert({ id: 'b', pk: 'p2', n: 11 });
  await container.item('b', 'p2').patch([{ op: 'incr', path: '/n', value: 5 }, { op: 'add', path: '/tag', value: 'patched' }]);
  await container.items.create({ id: 'c', pk: 'p1', n: 3 });
  await container.item('c', 'p1').delete();
  const bulk: OperationInput[] = [
    { operationType: BulkOperationType.Create, resourceBody: { id: 'd', pk: 'p3', n: 4 }, partitionKey: 'p3' },
    { operationType: BulkOperationType.Upsert, resourceBody: { id: 'e', pk: 'p3', n: 5 }, partitionKey: 'p3' },
  ];
  const results = await container.items.executeBulkOperations(bulk);
  expect(results.map((r) => r.response?.statusCode)).toEqual([201, 201]);
  await container.items.create({ id: 'same-id', pk: 'p1', n: 6 });
  await container.items.create({ id: 'same-id', pk: 'p2', n: 7 });
  return container;
}

const EXPECTED = [
  { id: 'a', pk: 'p1', n: 2, nested: { list: [3] } },
  { id: 'b', pk: 'p2', n: 16, tag: 'patched' },
  { id: 'd', pk: 'p3', n: 4 },
  { id: 'e', pk: 'p3', n: 5 },
  { id: 'same-id', pk: 'p1', n: 6 },
  { id: 'same-id', pk: 'p2', n: 7 },
];

describe('Cosmos DB stand-in', () => {
  it('serves the SDK over http: create, read, 404, 409 on duplicate, 412 on a stale etag', async () => {
    const cosmos = await start(tempDir('cosmos-basic-'));
    expect(cosmos.connectionString).toBe(`AccountEndpoint=http://127.0.0.1:${cosmos.port}/;AccountKey=${cosmos.key};`);
    const client = new CosmosClient(cosmos.connectionString);
    clients.push(client);
    const { database } = await client.databases.createIfNotExists({ id: 'basic' });
    const { container } = await database.containers.createIfNotExists({ id: 'c', partitionKey: { paths: ['/pk'] } });
    const first = await container.items.create({ id: 'x', pk: 'k', v: 1 });
    const missing = await container.item('nope', 'k').read();
    expect(missing.statusCode).toBe(404);
    expect(missing.resource).toBeUndefined();
    await expect(container.items.create({ id: 'x', pk: 'k', v: 2 })).rejects.toMatchObject({ code: 409 });
    await container.item('x', 'k').replace({ id: 'x', pk: 'k', v: 3 }, { accessCondition: { type: 'IfMatch', condition: first.etag } });
    await expect(
      container.item('x', 'k').replace({ id: 'x', pk: 'k', v: 4 }, { accessCondition: { type: 'IfMatch', condition: first.etag } }),
    ).rejects.toMatchObject({ code: 412 });
    expect((await container.item('x', 'k').read()).resource).toMatchObject({ v: 3 });
  });

  it('keeps every kind of write across a clean restart', async () => {
    const dir = tempDir('cosmos-restart-');
    const before = await start(dir);
    const written = await contentsOf(await writeEverything(clientFor(before)));
    expect(written).toEqual(EXPECTED);
    await stopAll();

    const after = await start(dir);
    const client = clientFor(after);
    expect(await contentsOf(client.database('app').container('things'))).toEqual(EXPECTED);
    const { resources: containers } = await client.database('app').containers.readAll().fetchAll();
    expect(containers.map((c) => c.id)).toEqual(['things']);
    // Writing after a restart continues normally (ids and etags stay consistent).
    const created = await client.database('app').container('things').items.create({ id: 'f', pk: 'p4' });
    await client.database('app').container('things').item('f', 'p4').replace({ id: 'f', pk: 'p4', n: 1 }, { accessCondition: { type: 'IfMatch', condition: created.etag } });
  });

  it('keeps writes across journal compactions while running', async () => {
    const dir = tempDir('cosmos-compact-');
    const cosmos = await start(dir, { compactAfterBytes: 2_000 });
    const container = await writeEverything(clientFor(cosmos));
    for (let i = 0; i < 60; i++) await container.items.upsert({ id: `bulk-${i % 20}`, pk: 'p9', n: i });
    const expected = await contentsOf(container);
    expect(expected).toHaveLength(EXPECTED.length + 20);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fs.statSync(path.join(dir, 'snapshot.ndjson')).size).toBeGreaterThan(2_000);
    await stopAll();
    const after = await start(dir);
    expect(await contentsOf(clientFor(after).database('app').container('things'))).toEqual(expected);
  });

  it('keeps acknowledged writes when its process is killed with SIGKILL', async () => {
    const dir = tempDir('cosmos-kill-');
    const script = transpileStandIn(tempDir('cosmos-js-'));
    const first = await startCosmosProcess({ dataDir: dir, port: 0, script });
    running.push(first);
    const container = await writeEverything(clientFor(first));
    for (let i = 0; i < 25; i++) await container.items.upsert({ id: `late-${i}`, pk: 'p5', n: i });
    const expected = await contentsOf(container);
    first.service.process.kill('SIGKILL');
    expect(await first.service.exited).toBeNull();
    // Simulate a write cut off mid-line by the kill: it was never acknowledged and must be ignored.
    const journal = fs.readdirSync(dir).find((f) => f.startsWith('journal-'))!;
    fs.appendFileSync(path.join(dir, journal), '{"t":"doc","db":"app","coll":"things","op":"set","n":99,"d":{"id":"torn"');
    await stopAll();

    const second = await startCosmosProcess({ dataDir: dir, port: 0, script });
    running.push(second);
    expect(await contentsOf(clientFor(second).database('app').container('things'))).toEqual(expected);
  });

  it('ensureContainers creates the aggregation containers once, with their partition keys', async () => {
    const cosmos = await start(tempDir('cosmos-containers-'));
    const client = clientFor(cosmos);
    await ensureContainers(client, 'personalization');
    await ensureContainers(client, 'personalization');
    const aggregates = await client.database('personalization').container(AGGREGATES_CONTAINER).read();
    const profiles = await client.database('personalization').container(PROFILES_CONTAINER).read();
    expect(aggregates.resource?.partitionKey?.paths).toEqual(['/pk']);
    expect(profiles.resource?.partitionKey?.paths).toEqual(['/userId']);
    expect(aggregates.resource?.indexingPolicy?.excludedPaths?.map((p) => p.path)).toContain('/applied/*');
  });
});

/**
 * The stand-in's CLI as JavaScript in `dir`, so it can run as a real child process while the
 * tests run from TypeScript sources (node_modules is linked in for its imports).
 */
function transpileStandIn(dir: string): string {
  const source = path.resolve(__dirname, '../../../../tools/emulators/cosmos-standin');
  const out = path.join(dir, 'cosmos');
  fs.mkdirSync(out);
  fs.symlinkSync(path.resolve(__dirname, '../../../../node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const file of fs.readdirSync(source).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(source, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    fs.writeFileSync(path.join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
  return path.join(out, 'main.js');
}
