import { describe, it, expect } from 'vitest';
import { computeDeltas } from '../../src/aggregation';
import { computePriors, priorFor } from '../../src/features/priors';
import type { ReceivedBatch } from '../../src/events/receivedBatch';

const at = '2026-11-23T10:15:00.000Z';
function batch(bodies: Record<string, unknown>[]): ReceivedBatch {
  return {
    fullyQualifiedNamespace: 'ns', eventHubName: 'events', consumerGroup: 'aggregate', partitionId: '0',
    events: bodies.map((body, i) => ({ body: { schemaVersion: 1, timestamp: at, receivedAt: at, userId: 'u', ...body }, sequenceNumber: i, offset: String(i), enqueuedTimeUtc: new Date(at), properties: {} })),
  };
}

describe('per-segment offer aggregates for cold-start priors', () => {
  it('counts offer views and clicks per device, in the largest window only', () => {
    const { deltas } = computeDeltas(batch([
      { id: '1', type: 'offer_view', offerId: 'o1', context: { device: 'mobile' } },
      { id: '2', type: 'offer_click', offerId: 'o1', context: { device: 'mobile' } },
      { id: '3', type: 'offer_view', offerId: 'o1' },
      { id: '4', type: 'decision', offerId: 'o1', decision: { segment: 'mobile|new' } },
    ]), [60, 1440]);
    const segments = deltas.filter((d) => d.target === 'aggregates' && d.kind === 'offerSegment');
    expect(segments.map((d) => d.target === 'aggregates' && [d.keyFields, d.windowMinutes, d.counters])).toEqual(expect.arrayContaining([
      [{ offerId: 'o1', segment: 'mobile' }, 1440, { views: 1, clicks: 1 }],
      [{ offerId: 'o1', segment: 'unknown' }, 1440, { views: 1, clicks: 0 }],
    ]));
    expect(segments).toHaveLength(2);
    const overall = deltas.find((d) => d.target === 'aggregates' && d.kind === 'offer' && d.windowMinutes === 1440);
    expect(overall?.target === 'aggregates' && overall.counters.views).toBe(2);
  });

  it('lets the ranker fall back from "device|new" to the device segment', () => {
    const table = computePriors([
      { offerId: 'o1', views: 100, clicks: 10 },
      { offerId: 'o1', segment: 'mobile', views: 50, clicks: 20 },
    ], 20);
    expect(priorFor(table, 'mobile|new', 'o1')).toBe(table.segments.mobile.o1);
    expect(priorFor(table, 'mobile|new', 'o1')).toBeGreaterThan(priorFor(table, 'desktop|new', 'o1'));
    expect(priorFor(table, 'desktop|new', 'o1')).toBe(table.offers.o1);
  });
});

describe('unusable ids already in the stream', () => {
  it('are dead-lettered instead of blocking the partition', () => {
    const { poison, events } = computeDeltas(batch([
      { id: '1', type: 'page_view', userId: ' ' },
      { id: '2', type: 'page_view', userId: 'u\ud800' },
      { id: '3', type: 'page_view', userId: 'fine' },
    ]), [60, 1440]);
    expect(poison.map((p) => p.reason)).toEqual(['userId: must not be blank', 'userId: must be well-formed Unicode (no lone surrogates)']);
    expect(events).toHaveLength(1);
  });
});
