// Account, databases, containers and documents through the real @azure/cosmos SDK, with the
// service's status codes and error bodies.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CosmosClient, PatchOperationType, type ErrorResponse } from '@azure/cosmos';
import { clientFor, freshContainer, removeTempDirs, signedRequest, start, stopAll, strip } from './helpers';

afterEach(stopAll);
afterAll(removeTempDirs);

async function failure(promise: Promise<unknown>): Promise<ErrorResponse> {
  try {
    await promise;
  } catch (error) {
    return error as ErrorResponse;
  }
  throw new Error('expected the request to fail');
}

describe('account, databases and containers', () => {
  it('points the SDK at its own endpoint and keeps the well-known key', async () => {
    const cosmos = await start();
    expect(cosmos.connectionString).toBe(`AccountEndpoint=http://127.0.0.1:${cosmos.port}/;AccountKey=${cosmos.key};`);
    const client = new CosmosClient(cosmos.connectionString); // endpoint discovery on: follows writableLocations
    try {
      const { resource } = await client.getDatabaseAccount();
      expect(resource?.writableLocations[0].databaseAccountEndpoint).toBe(cosmos.endpoint);
      await client.databases.createIfNotExists({ id: 'x' });
    } finally {
      client.dispose();
    }
  });

  it('answers 401 like the service when the signature is made with another key', async () => {
    const cosmos = await start();
    const wrong = new CosmosClient({
      endpoint: cosmos.endpoint,
      key: Buffer.from('not the emulator key at all, 64 bytes long..........').toString('base64'),
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    try {
      const error = await failure(wrong.databases.createIfNotExists({ id: 'x' }));
      expect(error.code).toBe(401);
      expect(error.body?.code).toBe('Unauthorized');
      expect(error.message).toContain("The input authorization token can't serve the request");
    } finally {
      wrong.dispose();
    }
  });

  it('creates, lists, reads and deletes databases and containers with their definitions', async () => {
    const client = clientFor(await start());
    const { database, statusCode } = await client.databases.createIfNotExists({ id: 'app' });
    expect(statusCode).toBe(201);
    expect((await client.databases.createIfNotExists({ id: 'app' })).statusCode).toBe(200);
    expect((await failure(client.databases.create({ id: 'app' }))).code).toBe(409);
    const indexingPolicy = {
      indexingMode: 'consistent' as const,
      automatic: true,
      includedPaths: [{ path: '/*' }],
      excludedPaths: [{ path: '/applied/*' }, { path: '/"_etag"/?' }],
      compositeIndexes: [[{ path: '/kind', order: 'ascending' as const }, { path: '/windowStart', order: 'descending' as const }]],
    };
    const { resource: created } = await database.containers.create({ id: 'things', partitionKey: { paths: ['/pk'] }, indexingPolicy, defaultTtl: -1 });
    expect(created?.partitionKey?.paths).toEqual(['/pk']);
    expect(created?.defaultTtl).toBe(-1);
    expect(created?.indexingPolicy).toMatchObject(indexingPolicy);
    await database.containers.create({ id: 'other', partitionKey: { paths: ['/tenant', '/user'], kind: 'MultiHash' as never, version: 2 } });
    const { resources: containers } = await database.containers.readAll().fetchAll();
    expect(containers.map((c) => c.id).sort()).toEqual(['other', 'things']);
    const { resource: replaced } = await database.container('things').replace({ id: 'things', partitionKey: { paths: ['/pk'] }, defaultTtl: 60 });
    expect(replaced?.defaultTtl).toBe(60);
    expect((await failure(database.container('things').replace({ id: 'things', partitionKey: { paths: ['/other'] } }))).code).toBe(400);
    await database.container('other').delete();
    expect((await failure(database.container('other').read())).code).toBe(404);
    const { resources: dbs } = await client.databases.readAll().fetchAll();
    expect(dbs.map((d) => d.id)).toEqual(['app']);
    await database.delete();
    expect((await failure(database.read())).code).toBe(404);
  });

  it('refuses invalid container definitions', async () => {
    const client = clientFor(await start());
    const { database } = await client.databases.createIfNotExists({ id: 'app' });
    expect((await failure(database.containers.create({ id: 'bad', partitionKey: { paths: ['/pk'] }, defaultTtl: 0 }))).code).toBe(400);
    const cosmos = await start();
    const raw = await signedRequest(cosmos, 'POST', 'dbs', { body: JSON.stringify({ id: 'a/b' }) });
    expect(raw.status).toBe(400);
    await signedRequest(cosmos, 'POST', 'dbs', { body: JSON.stringify({ id: 'db' }) });
    const noPk = await signedRequest(cosmos, 'POST', 'dbs/db/colls', { body: JSON.stringify({ id: 'c' }) });
    expect(noPk.status).toBe(400);
    expect(noPk.body.code).toBe('BadRequest');
  });

  it('serves one partition key range', async () => {
    const { container } = await freshContainer();
    const ranges = await container.readPartitionKeyRanges().fetchAll();
    expect(ranges.resources).toHaveLength(1);
    expect(ranges.resources[0]).toMatchObject({ id: '0', minInclusive: '', maxExclusive: 'FF' });
  });
});

describe('documents', () => {
  it('create, read, replace, upsert, delete with etags: 404, 409, 412, 304', async () => {
    const { container } = await freshContainer();
    const first = await container.items.create({ id: 'x', pk: 'k', v: 1 });
    expect(first.statusCode).toBe(201);
    expect(first.etag).toBe(first.resource?._etag);
    expect(first.resource).toMatchObject({ id: 'x', pk: 'k', v: 1 });
    expect(typeof first.resource?._rid).toBe('string');
    expect(typeof first.resource?._ts).toBe('number');

    const missing = await container.item('nope', 'k').read();
    expect(missing.statusCode).toBe(404);
    expect(missing.resource).toBeUndefined();
    const conflict = await failure(container.items.create({ id: 'x', pk: 'k', v: 2 }));
    expect(conflict.code).toBe(409);
    expect(conflict.body?.code).toBe('Conflict');
    // Same id in another logical partition is a different document.
    expect((await container.items.create({ id: 'x', pk: 'other', v: 9 })).statusCode).toBe(201);

    const replaced = await container.item('x', 'k').replace({ id: 'x', pk: 'k', v: 3 }, { accessCondition: { type: 'IfMatch', condition: first.etag! } });
    expect(replaced.etag).not.toBe(first.etag);
    expect((await failure(container.item('x', 'k').replace({ id: 'x', pk: 'k', v: 4 }, { accessCondition: { type: 'IfMatch', condition: first.etag! } }))).code).toBe(412);
    const notModified = await container.item('x', 'k').read({ accessCondition: { type: 'IfNoneMatch', condition: replaced.etag! } });
    expect(notModified.statusCode).toBe(304);
    expect((await container.item('x', 'k').read()).resource).toMatchObject({ v: 3 });

    expect((await container.items.upsert({ id: 'y', pk: 'k', v: 1 })).statusCode).toBe(201);
    expect((await container.items.upsert({ id: 'y', pk: 'k', v: 2 })).statusCode).toBe(200);
    expect((await failure(container.items.upsert({ id: 'y', pk: 'k', v: 3 }, { accessCondition: { type: 'IfMatch', condition: first.etag! } }))).code).toBe(412);
    expect((await failure(container.item('ghost', 'k').replace({ id: 'ghost', pk: 'k' }))).code).toBe(404);

    expect((await failure(container.item('x', 'k').delete({ accessCondition: { type: 'IfMatch', condition: first.etag! } }))).code).toBe(412);
    expect((await container.item('x', 'k').delete()).statusCode).toBe(204);
    expect((await failure(container.item('x', 'k').delete())).code).toBe(404);
    expect((await container.item('x', 'other').read()).resource).toMatchObject({ v: 9 });
  });

  it("answers 404 with the service's error body", async () => {
    const { container, database } = await freshContainer();
    const error = await failure(database.container('missing').items.create({ id: 'a', pk: 'p' }));
    expect(error.code).toBe(404);
    expect(error.body?.code).toBe('NotFound');
    expect(error.body?.message).toMatch(/^Message: \{"Errors":\["Resource Not Found/);
    expect(error.activityId).toBeTruthy();
    expect((await container.item('a', 'p').read()).statusCode).toBe(404);
  });

  it('refuses a mismatched or missing partition key, invalid ids and documents over 2 MB', async () => {
    const { container, cosmos } = await freshContainer();
    const mismatch = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', {
      headers: { 'x-ms-documentdb-partitionkey': '["p2"]' },
      body: JSON.stringify({ id: 'a', pk: 'p1' }),
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toContain("PartitionKey extracted from document doesn't match");
    const missingPk = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', { body: JSON.stringify({ id: 'a', pk: 'p1' }) });
    expect(missingPk.status).toBe(400);
    expect(missingPk.body.message).toContain('PartitionKey value must be supplied');
    const wrongArity = await signedRequest(cosmos, 'GET', 'dbs/db/colls/c/docs/a', { headers: { 'x-ms-documentdb-partitionkey': '["a","b"]' } });
    expect(wrongArity.status).toBe(400);
    // (The SDK refuses such ids itself; the emulator does too, for other clients.)
    for (const id of ['a/b', 'a#b', 'a?b', 'a\\b', '']) {
      const badId = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', {
        headers: { 'x-ms-documentdb-partitionkey': '["p"]' },
        body: JSON.stringify({ id, pk: 'p' }),
      });
      expect(badId.status).toBe(400);
    }
    const named = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', { headers: { 'x-ms-documentdb-partitionkey': '["p"]' }, body: JSON.stringify({ id: 'a/b', pk: 'p' }) });
    expect(named.body.message).toContain("The input name 'a/b' is invalid");
    const noId = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', { headers: { 'x-ms-documentdb-partitionkey': '["p"]' }, body: JSON.stringify({ pk: 'p' }) });
    expect(noId.body.message).toContain("required properties - 'id; '");
    const big = await failure(container.items.create({ id: 'big', pk: 'p', blob: 'x'.repeat(2 * 1024 * 1024 + 10) }));
    expect(big.code).toBe(413);
    // A document without the partition key property lives in the "none" partition.
    await container.items.create({ id: 'nopk', v: 1 });
    const { resources } = await container.items.query('SELECT c.id FROM c').fetchAll();
    expect(resources).toEqual([{ id: 'nopk' }]);
  });

  it('survives bad input without crashing', async () => {
    const cosmos = await start();
    const client = clientFor(cosmos);
    await client.databases.createIfNotExists({ id: 'db' });
    // Unsigned, malformed requests: 401, and the server keeps serving.
    for (const init of [
      { method: 'POST', body: '{not json' },
      { method: 'GET' },
      { method: 'PATCH', body: '[]' },
    ]) {
      const res = await fetch(`${cosmos.endpoint}dbs/db/colls/c/docs/x`, init);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe('Unauthorized');
    }
    const res = await fetch(`${cosmos.endpoint}%E0%A4%A`, { method: 'GET' });
    expect(res.status).toBe(400);
    // Signed but odd: a "__proto__" property is data, not a prototype.
    await client.database('db').containers.createIfNotExists({ id: 'c', partitionKey: { paths: ['/pk'] } });
    const odd = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', {
      headers: { 'x-ms-documentdb-partitionkey': '["p"]' },
      body: '{"id":"proto","pk":"p","__proto__":{"polluted":true}}',
    });
    expect(odd.status).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const patched = await signedRequest(cosmos, 'PATCH', 'dbs/db/colls/c/docs/proto', {
      headers: { 'x-ms-documentdb-partitionkey': '["p"]' },
      body: JSON.stringify({ operations: [{ op: 'set', path: '/__proto__/x', value: 1 }] }),
    });
    expect(patched.status).toBe(200);
    for (const [method, body, headers] of [
      ['POST', '{"query": 5}', { 'x-ms-documentdb-isquery': 'true' }],
      ['POST', '[1,2', { 'x-ms-cosmos-is-batch-request': 'true', 'x-ms-cosmos-batch-atomic': 'true', 'x-ms-documentdb-partitionkey': '["p"]' }],
      ['POST', '[null]', { 'x-ms-cosmos-is-batch-request': 'true' }],
      ['GET', undefined, { 'a-im': 'Incremental feed', 'if-none-match': 'x' }],
      ['GET', undefined, { 'x-ms-max-item-count': 'lots' }],
      ['POST', '{"query":"SELECT * FROM c"}', { 'x-ms-documentdb-isquery': 'true', 'x-ms-continuation': 'Zm9v' }],
    ] as const) {
      const r = await signedRequest(cosmos, method, 'dbs/db/colls/c/docs', { body, headers: headers as Record<string, string> });
      expect(r.status).toBe(400);
    }
    expect((await client.database('db').read()).statusCode).toBe(200);
  });

  it('patches: add, set, replace, remove, incr, move, and conditional patch', async () => {
    const { container } = await freshContainer();
    await container.items.create({ id: 'p', pk: 'k', n: 1, list: [1, 2], nested: { a: 1 }, old: 'x' });
    const { resource } = await container.item('p', 'k').patch([
      { op: PatchOperationType.add, path: '/list/1', value: 9 },
      { op: PatchOperationType.set, path: '/nested/b', value: 2 },
      { op: PatchOperationType.replace, path: '/nested/a', value: 10 },
      { op: PatchOperationType.remove, path: '/old' },
      { op: PatchOperationType.incr, path: '/n', value: 5 },
      { op: 'move', from: '/nested/b', path: '/moved' } as never, // move is in the service's patch, not in the SDK's PatchOperation type
      { op: PatchOperationType.add, path: '/list/-', value: 3 },
    ]);
    expect(strip(resource!)).toEqual({ id: 'p', pk: 'k', n: 6, list: [1, 9, 2, 3], nested: { a: 10 }, moved: 2 });
    expect((await failure(container.item('p', 'k').patch([{ op: 'remove', path: '/absent' }]))).code).toBe(400);
    expect((await failure(container.item('p', 'k').patch([{ op: 'incr', path: '/list', value: 1 }]))).code).toBe(400);
    expect((await failure(container.item('p', 'k').patch([{ op: 'set', path: '/pk', value: 'other' }]))).code).toBe(400);
    expect((await failure(container.item('nope', 'k').patch([{ op: 'set', path: '/a', value: 1 }]))).code).toBe(404);
    const refused = await failure(container.item('p', 'k').patch({ condition: 'FROM c WHERE c.n > 100', operations: [{ op: 'set', path: '/x', value: 1 }] }));
    expect(refused.code).toBe(412);
    const applied = await container.item('p', 'k').patch({ condition: 'FROM c WHERE c.n = 6', operations: [{ op: 'set', path: '/x', value: 1 }] });
    expect(applied.resource?.x).toBe(1);
    expect((await failure(container.item('p', 'k').patch({ condition: 'FROM c WHERE c.n = = 6', operations: [{ op: 'set', path: '/x', value: 1 }] }))).code).toBe(400);
  });

  it('reads all items with paging (read feed)', async () => {
    const { container } = await freshContainer();
    for (let i = 0; i < 25; i++) await container.items.create({ id: `d${i}`, pk: `p${i % 3}` });
    const iterator = container.items.readAll({ maxItemCount: 10 });
    const pages: number[] = [];
    const ids: string[] = [];
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      if (resources.length > 0) pages.push(resources.length);
      ids.push(...resources.map((r) => r.id!));
    }
    expect(pages).toEqual([10, 10, 5]);
    expect(new Set(ids).size).toBe(25);
  });

  it('works with hierarchical partition keys', async () => {
    const cosmos = await start();
    const client = clientFor(cosmos);
    const { database } = await client.databases.createIfNotExists({ id: 'db' });
    const { container } = await database.containers.createIfNotExists({ id: 'h', partitionKey: { paths: ['/t', '/u'], kind: 'MultiHash' as never, version: 2 } });
    await container.items.create({ id: 'a', t: 'x', u: 'y', v: 1 });
    expect((await container.item('a', ['x', 'y']).read()).resource?.v).toBe(1);
    const { resources } = await container.items.query('SELECT VALUE c.v FROM c', { partitionKey: ['x', 'y'] }).fetchAll();
    expect(resources).toEqual([1]);
  });
});
