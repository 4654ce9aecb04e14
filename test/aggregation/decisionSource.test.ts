// Learning-loop counts per decision source ('rank', 'offers', 'recommendations'): the decision's own
// source, the one its signed event id carries into rewards and activations, 'unknown' for older
// event ids; the stored document holds the CTR Power BI reads.
import { describe, it, expect } from 'vitest';
import { computeDeltas, type AggregateDelta } from '../../src/aggregation/deltas';
import { foldDelta, locate } from '../../src/aggregation/documents';
import { activationEvent, decisionEvent, rewardEvent, type DecisionRecord } from '../../src/events/learningEvents';
import type { ReceivedBatch } from '../../src/events/receivedBatch';

const now = new Date('2026-12-01T10:00:00.000Z');
const decision = (eventId: string, source: DecisionRecord['source'], explored = false): DecisionRecord => ({
  eventId, source, issuedAtMs: now.getTime(), userId: 'u-1', segment: 'desktop', contextFeatures: [],
  actions: [{ id: 'p-1', features: [{ a: 1 }], prior: 0.1, score: 0.5, probability: 1, excluded: false }],
  ranking: ['p-1'], rewardActionId: 'p-1', greedyActionId: 'p-1', explored, epsilon: 0.2, model: null, profile: null, activated: true,
  reward: { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1 },
});
const ref = (eventId: string, source?: DecisionRecord['source']) => ({ eventId, issuedAtMs: now.getTime(), userId: 'u-1', rewardActionId: 'p-1', ...(source ? { source } : {}) });

function batch(bodies: unknown[]): ReceivedBatch {
  return {
    fullyQualifiedNamespace: 'ns', eventHubName: 'events', consumerGroup: 'aggregate', partitionId: '0',
    events: bodies.map((body, i) => ({ body: JSON.parse(JSON.stringify(body)), sequenceNumber: i, offset: String(i), enqueuedTimeUtc: now, properties: {} })),
  };
}

describe('decision-source aggregates', () => {
  const { deltas, poison } = computeDeltas(batch([
    decisionEvent(decision('e1', 'recommendations'), now),
    decisionEvent(decision('e2', 'recommendations', true), now),
    decisionEvent(decision('e3', 'recommendations'), now),
    decisionEvent(decision('e4', 'rank'), now),
    rewardEvent({ ...ref('e1', 'recommendations'), value: 1 }, now),
    rewardEvent({ ...ref('e2', 'recommendations'), value: 0 }, now),
    activationEvent(ref('e3', 'recommendations'), now),
    rewardEvent({ ...ref('e4', 'rank'), value: 1 }, now),
    rewardEvent({ ...ref('old'), value: 0.5 }, now),
    { id: 'v1', type: 'page_view', userId: 'u-1', timestamp: now.toISOString() },
  ]), [60, 1440]);
  const bySource = (minutes: number) => new Map(
    deltas.filter((d): d is AggregateDelta => d.target === 'aggregates' && d.kind === 'decisionSource' && d.windowMinutes === minutes).map((d) => [d.keyValue, d]),
  );

  it('counts decisions, explored ones, activations and rewards per source, in every window', () => {
    expect(poison).toEqual([]);
    for (const minutes of [60, 1440]) {
      const s = bySource(minutes);
      expect([...s.keys()].sort()).toEqual(['rank', 'recommendations', 'unknown']);
      expect(s.get('recommendations')!.counters).toEqual({ decisions: 3, explored: 1, activations: 1, rewards: 2, positiveRewards: 1, rewardSum: 1 });
      expect(s.get('rank')!.counters).toEqual({ decisions: 1, explored: 0, activations: 0, rewards: 1, positiveRewards: 1, rewardSum: 1 });
      expect(s.get('unknown')!.counters).toEqual({ decisions: 0, explored: 0, activations: 0, rewards: 1, positiveRewards: 1, rewardSum: 0.5 });
      expect(s.get('recommendations')!.keyFields).toEqual({ source: 'recommendations' });
    }
  });

  it('stores the click-through rate and mean reward next to the counters', () => {
    const delta = bySource(1440).get('recommendations')!;
    const doc = foldDelta(undefined, delta, locate(delta), '0') as Record<string, unknown>;
    expect(doc).toMatchObject({ kind: 'decisionSource', source: 'recommendations', windowMinutes: 1440, decisions: 3, positiveRewards: 1 });
    expect(doc.clickThroughRate).toBeCloseTo(1 / 3, 12);
    expect(doc.meanReward).toBeCloseTo(1 / 3, 12);
  });
});
