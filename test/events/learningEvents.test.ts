// The learning-loop events as the aggregation reads them: valid, and counted per offer.
import { describe, it, expect } from 'vitest';
import { activationEvent, decisionEvent, parseLoggedEvent, rewardEvent, type DecisionRecord } from '../../src/events/learningEvents';
import { checkTrackedEvent } from '../../src/events/eventValidation';
import { computeDeltas, type AggregateDelta } from '../../src/aggregation/deltas';

const now = new Date('2025-05-01T12:00:00.000Z');
const record = (over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  eventId: 'evt-token', source: 'rank', issuedAtMs: now.getTime(), segment: 'mobile|new', contextFeatures: [{ device: 'mobile' }],
  actions: [
    { id: 'offer-a', features: [{ category: 'shoes' }], prior: 0.1, score: 0.7, probability: 0.9, excluded: false },
    { id: 'offer-b', features: [{ category: 'bags' }], prior: 0.2, score: 0.3, probability: 0.1, excluded: false },
  ],
  ranking: ['offer-a', 'offer-b'], rewardActionId: 'offer-a', greedyActionId: 'offer-a', explored: false, epsilon: 0.2,
  model: null, profile: null, activated: true,
  reward: { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1 },
  ...over,
});

describe('decision, reward and activation events', () => {
  it('pass the aggregation event check, with or without a user', () => {
    const events = [
      decisionEvent(record({ userId: 'u-1' }), now),
      decisionEvent(record(), now),
      decisionEvent(record({ userId: 'anon-9', anonymous: true }), now),
      rewardEvent({ eventId: 'evt-token', issuedAtMs: now.getTime(), userId: 'u-1', rewardActionId: 'offer-a', value: 0.5 }, now),
      activationEvent({ eventId: 'evt-token', issuedAtMs: now.getTime(), rewardActionId: 'offer-a' }, now),
    ];
    for (const e of events) expect(checkTrackedEvent(e)).toMatchObject({ ok: true });
    expect(events[0].userId).toBe('u-1');
    expect(events[1].anonymousId).toBe(events[4].anonymousId);
    expect(events[2]).toMatchObject({ anonymousId: 'anon-9' });
    expect(events[2].userId).toBeUndefined();
  });

  it('keeps action ids longer than an event id allows out of offerId', () => {
    const long = 'x'.repeat(200);
    const e = decisionEvent(record({ rewardActionId: long, actions: [{ id: long, features: [{ a: 1 }], prior: 0, score: 0, probability: 1, excluded: false }] }), now);
    expect(e.offerId).toBeUndefined();
    expect((e.decision as { rewardActionId: string }).rewardActionId).toBe(long);
    expect(checkTrackedEvent(e)).toMatchObject({ ok: true });
  });

  it('are counted per offer by the aggregation: decisions, rewards with their sum, activations', () => {
    const bodies = [
      decisionEvent(record({ userId: 'u-1' }), now),
      rewardEvent({ eventId: 'evt-token', issuedAtMs: now.getTime(), userId: 'u-1', rewardActionId: 'offer-a', value: 0.5 }, now),
      rewardEvent({ eventId: 'evt-token', issuedAtMs: now.getTime(), userId: 'u-1', rewardActionId: 'offer-a', value: 0.25 }, now),
      activationEvent({ eventId: 'evt-token', issuedAtMs: now.getTime(), userId: 'u-1', rewardActionId: 'offer-a' }, now),
    ];
    const deltas = computeDeltas(
      {
        fullyQualifiedNamespace: 'local', eventHubName: 'events', consumerGroup: 'aggregate', partitionId: '0',
        events: bodies.map((body, i) => ({ body, sequenceNumber: i, offset: String(i), enqueuedTimeUtc: now, properties: {} })),
      },
      [1440],
    );
    expect(deltas.poison).toEqual([]);
    const offer = deltas.deltas.find((d): d is AggregateDelta => d.target === 'aggregates' && d.kind === 'offer' && d.keyValue === 'offer-a')!;
    expect(offer.counters).toMatchObject({ decisions: 1, rewards: 2, rewardSum: 0.75 });
    if ('activations' in offer.counters) expect(offer.counters.activations).toBe(1);
  });
});

describe('the decision source', () => {
  it('is read back by the trainer, so a model can learn from one endpoint only', () => {
    const rec = parseLoggedEvent(JSON.parse(JSON.stringify(decisionEvent(record({ userId: 'u-1', source: 'recommendations' }), now))));
    expect(rec).toMatchObject({ kind: 'decision', decision: { source: 'recommendations' } });
    const rank = parseLoggedEvent(JSON.parse(JSON.stringify(decisionEvent(record({ userId: 'u-1' }), now))));
    expect(rank).toMatchObject({ kind: 'decision', decision: { source: 'rank' } });
  });

  it('names the field when it is not an endpoint', () => {
    const e = JSON.parse(JSON.stringify(decisionEvent(record({ userId: 'u-1' }), now)));
    e.decision.source = 'elsewhere';
    const parsed = parseLoggedEvent(e);
    expect(parsed.kind).toBe('malformed');
    expect((parsed as { error: string }).error).toContain('decision.source');
  });
});
