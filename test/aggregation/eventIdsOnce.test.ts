// A tracked event id counts once in the aggregates and the profile however often a client sent
// it (the browser library keeps an event's id across retries), against the Cosmos DB stand-in
// through the real SDK: a copy in a later batch, in another partition, twice in one envelope; the
// hub's own redelivery still counts once; past the window an id is forgotten.
import { describe, expect, it } from 'vitest';
import { aggregateBatch } from '../../src/aggregation/aggregateBatch';
import { RECENT_EVENT_IDS_MAX } from '../../src/aggregation/profile';
import type { ReceivedBatch } from '../../src/events/receivedBatch';
import { useAggregationCosmos, type AggregationContainers as Containers } from './fixtures/aggregationCosmos';
import { partitionBatch } from './fixtures/partitionBatch';

const now = new Date('2026-12-01T10:00:00.000Z');
const cosmos = useAggregationCosmos('ids');
const fresh = () => cosmos.fresh();

const purchase = (id: string, userId = 'u-1') => ({
  id, type: 'purchase', userId, productId: 'p-1', value: 10.5, quantity: 1, currency: 'GBP', timestamp: now.toISOString(),
});

/** A partition's messages with consecutive sequence numbers from `from`; an array body is one envelope. */
const batch = (partitionId: string, bodies: unknown[], from = 0): ReceivedBatch => partitionBatch(partitionId, bodies, now, from);

const run = (c: Containers, b: ReceivedBatch) => aggregateBatch(b, { ...c, windowsMinutes: [60, 1440], retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } });

async function product(c: Containers): Promise<{ purchases: number; revenue: number }> {
  const { resources } = await c.aggregates.items
    .query<{ purchases: number; revenue: number }>("SELECT * FROM c WHERE c.kind = 'product' AND c.windowMinutes = 1440").fetchAll();
  expect(resources).toHaveLength(1);
  return resources[0];
}

async function purchaseCount(c: Containers): Promise<number> {
  const { resources } = await c.aggregates.items
    .query<{ count: number }>("SELECT * FROM c WHERE c.kind = 'eventType' AND c.eventType = 'purchase' AND c.windowMinutes = 1440").fetchAll();
  return resources[0].count;
}

async function profilePurchases(c: Containers, userId = 'u-1'): Promise<number> {
  const { resource } = await c.profiles.item(userId, userId).read<{ purchases: number }>();
  return resource!.purchases;
}

describe('an event id sent twice', () => {
  it('counts once when the copy comes in a later batch of the same partition', async () => {
    const c = await fresh();
    expect((await run(c, batch('0', [purchase('e1'), purchase('e2')]))).repeatedIds).toBe(0);
    const second = await run(c, batch('0', [purchase('e1')], 2));
    expect(second).toMatchObject({ repeatedIds: 1, applied: 0 });
    expect(await product(c)).toMatchObject({ purchases: 2, revenue: 21 });
    expect(await purchaseCount(c)).toBe(2);
    expect(await profilePurchases(c)).toBe(2);
    // The hub redelivering the first batch (same messages) still counts nothing twice.
    expect(await run(c, batch('0', [purchase('e1'), purchase('e2')]))).toMatchObject({ repeatedIds: 0, applied: 0 });
    expect(await product(c)).toMatchObject({ purchases: 2, revenue: 21 });
  });

  it('counts once when the copy reached another partition', async () => {
    const c = await fresh();
    expect((await run(c, batch('0', [purchase('e1')]))).repeatedIds).toBe(0);
    expect((await run(c, batch('1', [purchase('e1')]))).repeatedIds).toBe(1);
    expect((await run(c, batch('2', [purchase('e1')], 7))).repeatedIds).toBe(1);
    expect(await product(c)).toMatchObject({ purchases: 1, revenue: 10.5 });
    expect(await purchaseCount(c)).toBe(1);
    expect(await profilePurchases(c)).toBe(1);
  });

  it('counts once when both copies are in one envelope or one batch', async () => {
    const c = await fresh();
    const result = await run(c, batch('0', [[purchase('e1'), purchase('e1')], purchase('e1')]));
    expect(result).toMatchObject({ repeatedIds: 2, applied: 1 });
    expect(await product(c)).toMatchObject({ purchases: 1, revenue: 10.5 });
  });

  it('takes any id as an id ("__proto__", "constructor", numbers), keeps users apart, and forgets ids past the window', async () => {
    const c = await fresh();
    const odd = ['__proto__', 'constructor', '10', '2'];
    expect((await run(c, batch('0', odd.map((id) => purchase(id))))).repeatedIds).toBe(0);
    expect((await run(c, batch('0', odd.map((id) => purchase(id)), 4))).repeatedIds).toBe(4);
    expect(await product(c)).toMatchObject({ purchases: 4, revenue: 42 });
    // Ids are the user's: another user's "10" is another event (that user's id needing an escaped document id).
    expect((await run(c, batch('0', [purchase('10', 'u/2')], 8))).repeatedIds).toBe(0);
    // After RECENT_EVENT_IDS_MAX newer events of u-1, its first ids are forgotten: a copy counts again.
    const views = Array.from({ length: RECENT_EVENT_IDS_MAX }, (_, i) => ({ id: `v${i}`, type: 'page_view', userId: 'u-1', timestamp: now.toISOString() }));
    expect((await run(c, batch('0', views, 9))).repeatedIds).toBe(0);
    expect((await run(c, batch('0', [purchase('constructor'), purchase('v0')], 9 + RECENT_EVENT_IDS_MAX))).repeatedIds).toBe(1);
    expect(await profilePurchases(c)).toBe(5);
    expect((await run(c, batch('0', [purchase('10', 'u/2')], 10 + RECENT_EVENT_IDS_MAX))).repeatedIds).toBe(1);
  });
});
