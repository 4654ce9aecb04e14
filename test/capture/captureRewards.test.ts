// Capture's side of recommendation rewards, without a hub: which events are published with the
// tracked ones, and a reward Event Hubs did not take fails the tracked event it came from.
import { describe, it, expect } from 'vitest';
import { HttpRequest } from '@azure/functions';
import { handleCaptureRequest } from '../../src/capture/captureHandler';
import type { EventPublisher, PublishResult } from '../../src/clients/eventHubPublisher';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { signEventId } from '../../src/ranking/eventIdToken';
import { trackedRewardFor } from '../../src/ranking/trackedRewards';

const key = Buffer.alloc(32, 3);
const deps = { signingKeys: [key], rewardWaitSeconds: 600, values: { product_view: 0.5, add_to_cart: 0.75, purchase: 1 } };
const limits = { maxEvents: 500, maxBytes: 1024 * 1024 };

function publisher(fail: (e: TrackedEvent) => boolean = () => false): EventPublisher & { sent: TrackedEvent[] } {
  const sent: TrackedEvent[] = [];
  return {
    sent,
    async publish(events: TrackedEvent[]): Promise<PublishResult> {
      const failed = events.flatMap((e, index) => (fail(e) ? [{ index, reason: 'timeout' }] : []));
      for (const e of events) if (!fail(e)) sent.push(e);
      return { sent: events.length - failed.length, failed, sends: 1 };
    },
    async close() {},
  };
}

const post = (body: unknown) =>
  new HttpRequest({ method: 'POST', url: 'http://localhost/api/events', headers: { 'content-type': 'application/json' }, body: { string: JSON.stringify(body) } });

describe('capture with recommendation rewards', () => {
  const now = new Date();
  const decisionId = signEventId({ issuedAtMs: now.getTime() - 1000, userId: 'u1', rewardActionId: 'p9' }, key);
  const rewardOf = (e: TrackedEvent, at: Date) => trackedRewardFor(e, deps, at);

  it('publishes one reward per rewarding event, valued by type, for the signed decision and action', async () => {
    const pub = publisher();
    const logs: string[] = [];
    const answer = await handleCaptureRequest(post([
      { id: 'a', type: 'product_view', userId: 'u1', productId: 'p1', decisionId },
      { id: 'b', type: 'add_to_cart', userId: 'u1', productId: 'p1', decisionId },
      { id: 'c', type: 'page_view', userId: 'u1' },
      { id: 'd', type: 'product_view', userId: 'u2', productId: 'p1', decisionId }, // another shopper's decision
      { id: 'e', type: 'product_view', userId: 'u1', productId: 'p1', decisionId: `${decisionId.slice(0, -2)}AA` },
    ]), { publisher: pub, limits, rewardOf, now: () => now, log: (m) => logs.push(m) });
    expect(answer).toMatchObject({ status: 202, jsonBody: { accepted: 5 } });
    const rewards = pub.sent.filter((e) => e.type === 'reward');
    expect(rewards.map((r) => [r.value, r.offerId, (r.decision as { eventId: string }).eventId, (r.decision as { cause: { id: string } }).cause.id])).toEqual([
      [0.5, 'p9', decisionId, 'a'],
      [0.75, 'p9', decisionId, 'b'],
    ]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^capture: decisionId gave no reward \(otherUser 1, (forged|malformed) 1\)$/);
  });

  it('makes no reward without the ranking wiring, and the same reward for a re-sent event', async () => {
    const plain = publisher();
    await handleCaptureRequest(post({ id: 'a', type: 'purchase', userId: 'u1', productId: 'p1', value: 3, decisionId }), { publisher: plain, limits, now: () => now });
    expect(plain.sent.map((e) => e.type)).toEqual(['purchase']);
    const a = publisher();
    const b = publisher();
    for (const p of [a, b]) await handleCaptureRequest(post({ id: 'a', type: 'purchase', userId: 'u1', productId: 'p1', value: 3, decisionId }), { publisher: p, limits, rewardOf, now: () => now });
    expect(a.sent[1].id).toBe(b.sent[1].id);
  });

  it('reports the tracked event failed when its reward was not acknowledged, so the retry sends both', async () => {
    const pub = publisher((e) => e.type === 'reward');
    const answer = await handleCaptureRequest(post([
      { id: 'x', type: 'page_view', userId: 'u1' },
      { id: 'y', type: 'product_view', userId: 'u1', productId: 'p1', decisionId },
    ]), { publisher: pub, limits, rewardOf, now: () => now });
    expect(answer.status).toBe(503);
    expect(answer.jsonBody).toMatchObject({ accepted: 1, failed: [{ index: 1 }] });
  });

  it('rewards a ranked offer\'s decision with a click on the offer it chose (click value), not with a view or another offer', async () => {
    const ranking = signEventId({ issuedAtMs: now.getTime() - 1000, userId: 'anon-7', anonymous: true, rewardActionId: 'spring-sale' }, key);
    const pub = publisher();
    const logs: string[] = [];
    const answer = await handleCaptureRequest(post([
      { id: 'v', type: 'offer_view', anonymousId: 'anon-7', offerId: 'spring-sale', decisionId: ranking },
      { id: 'c', type: 'offer_click', anonymousId: 'anon-7', offerId: 'spring-sale', decisionId: ranking },
      { id: 'o', type: 'offer_click', anonymousId: 'anon-7', offerId: 'free-shipping', decisionId: ranking },
    ]), { publisher: pub, limits, rewardOf, now: () => now, log: (m) => logs.push(m) });
    expect(answer).toMatchObject({ status: 202, jsonBody: { accepted: 3 } });
    const rewards = pub.sent.filter((e) => e.type === 'reward');
    expect(rewards.map((r) => [r.value, r.offerId, (r.decision as { cause: { id: string; offerId: string } }).cause])).toEqual([
      [0.5, 'spring-sale', { type: 'offer_click', id: 'c', offerId: 'spring-sale' }],
    ]);
    expect(logs).toEqual(['capture: decisionId gave no reward (otherOffer 1)']);
  });
});
