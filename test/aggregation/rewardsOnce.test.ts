// One decision's reward counts once in the aggregates however often it is posted, against the
// Cosmos DB stand-in through the real SDK: redelivered batches, re-sent copies of a reward at
// other sequence numbers, client re-posts with other values (earliest wins; sum adds distinct
// rewards, clamped), and two partitions racing for one decision's ledger.
import { describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { aggregateBatch } from '../../src/aggregation/aggregateBatch';
import { ledgerIdOf, type RewardPolicy } from '../../src/aggregation/rewardLedger';
import { decisionEvent, rewardEvent, trackedRewardEvent, type DecisionRecord } from '../../src/events/learningEvents';
import type { ReceivedBatch } from '../../src/events/receivedBatch';
import { useAggregationCosmos } from './fixtures/aggregationCosmos';
import { partitionBatch } from './fixtures/partitionBatch';

const now = new Date('2026-12-01T10:00:00.000Z');
const cosmos = useAggregationCosmos('rewards');
const fresh = () => cosmos.fresh();

const decision = (eventId: string): DecisionRecord => ({
  eventId, source: 'rank', issuedAtMs: now.getTime(), userId: 'u-1', segment: 'desktop', contextFeatures: [],
  actions: [{ id: 'spring-sale', features: [{ a: 1 }], prior: 0.1, score: 0.5, probability: 1, excluded: false }],
  ranking: ['spring-sale'], rewardActionId: 'spring-sale', greedyActionId: 'spring-sale', explored: false, epsilon: 0.2, model: null, profile: null, activated: true,
  reward: { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1 },
});
const reward = (eventId: string, value: number) =>
  rewardEvent({ eventId, issuedAtMs: now.getTime(), userId: 'u-1', rewardActionId: 'spring-sale', value, source: 'rank' }, now);

/** A partition's messages with consecutive sequence numbers from `from`, enqueued in order. */
const batch = (partitionId: string, bodies: unknown[], from = 0): ReceivedBatch => partitionBatch(partitionId, bodies, now, from);

async function daily(c: { aggregates: Container }, kind: string): Promise<Record<string, unknown>> {
  const { resources } = await c.aggregates.items
    .query<Record<string, unknown>>({ query: 'SELECT * FROM c WHERE c.kind = @k AND c.windowMinutes = 1440', parameters: [{ name: '@k', value: kind }] })
    .fetchAll();
  expect(resources).toHaveLength(1);
  return resources[0];
}

async function run(c: { aggregates: Container; profiles: Container }, b: ReceivedBatch, policy?: RewardPolicy) {
  return aggregateBatch(b, { ...c, windowsMinutes: [60, 1440], rewardPolicy: policy, retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 } });
}

describe('a decision rewarded several times (earliest, the default)', () => {
  it('counts the first reward once: re-posts with other values, copies and redeliveries add nothing', async () => {
    const c = await fresh();
    const first = reward('e1', 1);
    const repost = reward('e1', 0.2);
    // Batch 1: the decision and its first reward. Batch 2: a client re-post with another value
    // and an at-least-once copy of the first reward under a new sequence number.
    const b1 = batch('0', [decisionEvent(decision('e1'), now), first]);
    const b2 = batch('0', [repost, first], 2);
    expect(await run(c, b1)).toMatchObject({ rewards: 1, supersededRewards: 0 });
    expect(await run(c, b2)).toMatchObject({ rewards: 2, supersededRewards: 2 });
    // The host redelivers both batches (a lost checkpoint): nothing changes.
    await run(c, b1);
    await run(c, b2);
    expect(await daily(c, 'offer')).toMatchObject({ offerId: 'spring-sale', decisions: 1, rewards: 1, rewardSum: 1 });
    expect(await daily(c, 'decisionSource')).toMatchObject({ source: 'rank', decisions: 1, rewards: 1, positiveRewards: 1, rewardSum: 1, meanReward: 1 });
    expect(await daily(c, 'channel')).toMatchObject({ decisions: 1, rewards: 1, events: 4 });
    const ledger = (await c.aggregates.item(ledgerIdOf('e1'), ledgerIdOf('e1')).read()).resource;
    expect(ledger).toMatchObject({ kind: 'rewardLedger', eventId: 'e1', aggregation: 'earliest', entries: [{ id: first.id, partition: '0', seq: 1, value: 1 }] });
  });

  it('gives a batch redelivered after a partial write the same shares (the earlier post still wins)', async () => {
    const c = await fresh();
    const low = reward('e2', 0);
    const high = reward('e2', 1);
    const b = batch('0', [decisionEvent(decision('e2'), now), low, high]);
    await run(c, b);
    // Lose the offer documents' write (as if the batch failed after the ledger and some documents).
    const { resources } = await c.aggregates.items.query<{ id: string; pk: string }>("SELECT c.id, c.pk FROM c WHERE c.kind = 'offer'").fetchAll();
    for (const d of resources) await c.aggregates.item(d.id, d.pk).delete();
    await run(c, b);
    expect(await daily(c, 'offer')).toMatchObject({ rewards: 1, rewardSum: 0 });
    expect(await daily(c, 'decisionSource')).toMatchObject({ rewards: 1, positiveRewards: 0, rewardSum: 0 });
  });

  it('counts a tracked event sent twice (one derived reward id) once', async () => {
    const c = await fresh();
    const tracked = trackedRewardEvent(
      { eventId: 'e3', issuedAtMs: now.getTime(), userId: 'u-1', rewardActionId: 'spring-sale', value: 1, source: 'rank' },
      { type: 'product_view', id: 'click-1', productId: 'p-1', userKey: 'u-1' }, now,
    );
    // Twice in one envelope and once more in a later message.
    await run(c, batch('0', [decisionEvent(decision('e3'), now), [tracked, tracked]]));
    await run(c, batch('0', [tracked], 2));
    expect(await daily(c, 'offer')).toMatchObject({ rewards: 1, rewardSum: 1 });
  });

  it('agrees on one reward when two partitions race for the same decision', async () => {
    const c = await fresh();
    const a = reward('e4', 1);
    const b = reward('e4', 0.5);
    await Promise.all([run(c, batch('0', [a])), run(c, batch('1', [b]))]);
    const offer = await daily(c, 'offer');
    expect(offer.rewards).toBe(1);
    expect([0.5, 1]).toContain(offer.rewardSum);
  });
});

describe('a decision rewarded several times (sum)', () => {
  const sum: RewardPolicy = { aggregation: 'sum', min: 0, max: 1 };

  it('adds distinct rewards, counts the decision once, clamps the total and ignores copies', async () => {
    const c = await fresh();
    const r1 = reward('e5', 0.4);
    const r2 = reward('e5', 0.4);
    const r3 = reward('e5', 0.4);
    await run(c, batch('0', [decisionEvent(decision('e5'), now), r1, r2], 0), sum);
    await run(c, batch('0', [r3, r1], 3), sum);
    expect(await daily(c, 'offer')).toMatchObject({ rewards: 1, rewardSum: 1 });
    expect(await daily(c, 'decisionSource')).toMatchObject({ rewards: 1, positiveRewards: 1, rewardSum: 1 });
  });

  it('keeps the policy a decision was first rewarded under', async () => {
    const c = await fresh();
    await run(c, batch('0', [reward('e6', 1)]), { aggregation: 'earliest', min: 0, max: 1 });
    await run(c, batch('0', [reward('e6', 1)], 1), sum);
    expect(await daily(c, 'offer')).toMatchObject({ rewards: 1, rewardSum: 1 });
  });
});
