import { describe, it, expect } from 'vitest';
import { toReceivedBatch } from '../../src/processing/eventHubTriggerInput';
import { retryPolicyFrom } from '../../tools/local/host/retryPolicy';

describe('Event Hub trigger input', () => {
  it('reads the per-event arrays the host provides', () => {
    const batch = toReceivedBatch([{ a: 1 }, { a: 2 }], {
      partitionContext: { partitionId: '3', eventHubName: 'events', consumerGroup: 'aggregate', fullyQualifiedNamespace: 'ns.servicebus.windows.net' },
      sequenceNumberArray: [10, 11],
      offsetArray: ['100', '200'],
      enqueuedTimeUtcArray: ['2026-11-23T10:00:00Z', '2026-11-23T10:00:01Z'],
      partitionKeyArray: ['u1', null],
      propertiesArray: [{ p: 1 }, {}],
    });
    expect(batch).toMatchObject({ partitionId: '3', eventHubName: 'events', consumerGroup: 'aggregate' });
    expect(batch.events.map((e) => [e.sequenceNumber, e.offset, e.partitionKey])).toEqual([[10, '100', 'u1'], [11, '200', undefined]]);
    expect(batch.events[1].enqueuedTimeUtc.toISOString()).toBe('2026-11-23T10:00:01.000Z');
  });

  it('falls back to system properties, and refuses metadata without positions', () => {
    const batch = toReceivedBatch([{}], {
      partitionContext: { PartitionId: '0' },
      systemPropertiesArray: [{ 'x-opt-sequence-number': 5, 'x-opt-offset': '9', 'x-opt-enqueued-time': '2026-01-01T00:00:00Z' }],
    });
    expect(batch.events[0]).toMatchObject({ sequenceNumber: 5, offset: '9' });
    expect(() => toReceivedBatch([{}], { partitionContext: { partitionId: '0' } })).toThrow(/sequence number/);
    expect(() => toReceivedBatch([{}], { sequenceNumberArray: [1] })).toThrow(/partitionId/);
  });
});

describe('retry policy', () => {
  it('computes fixed and exponential delays from the registration metadata', () => {
    expect(retryPolicyFrom(undefined)).toBeUndefined();
    const fixed = retryPolicyFrom({ retryStrategy: 'fixedDelay', maxRetryCount: 3, delayInterval: { seconds: 2 } })!;
    expect([fixed.delayMs(1), fixed.delayMs(3), fixed.maxRetryCount]).toEqual([2000, 2000, 3]);
    const exp = retryPolicyFrom({ retryStrategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { seconds: 5 } })!;
    expect([1, 2, 3, 4].map((n) => exp.delayMs(n))).toEqual([1000, 2000, 4000, 5000]);
    expect(exp.maxRetryCount).toBe(-1);
  });
});
