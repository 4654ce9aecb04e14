// Durability of the emulator (the assertions of the old stand-in's test, ported): acknowledged
// writes survive a clean restart, journal compactions and a SIGKILL of the process running the
// compiled CLI; a batch is one journal record; TTL and the change feed LSN survive a restart;
// the previous stand-in's data directory is migrated.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BulkOperationType, ChangeFeedStartFrom, CosmosClient, type Container, type OperationInput } from '@azure/cosmos';
import { ensureContainers, AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../../../../src/aggregation/containers';
import { EMULATOR_KEY } from '../../../../tools/emulators/cosmos';
import { clientFor, removeTempDirs, start, stopAll, tempDir, track } from './helpers';

const ROOT = path.resolve(__dirname, '../../../..');
const MAIN = path.join(ROOT, 'dist/tools/emulators/cosmos/main.js');

beforeAll(() => {
  // The SIGKILL test runs the compiled CLI, as the local host will.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
}, 240_000);
afterEach(stopAll);
afterAll(removeTempDirs);

async function contentsOf(container: Container): Promise<Record<string, unknown>[]> {
  const { resources } = await container.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
  return resources
    .map(({ _rid, _self, _etag, _ts, _attachments, ...rest }) => rest)
    .sort((a, b) => `${String(a.id)}/${String(a.pk)}`.localeCompare(`${String(b.id)}/${String(b.pk)}`));
}

/** A mix of every kind of write; returns the container. */
async function writeEverything(client: CosmosClient): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: 'app' });
  const { container } = await database.containers.createIfNotExists({ id: 'things', partitionKey: { paths: ['/pk'] } });
  const { container: doomed } = await database.containers.createIfNotExists({ id: 'doomed', partitionKey: { paths: ['/pk'] } });
  await doomed.items.create({ id: 'gone', pk: 'x' });
  await doomed.delete();
  const created = await container.items.create({ id: 'a', pk: 'p1', n: 1, nested: { list: [1, 2] } });
  await container.item('a', 'p1').replace({ id: 'a', pk: 'p1', n: 2, nested: { list: [3] } }, { accessCondition: { type: 'IfMatch', condition: created.etag! } });
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
  await container.items.batch(
    [
      { operationType: BulkOperationType.Create, resourceBody: { id: 'g', pk: 'p6', n: 8 } },
      { operationType: BulkOperationType.Create, resourceBody: { id: 'h', pk: 'p6', n: 9 } },
    ],
    'p6',
  );
  await container.items.create({ id: 'same-id', pk: 'p1', n: 6 });
  await container.items.create({ id: 'same-id', pk: 'p2', n: 7 });
  return container;
}

const EXPECTED = [
  { id: 'a', pk: 'p1', n: 2, nested: { list: [3] } },
  { id: 'b', pk: 'p2', n: 16, tag: 'patched' },
  { id: 'd', pk: 'p3', n: 4 },
  { id: 'e', pk: 'p3', n: 5 },
  { id: 'g', pk: 'p6', n: 8 },
  { id: 'h', pk: 'p6', n: 9 },
  { id: 'same-id', pk: 'p1', n: 6 },
  { id: 'same-id', pk: 'p2', n: 7 },
];

interface Child {
  endpoint: string;
  key: string;
  process: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

async function startChild(dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, [MAIN, '--data-dir', dataDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Cosmos DB emulator listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const handle = { endpoint: `http://127.0.0.1:${port}/`, key: EMULATOR_KEY, process: child, exited, stop };
  track(handle);
  return handle;
}

describe('durability', () => {
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
    await client
      .database('app')
      .container('things')
      .item('f', 'p4')
      .replace({ id: 'f', pk: 'p4', n: 1 }, { accessCondition: { type: 'IfMatch', condition: created.etag! } });
  });

  it('keeps writes across journal compactions while running', async () => {
    const dir = tempDir('cosmos-compact-');
    const cosmos = await start(dir, { compactAfterBytes: 2_000 });
    const container = await writeEverything(clientFor(cosmos));
    for (let i = 0; i < 60; i++) await container.items.upsert({ id: `bulk-${i % 20}`, pk: 'p9', n: i });
    const expected = await contentsOf(container);
    expect(expected).toHaveLength(EXPECTED.length + 20);
    await cosmos.idle();
    expect(fs.statSync(path.join(dir, 'cosmos-snapshot.ndjson')).size).toBeGreaterThan(2_000);
    const journals = fs.readdirSync(dir).filter((f) => f.startsWith('cosmos-journal-'));
    expect(journals.length).toBeLessThanOrEqual(2);
    await stopAll();
    const after = await start(dir);
    expect(await contentsOf(clientFor(after).database('app').container('things'))).toEqual(expected);
  });

  it('keeps acknowledged writes when its process is killed with SIGKILL', async () => {
    const dir = tempDir('cosmos-kill-');
    const first = await startChild(dir);
    const container = await writeEverything(clientFor(first));
    for (let i = 0; i < 25; i++) await container.items.upsert({ id: `late-${i}`, pk: 'p5', n: i });
    const expected = await contentsOf(container);
    first.process.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    // A write cut off mid-line by the kill was never acknowledged and must be ignored: here a
    // torn transactional batch record (one line for the whole batch, so none of it applies).
    const journal = fs.readdirSync(dir).filter((f) => f.startsWith('cosmos-journal-')).sort().pop()!;
    fs.appendFileSync(path.join(dir, journal), '{"t":"w","db":"app","c":"x","ops":[[0,{"id":"torn","pk":"p7"},999,0],[0,{"id":"torn2"');
    await stopAll();

    const second = await startChild(dir);
    const client = clientFor(second);
    expect(await contentsOf(client.database('app').container('things'))).toEqual(expected);
    // And it keeps journaling after the torn tail was cut.
    await client.database('app').container('things').items.create({ id: 'after-kill', pk: 'p8' });
    second.process.kill('SIGKILL');
    await second.exited;
    const third = await startChild(dir);
    expect((await clientFor(third).database('app').container('things').item('after-kill', 'p8').read()).statusCode).toBe(200);
  });

  it('keeps TTL expiry and the change feed LSN across a restart', async () => {
    const dir = tempDir('cosmos-ttl-lsn-');
    const first = await start(dir);
    const client = clientFor(first);
    const { database } = await client.databases.createIfNotExists({ id: 'db' });
    const { container } = await database.containers.createIfNotExists({ id: 'c', partitionKey: { paths: ['/pk'] }, defaultTtl: -1 });
    await container.items.create({ id: 'expiring', pk: 'p', ttl: 1 });
    await container.items.create({ id: 'kept', pk: 'p' });
    const feed = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning() });
    expect((await feed.readNext()).result.map((d) => d.id)).toEqual(['expiring', 'kept']);
    const token = (await feed.readNext()).continuationToken;
    await stopAll();
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const second = await start(dir);
    const again = clientFor(second).database('db').container('c');
    expect((await again.item('expiring', 'p').read()).statusCode).toBe(404);
    await again.items.create({ id: 'new', pk: 'p' });
    const resumed = again.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Continuation(token) });
    expect((await resumed.readNext()).result.map((d) => d.id)).toEqual(['new']);
  });

  it('refuses a data directory another running emulator holds, and a busy port, without keeping the lock', async () => {
    const dir = tempDir('cosmos-lock-');
    const first = await start(dir);
    await expect(start(dir)).rejects.toThrow(/already used by an emulator in this process/);
    const child = spawn(process.execPath, [MAIN, '--data-dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toMatch(/is in use by another emulator \(pid \d+\)/);
    const other = tempDir('cosmos-lock2-');
    await expect(start(other, { port: first.port })).rejects.toThrow(/EADDRINUSE/);
    await stopAll();
    // Both directories are free again.
    await start(other);
    await start(dir);
  });

  it("migrates the previous stand-in's data directory", async () => {
    const dir = tempDir('cosmos-migrate-');
    const dbRecord = { t: 'db', op: 'set', n: 1, d: { id: 'app', _rid: 'old' } };
    const collRecord = { t: 'coll', db: 'app', op: 'set', n: 1, d: { id: 'things', partitionKey: { paths: ['/pk'], kind: 'Hash' }, _rid: 'oldc' } };
    const doc = (id: string, n: number) => ({ t: 'doc', db: 'app', coll: 'things', op: 'set', n: 1, d: { id, pk: 'p', n, _rid: 'x', _ts: 1 } });
    fs.writeFileSync(path.join(dir, 'snapshot.ndjson'), [{ generation: 3 }, dbRecord, collRecord, doc('a', 1), doc('b', 2)].map((r) => JSON.stringify(r)).join('\n') + '\n');
    fs.writeFileSync(
      path.join(dir, 'journal-3.ndjson'),
      [doc('a', 10), { t: 'doc', db: 'app', coll: 'things', op: 'del', id: 'b', pk: 'p' }, doc('c', 3)].map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const cosmos = await start(dir);
    const container = clientFor(cosmos).database('app').container('things');
    expect((await contentsOf(container)).map((d) => [d.id, d.n])).toEqual([
      ['a', 10],
      ['c', 3],
    ]);
    expect(fs.existsSync(path.join(dir, 'snapshot.ndjson.migrated'))).toBe(true);
    await stopAll();
    const again = await start(dir);
    expect((await contentsOf(clientFor(again).database('app').container('things'))).length).toBe(2);
  });

  it('ensureContainers creates the aggregation containers once, with their partition keys', async () => {
    const cosmos = await start();
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
