// Bulk, atomic transactional batch, TTL and the latest-version change feed through the SDK.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BulkOperationType, ChangeFeedStartFrom, StatusCodes, type OperationInput } from '@azure/cosmos';
import { freshContainer, removeTempDirs, signedRequest, stopAll, strip } from './helpers';

afterEach(stopAll);
afterAll(removeTempDirs);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bulk', () => {
  it('executes independent operations with per-operation status', async () => {
    const { container } = await freshContainer();
    await container.items.create({ id: 'exists', pk: 'a', n: 0 });
    const ops: OperationInput[] = [
      { operationType: BulkOperationType.Create, resourceBody: { id: 'n1', pk: 'a', n: 1 }, partitionKey: 'a' },
      { operationType: BulkOperationType.Upsert, resourceBody: { id: 'n2', pk: 'b', n: 2 }, partitionKey: 'b' },
      { operationType: BulkOperationType.Create, resourceBody: { id: 'exists', pk: 'a', n: 3 }, partitionKey: 'a' },
      { operationType: BulkOperationType.Read, id: 'exists', partitionKey: 'a' },
      { operationType: BulkOperationType.Replace, id: 'exists', partitionKey: 'a', resourceBody: { id: 'exists', pk: 'a', n: 4 } },
      { operationType: BulkOperationType.Patch, id: 'n2', partitionKey: 'b', resourceBody: { operations: [{ op: 'incr', path: '/n', value: 10 }] } },
      { operationType: BulkOperationType.Delete, id: 'n1', partitionKey: 'a' },
      { operationType: BulkOperationType.Delete, id: 'ghost', partitionKey: 'a' },
    ];
    const results = await container.items.executeBulkOperations(ops);
    expect(results.map((r) => r.response?.statusCode ?? r.error?.code)).toEqual([201, 201, 409, 200, 200, 200, 204, 404]);
    expect((await container.item('n2', 'b').read()).resource?.n).toBe(12);
    expect((await container.item('exists', 'a').read()).resource?.n).toBe(4);
    expect((await container.item('n1', 'a').read()).statusCode).toBe(404);
  });
});

describe('transactional batch', () => {
  it('commits all operations of one partition together', async () => {
    const { container } = await freshContainer();
    await container.items.create({ id: 'old', pk: 'p', n: 1 });
    const response = await container.items.batch(
      [
        { operationType: BulkOperationType.Create, resourceBody: { id: 'a', pk: 'p' } },
        { operationType: BulkOperationType.Upsert, resourceBody: { id: 'b', pk: 'p' } },
        { operationType: BulkOperationType.Patch, id: 'old', resourceBody: { operations: [{ op: 'set', path: '/n', value: 2 }] } },
        { operationType: BulkOperationType.Read, id: 'old' },
      ],
      'p',
    );
    expect(response.code).toBe(200);
    expect(response.result?.map((r) => r.statusCode)).toEqual([201, 201, 200, 200]);
    expect(response.result?.[3].resourceBody).toMatchObject({ id: 'old', n: 2 });
  });

  it('is atomic: on a failure nothing is applied, the failing operation has its status and the others 424', async () => {
    const { container } = await freshContainer();
    await container.items.create({ id: 'taken', pk: 'p', n: 1 });
    const response = await container.items.batch(
      [
        { operationType: BulkOperationType.Create, resourceBody: { id: 'new1', pk: 'p' } },
        { operationType: BulkOperationType.Replace, id: 'taken', resourceBody: { id: 'taken', pk: 'p', n: 99 } },
        { operationType: BulkOperationType.Create, resourceBody: { id: 'taken', pk: 'p' } },
        { operationType: BulkOperationType.Delete, id: 'taken' },
      ],
      'p',
    );
    expect(response.code).toBe(StatusCodes.MultiStatus);
    expect(response.result?.map((r) => r.statusCode)).toEqual([424, 424, 409, 424]);
    expect((await container.item('new1', 'p').read()).statusCode).toBe(404);
    expect((await container.item('taken', 'p').read()).resource?.n).toBe(1);
    const { resources } = await container.items.query('SELECT VALUE COUNT(1) FROM c').fetchAll();
    expect(resources).toEqual([1]);
    // The change feed shows none of it either.
    const feed = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning() });
    const page = await feed.readNext();
    expect(page.result.map((d) => d.id)).toEqual(['taken']);
  });

  it('refuses operations on another partition key (400) and more than 100 operations', async () => {
    const { container, cosmos } = await freshContainer();
    const mixed = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', {
      headers: { 'x-ms-cosmos-is-batch-request': 'True', 'x-ms-cosmos-batch-atomic': 'True', 'x-ms-documentdb-partitionkey': '["p"]' },
      body: JSON.stringify([
        { operationType: 'Create', resourceBody: { id: 'a', pk: 'p' }, partitionKey: '["p"]' },
        { operationType: 'Create', resourceBody: { id: 'b', pk: 'q' }, partitionKey: '["q"]' },
      ]),
    });
    expect(mixed.status).toBe(400);
    const wrongBody = await container.items.batch([{ operationType: BulkOperationType.Create, resourceBody: { id: 'c', pk: 'other' } }], 'p');
    expect(wrongBody.result?.[0].statusCode).toBe(400);
    await expect(
      container.items.batch(
        Array.from({ length: 101 }, (_, i) => ({ operationType: BulkOperationType.Create, resourceBody: { id: `x${i}`, pk: 'p' } })),
        'p',
      ),
    ).rejects.toThrow();
    expect((await container.items.query('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources).toEqual([0]);
  });
});

describe('TTL', () => {
  it('hides expired items at once and purges them; per-item ttl and -1', async () => {
    const { container, cosmos } = await freshContainer({ defaultTtl: 1 }, { ttlPurgeIntervalMs: 100 });
    await container.items.create({ id: 'short', pk: 'p' });
    await container.items.create({ id: 'forever', pk: 'p', ttl: -1 });
    await container.items.create({ id: 'longer', pk: 'p', ttl: 60 });
    expect((await container.item('short', 'p').read()).statusCode).toBe(200);
    await sleep(1100);
    expect((await container.item('short', 'p').read()).statusCode).toBe(404);
    const ids = (await container.items.query<{ id: string }>('SELECT c.id FROM c').fetchAll()).resources.map((r) => r.id).sort();
    expect(ids).toEqual(['forever', 'longer']);
    await sleep(300);
    const store = cosmos.account.container('db', 'c')!;
    expect(store.count).toBe(2);
    // An expired id can be created again.
    await container.items.create({ id: 'short', pk: 'p', ttl: -1 });
  });

  it('ignores item ttl when the container has none, and honours a defaultTtl set later', async () => {
    const { container, database } = await freshContainer();
    await container.items.create({ id: 'a', pk: 'p', ttl: 1 });
    await sleep(1100);
    expect((await container.item('a', 'p').read()).statusCode).toBe(200);
    await database.container('c').replace({ id: 'c', partitionKey: { paths: ['/pk'] }, defaultTtl: -1 });
    expect((await container.item('a', 'p').read()).statusCode).toBe(404);
  });
});

describe('change feed (latest version)', () => {
  it('reads from the beginning, from now and from a continuation, per partition key and whole container', async () => {
    const { container } = await freshContainer();
    await container.items.create({ id: 'a', pk: 'p1', v: 1 });
    await container.items.create({ id: 'b', pk: 'p2', v: 1 });
    await container.items.create({ id: 'c', pk: 'p1', v: 1 });
    await container.item('a', 'p1').replace({ id: 'a', pk: 'p1', v: 2 });

    const whole = container.items.getChangeFeedIterator<{ id: string; v?: number; _lsn?: number }>({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning(), maxItemCount: 10 });
    const first = await whole.readNext();
    expect(first.statusCode).toBe(200);
    expect(first.result.map((d) => `${d.id}:${d.v}`)).toEqual(['b:1', 'c:1', 'a:2']);
    expect(typeof first.result[0]._lsn).toBe('number');
    const empty = await whole.readNext();
    expect(empty.statusCode).toBe(304);

    const fromNow = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Now() });
    expect((await fromNow.readNext()).statusCode).toBe(304);
    const partition = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning('p1') });
    expect((await partition.readNext()).result.map((d) => d.id)).toEqual(['c', 'a']);
    const token = (await partition.readNext()).continuationToken;

    await container.items.upsert({ id: 'b', pk: 'p2', v: 3 });
    await container.items.create({ id: 'd', pk: 'p1', v: 1 });
    await container.item('c', 'p1').delete(); // deletes are not shown in latest-version mode

    expect((await whole.readNext()).result.map((d) => `${d.id}:${d.v}`)).toEqual(['b:3', 'd:1']);
    expect((await fromNow.readNext()).result.map((d) => d.id)).toEqual(['b', 'd']);
    expect((await partition.readNext()).result.map((d) => d.id)).toEqual(['d']);
    const resumed = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Continuation(token) });
    expect((await resumed.readNext()).result.map((d) => d.id)).toEqual(['d']);
  });

  it('starts from a point in time', async () => {
    const { container } = await freshContainer();
    await container.items.create({ id: 'old', pk: 'p' });
    await sleep(1100);
    const since = new Date();
    await sleep(20);
    await container.items.create({ id: 'new', pk: 'p' });
    const it = container.items.getChangeFeedIterator({ changeFeedStartFrom: ChangeFeedStartFrom.Time(since) });
    expect((await it.readNext()).result.map((d) => d.id)).toEqual(['new']);
  });

  it('pages by maxItemCount', async () => {
    const { container } = await freshContainer();
    for (let i = 0; i < 12; i++) await container.items.create({ id: `d${i}`, pk: 'p' });
    const it = container.items.getChangeFeedIterator<{ id: string }>({ changeFeedStartFrom: ChangeFeedStartFrom.Beginning('p'), maxItemCount: 5 });
    const sizes: number[] = [];
    for (;;) {
      const page = await it.readNext();
      if (page.statusCode === 304) break;
      sizes.push(page.result.length);
      expect(page.result.map((d) => strip(d as unknown as Record<string, unknown>)).every((d) => typeof d.id === 'string')).toBe(true);
    }
    expect(sizes).toEqual([5, 5, 2]);
  });
});
