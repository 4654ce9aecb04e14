// Rewards through the normal event stream: a product event carrying a recommendation's eventId as
// `decisionId` rewards that decision, through the real path — POST /api/events → Event Hubs →
// the archive (Capture Avro, written by the archive function's writer) → the trainer's read and
// reward join — without the shop calling the reward API.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import type { TrackedEvent } from '../../src/events/eventSchema';
import type { ReceivedBatch } from '../../src/events/receivedBatch';
import { readLoggedEvents } from '../../src/training/offers/readLoggedEvents';
import { joinRewards } from '../../src/training/offers/rewardJoin';
import { signEventId } from '../../src/ranking/eventIdToken';
import { startRankingStack, type RankingStack, type ReceivedEvent } from '../ranking/fixtures/rankingStack';

const actions = [
  { id: '85123A', features: [{ category: 'decor', price: 2.55 }] },
  { id: '22423', features: [{ category: 'kitchen', price: 12.75 }] },
  { id: '47566', features: [{ category: 'party', price: 4.95 }] },
];

/** The events of the received messages, envelopes expanded. */
const eventsOf = (received: ReceivedEvent[]): TrackedEvent[] => received.flatMap((r) => (Array.isArray(r.body) ? (r.body as TrackedEvent[]) : [r.body]));
const decisionOf = (e: TrackedEvent) => e.decision as { eventId?: string; rewardActionId?: string; cause?: Record<string, unknown> } | undefined;

describe('recommendation rewards through POST /api/events', () => {
  let stack: RankingStack;
  const rank = async (userId: string) => {
    const response = await fetch(`${stack.url}/personalizer/v1.0/rank`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Ocp-Apim-Subscription-Key': stack.apiKeys[0] },
      body: JSON.stringify({ contextFeatures: [{ userId }, { device: 'mobile' }], actions }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { eventId: string; rewardActionId: string };
  };
  const track = (events: unknown) =>
    fetch(`${stack.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });

  beforeAll(async () => {
    // A click is worth its configured value; purchases keep the default (1).
    stack = await startRankingStack({ env: { RankingRewardWaitSeconds: '600', RecommendationClickReward: '0.25' } });
  }, 60_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('turns clicks and purchases into one reward of the decision, joined by the trainer as the ranker\'s setting says', async () => {
    const ranked = await rank('shopper-1');
    const other = await rank('shopper-2');
    const forged = signEventId({ issuedAtMs: Date.now(), userId: 'shopper-1', rewardActionId: '22423' }, Buffer.alloc(32, 7));
    const click = { id: 'click-1', type: 'product_view', userId: 'shopper-1', productId: '22423', decisionId: ranked.eventId };
    const accepted = await track([
      click,
      { id: 'click-2', type: 'product_view', userId: 'shopper-1', productId: '22423', decisionId: ranked.eventId },
      { id: 'cart-1', type: 'add_to_cart', userId: 'shopper-1', productId: '22423', decisionId: ranked.eventId },
      // Another shopper's decision and a forged id: the events are stored, no reward is made.
      { id: 'click-3', type: 'product_view', userId: 'shopper-1', productId: '47566', decisionId: other.eventId },
      { id: 'click-4', type: 'product_view', userId: 'shopper-1', productId: '47566', decisionId: forged },
    ]);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: 5 });
    // The shop's backend confirms the purchase and posts it to the keyed route (the browser route refuses purchases).
    const bought = await fetch(`${stack.url}/api/events/server`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-functions-key': stack.masterKey },
      body: JSON.stringify({ id: 'buy-1', type: 'purchase', userId: 'shopper-1', productId: '22423', value: 12.75, decisionId: ranked.eventId }),
    });
    expect(bought.status).toBe(202);
    // The client sends the click again (a retried request): the same reward, read once.
    expect((await track(click)).status).toBe(202);

    const received = await stack.waitForEvents((all) => eventsOf(all).filter((e) => e.type === 'reward').length >= 5 && eventsOf(all).filter((e) => e.type === 'decision').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const events = eventsOf(received);
    const rewards = events.filter((e) => e.type === 'reward');
    expect(rewards.map((r) => [decisionOf(r)?.cause?.id, r.value]).sort()).toEqual([['buy-1', 1], ['cart-1', 1], ['click-1', 0.25], ['click-1', 0.25], ['click-2', 0.25]]);
    for (const r of rewards) {
      expect(decisionOf(r)).toMatchObject({ eventId: ranked.eventId, rewardActionId: ranked.rewardActionId });
      expect(r.userId).toBe('shopper-1');
    }
    // The tracked events themselves are stored as sent, decisionId included.
    expect(events.find((e) => e.id === 'buy-1')).toMatchObject({ type: 'purchase', decisionId: ranked.eventId });
    expect(events.filter((e) => e.id === 'click-4')).toHaveLength(1);

    // The archive function's writer puts every delivered batch in Capture's format; the trainer reads it back.
    const container = BlobServiceClient.fromConnectionString(process.env.ArchiveStorage!).getContainerClient('reward-archive');
    await container.createIfNotExists();
    const writer = new ArchiveWriter(container, { windowMinutes: 1440 });
    for (const partitionId of [...new Set(received.map((r) => r.partitionId))]) {
      const batch: ReceivedBatch = {
        fullyQualifiedNamespace: 'emulator', eventHubName: 'events', consumerGroup: 'archive', partitionId,
        events: received.filter((r) => r.partitionId === partitionId).sort((a, b) => a.sequenceNumber - b.sequenceNumber)
          .map((r) => ({ body: r.body, sequenceNumber: r.sequenceNumber, offset: r.offset, enqueuedTimeUtc: r.enqueuedTimeUtc, partitionKey: r.partitionKey, properties: {} })),
      };
      await writer.write(batch);
    }
    const log = await readLoggedEvents({ container });
    expect(log.stats).toMatchObject({ decisions: 2, rewards: 4, duplicateEvents: 1 });
    const after = Date.now() + 3_600_000;
    const { joined, stats } = joinRewards(log, { nowMs: after });
    const mine = joined.find((j) => j.decision.eventId === ranked.eventId)!;
    // 'earliest' (the default): the first click's value, once, however often the shopper clicked or bought.
    expect(mine).toMatchObject({ reward: 0.25, rewardCount: 1 });
    expect(stats.rewardsSuperseded).toBe(3);
    expect(joined.find((j) => j.decision.eventId === other.eventId)).toMatchObject({ reward: 0, rewardCount: 0 });
    // Under 'sum' the rewards add up, clamped to RankingRewardMax.
    const summed = new Map([...log.decisions].map(([id, d]) => [id, { ...d, reward: { ...d.reward, aggregation: 'sum' as const } }]));
    const sum = joinRewards({ ...log, decisions: summed }, { nowMs: after });
    expect(sum.joined.find((j) => j.decision.eventId === ranked.eventId)).toMatchObject({ reward: 1, rewardCount: 4 });
  }, 60_000);

  it('refuses a decisionId that is not an event id or sits on an event type that cannot reward, naming the field', async () => {
    for (const [event, message] of [
      [{ id: 'p1', type: 'page_view', userId: 'u', decisionId: 'abc' }, 'is allowed only on product_view, add_to_cart, purchase, offer_view, offer_click events'],
      [{ id: 'p2', type: 'product_view', userId: 'u', productId: 'x', decisionId: 42 }, 'printable ASCII'],
      [{ id: 'p3', type: 'product_view', userId: 'u', productId: 'x', decisionId: 'a b' }, 'printable ASCII'],
      [{ id: 'p4', type: 'product_view', userId: 'u', productId: 'x', decisionId: 'x'.repeat(1025) }, 'printable ASCII'],
    ] as const) {
      const response = await track(event);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { rejected: { errors: { field: string; message: string }[] }[] };
      expect(body.rejected[0].errors[0].field).toBe('decisionId');
      expect(body.rejected[0].errors[0].message).toContain(message);
    }
  });
});
