// The versions the aggregation wrote last stand in for the read before its next write, and never
// make a count wrong: two Cosmos clients play two instances of the app against the Cosmos DB
// stand-in, through the real SDK.
import { describe, expect, it } from 'vitest';
import { aggregateBatch } from '../../src/aggregation/aggregateBatch';
import { DocumentCache, estimatedBytes } from '../../src/aggregation/documentCache';
import { useAggregationCosmos, type AggregationContainers as Containers } from './fixtures/aggregationCosmos';
import { partitionBatch } from './fixtures/partitionBatch';
import type { ReceivedBatch } from '../../src/events/receivedBatch';

const now = new Date('2026-12-01T10:00:00.000Z');
const cosmos = useAggregationCosmos('cache');

/** A fresh database, as each of two instances of the app sees it. */
async function fresh(): Promise<{ a: Containers; b: Containers }> {
  const a = await cosmos.fresh();
  return { a, b: cosmos.asOtherInstance(a) };
}

const purchase = (id: string, userId = 'u-1') => ({
  id, type: 'purchase', userId, productId: 'p-1', value: 10, quantity: 1, currency: 'GBP', timestamp: now.toISOString(),
});

const batch = (partitionId: string, bodies: unknown[], from: number) => partitionBatch(partitionId, bodies, now, from);

const run = (c: Containers, b: ReceivedBatch) => aggregateBatch(b, { ...c, windowsMinutes: [1440], retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } });

async function productPurchases(c: Containers): Promise<number> {
  const { resources } = await c.aggregates.items.query<{ purchases: number }>("SELECT * FROM c WHERE c.kind = 'product'").fetchAll();
  expect(resources).toHaveLength(1);
  return resources[0].purchases;
}

async function profilePurchases(c: Containers, userId = 'u-1'): Promise<number | undefined> {
  const { resource } = await c.profiles.item(userId, userId).read<{ purchases: number }>();
  return resource?.purchases;
}

describe('the aggregation against its own last writes', () => {
  it('writes documents it wrote last without reading them again, and reads them again on a redelivery', async () => {
    const { a } = await fresh();
    const first = await run(a, batch('0', [purchase('e1'), purchase('e2')], 0));
    expect(first.cosmosOperations).toBe(2 * first.documents); // nothing cached yet: a read and a write each
    const next = await run(a, batch('0', [purchase('e3')], 2));
    expect(next.cosmosOperations).toBe(next.documents); // the same documents: the writes only
    const again = await run(a, batch('0', [purchase('e3')], 2)); // the hub delivers it again
    expect([again.applied, again.cosmosOperations]).toEqual([0, again.documents]); // read fresh, nothing to write
    expect([await productPurchases(a), await profilePurchases(a)]).toEqual([3, 3]);
  });

  it('reads again and counts right when another instance wrote a document since (412)', async () => {
    const { a, b } = await fresh();
    await run(a, batch('0', [purchase('e1', 'u-1')], 0));
    await run(b, batch('1', [purchase('e2', 'u-2')], 0)); // the same product's document, from another partition
    const r = await run(a, batch('0', [purchase('e3', 'u-1')], 1));
    expect(r.cosmosOperations).toBeGreaterThan(r.documents); // the product's cached version lost, read and written again
    expect(await productPurchases(a)).toBe(3);
  });

  it('drops a copy of an event another instance counted while it held the partition', async () => {
    const { a, b } = await fresh();
    await run(a, batch('0', [purchase('e1'), purchase('e2')], 0));
    await run(b, batch('0', [purchase('e3'), purchase('e4')], 2)); // the partition moved to B for a while
    // Back on A, which must not trust its cached profile (it lacks e3 and e4): e3 again is a copy.
    const r = await run(a, batch('0', [purchase('e3'), purchase('e5')], 4));
    expect(r.repeatedIds).toBe(1);
    expect([await productPurchases(a), await profilePurchases(a)]).toEqual([5, 5]);
  });

  it('creates a document again that was deleted after it was cached (404 to the write)', async () => {
    const { a, b } = await fresh();
    await run(a, batch('0', [purchase('e1')], 0));
    await b.profiles.item('u-1', 'u-1').delete(); // the user's data erased meanwhile
    await run(a, batch('0', [purchase('e2')], 1));
    expect(await profilePurchases(a)).toBe(1);
    expect(await productPurchases(a)).toBe(2);
  });
});

describe('DocumentCache', () => {
  const body = (n: number) => ({ id: `d${n}`, n });

  it('keeps the most recently used versions within its memory budget, and only versions with an etag', () => {
    expect(estimatedBytes(body(1))).toBe(1024);
    expect(estimatedBytes({ id: 'p', recentEventIds: ['a 0/1/0', 'b 0/2/0'], counts: { view: 1, purchase: 2 } })).toBe(1024 + 4 * 200);
    const cache = new DocumentCache(2 * 1024 + 100); // two small documents
    expect(cache.estimatedBytes).toBe(0);
    cache.remember('pk', 'd1', body(1), '"1"');
    cache.remember('pk', 'd2', body(2), '"2"');
    expect(cache.read('pk', 'd1')).toMatchObject({ statusCode: 200, eTag: '"1"', resourceBody: body(1) });
    cache.remember('pk', 'd3', body(3), '"3"'); // d2 is the least recently used now
    expect([cache.read('pk', 'd1'), cache.read('pk', 'd2'), cache.read('pk', 'd3')].map((r) => r?.eTag)).toEqual(['"1"', undefined, '"3"']);
    cache.remember('pk', 'd1', body(4), undefined); // a write without an etag in its answer: nothing to build on
    expect(cache.read('pk', 'd1')).toBeUndefined();
    expect(cache.read('other-pk', 'd3')).toBeUndefined(); // ids are unique within a partition key only
    expect([cache.size, cache.estimatedBytes]).toEqual([1, 1024]);
    cache.forget('pk', 'd3');
    expect([cache.size, cache.estimatedBytes]).toEqual([0, 0]);
    cache.remember('pk', 'big', { id: 'big', ids: Array.from({ length: 20 }, (_, i) => i) }, '"9"'); // over the budget alone
    expect(cache.size).toBe(0);
  });

  it('forgets everything unless a partition continues right after the last batch it finished', () => {
    const cache = new DocumentCache();
    cache.startBatch('0', 0);
    cache.remember('pk', 'd1', body(1), '"1"');
    cache.finishBatch('0', 9);
    cache.startBatch('0', 10); // the next batch
    cache.startBatch('1', 500); // a partition not seen before
    expect(cache.size).toBe(1);
    cache.startBatch('0', 12); // events 10 and 11 were handled elsewhere
    expect(cache.size).toBe(0);
    cache.remember('pk', 'd1', body(1), '"1"');
    cache.startBatch('0', 5); // redelivered from an earlier checkpoint
    expect(cache.size).toBe(0);
  });
});
