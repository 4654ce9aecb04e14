// What the emulator refuses rather than answer wrongly, with the service's status and error shape,
// and the session and paging headers the SDK relies on.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChangeFeedMode, ChangeFeedStartFrom } from '@azure/cosmos';
import { clientFor, freshContainer, removeTempDirs, signedRequest, start, stopAll } from './helpers';

afterEach(stopAll);
afterAll(removeTempDirs);

describe('refusals', () => {
  it('refuses unsupported resources and features with 400 and the service error shape', async () => {
    const { container, cosmos } = await freshContainer();
    for (const path of ['dbs/db/colls/c/sprocs', 'dbs/db/colls/c/udfs', 'dbs/db/colls/c/triggers', 'dbs/db/users', 'offers', 'dbs/db/colls/c/docs/a/attachments']) {
      const r = await signedRequest(cosmos, 'GET', path, { headers: { 'x-ms-documentdb-partitionkey': '["p"]' } });
      expect(r.status, path).toBe(400);
      expect(r.body.code).toBe('BadRequest');
      expect(r.body.message).toMatch(/^Message: \{"Errors":\[".*not supported by this Cosmos DB emulator/);
    }
    await expect(container.scripts.storedProcedures.create({ id: 'sp', body: 'function () {}' })).rejects.toMatchObject({ code: 400 });
    const allVersions = container.items.getChangeFeedIterator({
      changeFeedStartFrom: ChangeFeedStartFrom.Now(),
      changeFeedMode: ChangeFeedMode.AllVersionsAndDeletes,
    });
    await expect(allVersions.readNext()).rejects.toMatchObject({ code: 400 });
  });

  it('refuses queries on a prefix of a hierarchical partition key', async () => {
    const cosmos = await start();
    const client = clientFor(cosmos);
    const { database } = await client.databases.createIfNotExists({ id: 'db' });
    const { container } = await database.containers.createIfNotExists({ id: 'h', partitionKey: { paths: ['/t', '/u'], kind: 'MultiHash' as never, version: 2 } });
    await container.items.create({ id: 'a', t: 'x', u: 'y' });
    const r = await signedRequest(cosmos, 'POST', 'dbs/db/colls/h/docs', {
      headers: { 'x-ms-documentdb-isquery': 'true', 'content-type': 'application/query+json', 'x-ms-documentdb-partitionkey': '["x"]' },
      body: JSON.stringify({ query: 'SELECT * FROM c' }),
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('prefix of a hierarchical partition key');
  });

  it('answers other token types 401', async () => {
    const cosmos = await start();
    const res = await fetch(`${cosmos.endpoint}dbs`, {
      headers: { authorization: encodeURIComponent('type=resource&ver=1.0&sig=abc'), 'x-ms-date': new Date().toUTCString() },
    });
    expect(res.status).toBe(401);
    const aad = await fetch(`${cosmos.endpoint}dbs`, {
      headers: { authorization: encodeURIComponent('type=aad&ver=1.0&sig=eyJ0eXAi'), 'x-ms-date': new Date().toUTCString() },
    });
    expect(aad.status).toBe(401);
  });
});

describe('headers the SDK relies on', () => {
  it('returns session tokens that advance with writes and are accepted back', async () => {
    const { container } = await freshContainer();
    const first = await container.items.create({ id: 'a', pk: 'p' });
    const second = await container.items.upsert({ id: 'a', pk: 'p', v: 2 });
    const t1 = first.headers['x-ms-session-token'] as string;
    const t2 = second.headers['x-ms-session-token'] as string;
    expect(t1).toMatch(/^0:-1#\d+$/);
    expect(Number(t2.split('#')[1])).toBeGreaterThan(Number(t1.split('#')[1]));
    const read = await container.item('a', 'p').read({ sessionToken: t2 });
    expect(read.resource?.v).toBe(2);
    const { resources } = await container.items.query('SELECT VALUE c.v FROM c', { sessionToken: t2 }).fetchAll();
    expect(resources).toEqual([2]);
  });

  it('pages queries by x-ms-max-item-count and says how many items a page holds', async () => {
    const { container, cosmos } = await freshContainer();
    cosmos.load('db', 'c', Array.from({ length: 2500 }, (_, i) => ({ id: `d${i}`, pk: `p${i % 10}`, n: i })));
    const page = await container.items.query('SELECT * FROM c', { maxItemCount: 7 }).fetchNext();
    expect(page.resources).toHaveLength(7);
    expect((page as unknown as { headers: Record<string, string> }).headers['x-ms-item-count']).toBe('7'); // headers is private in the SDK's FeedResponse type
    expect(page.hasMoreResults).toBe(true);
    // Without a page size a page holds up to 1000 items.
    const unbounded = await container.items.query('SELECT * FROM c').fetchNext();
    expect(unbounded.resources).toHaveLength(1000);
    const all = await container.items.query('SELECT VALUE c.n FROM c', { maxItemCount: -1 }).fetchAll();
    expect(all.resources).toHaveLength(2500);
    expect(new Set(all.resources).size).toBe(2500);
  });
});
