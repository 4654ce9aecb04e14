import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventHubConsumerClient,
  EventHubProducerClient,
  PartitionContext,
  ReceivedEventData,
  Subscription,
  earliestEventPosition,
  latestEventPosition,
} from '@azure/event-hubs';
import { EventHubsEmulator } from '../../../../tools/emulators/eventhubs';
import { receiveEvents, startTestEmulator } from './helpers';

let emulator: EventHubsEmulator;
let producer: EventHubProducerClient;
let consumer: EventHubConsumerClient;
const firstBatchTime: { value?: Date } = {};
let stored: ReceivedEventData[] = [];

beforeAll(async () => {
  ({ emulator } = await startTestEmulator([{ name: 'stream', partitionCount: 3 }]));
  producer = new EventHubProducerClient(emulator.connectionString('stream'));
  consumer = new EventHubConsumerClient('$Default', emulator.connectionString('stream'));
  await producer.sendBatch([0, 1, 2, 3, 4].map((n) => ({ body: { n } })), { partitionId: '0' });
  await new Promise((r) => setTimeout(r, 30)); // a later enqueued time for the second batch
  await producer.sendBatch([5, 6, 7, 8, 9].map((n) => ({ body: { n } })), { partitionId: '0' });
  await producer.sendBatch([{ body: { n: 100 } }, { body: { n: 101 } }], { partitionId: '1' });
  stored = await receiveEvents(consumer, 10, { partitionId: '0', startPosition: earliestEventPosition });
  firstBatchTime.value = stored[0].enqueuedTimeUtc;
});

afterAll(async () => {
  await consumer?.close();
  await producer?.close();
  await emulator?.stop();
});

const numbers = (events: ReceivedEventData[]): number[] => events.map((e) => (e.body as { n: number }).n);

describe('EventHubConsumerClient start positions', () => {
  it('earliest reads everything in order', () => {
    expect(numbers(stored)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stored.map((e) => e.sequenceNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stored[5].enqueuedTimeUtc.getTime()).toBeGreaterThan(stored[4].enqueuedTimeUtc.getTime());
  });

  it('sequence number, exclusive and inclusive', async () => {
    expect(numbers(await receiveEvents(consumer, 5, { partitionId: '0', startPosition: { sequenceNumber: 4 } }))).toEqual([5, 6, 7, 8, 9]);
    expect(numbers(await receiveEvents(consumer, 6, { partitionId: '0', startPosition: { sequenceNumber: 4, isInclusive: true } }))).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('offset, exclusive and inclusive', async () => {
    const offset = stored[6].offset;
    expect(numbers(await receiveEvents(consumer, 3, { partitionId: '0', startPosition: { offset } }))).toEqual([7, 8, 9]);
    expect(numbers(await receiveEvents(consumer, 4, { partitionId: '0', startPosition: { offset, isInclusive: true } }))).toEqual([6, 7, 8, 9]);
  });

  it('enqueued time (events strictly after it)', async () => {
    const events = await receiveEvents(consumer, 5, { partitionId: '0', startPosition: { enqueuedOn: firstBatchTime.value! } });
    expect(numbers(events)).toEqual([5, 6, 7, 8, 9]);
  });

  it('a position past the end waits for new events', async () => {
    const pending = receiveEvents(consumer, 1, { partitionId: '1', startPosition: { sequenceNumber: 1 } });
    await new Promise((r) => setTimeout(r, 500));
    await producer.sendBatch([{ body: { n: 102 } }], { partitionId: '1' });
    expect(numbers(await pending)).toEqual([102]);
  });

  it('latest delivers only events sent after the receiver attached (long poll), with runtime metrics', async () => {
    const received: ReceivedEventData[] = [];
    let context: PartitionContext | undefined;
    let subscription: Subscription | undefined;
    await producer.sendBatch([{ body: { n: 200 } }], { partitionId: '2' }); // before: not "latest"
    const attached = new Promise<void>((resolve) => {
      subscription = consumer.subscribe(
        '2',
        {
          processEvents: async (events, ctx) => {
            context = ctx;
            received.push(...events);
            resolve(); // the first (empty) call comes after the link is up
          },
          processError: async () => undefined,
        },
        { startPosition: latestEventPosition, maxWaitTimeInSeconds: 0.3, trackLastEnqueuedEventProperties: true },
      );
    });
    try {
      await attached;
      await new Promise((r) => setTimeout(r, 300));
      expect(received.length).toBe(0);
      await producer.sendBatch([{ body: { n: 201 } }, { body: { n: 202 } }], { partitionId: '2' });
      const deadline = Date.now() + 10_000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await subscription!.close();
    }
    expect(numbers(received)).toEqual([201, 202]);
    expect(context!.lastEnqueuedEventProperties).toMatchObject({ sequenceNumber: 2, offset: received[1].offset });
    expect(context!.lastEnqueuedEventProperties!.enqueuedOn).toBeInstanceOf(Date);
  });

  it('subscribes to all partitions at once', async () => {
    const events = await receiveEvents(consumer, 16, { startPosition: earliestEventPosition });
    expect(numbers(events).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101, 102, 200, 201, 202]);
  });

  it('a receiver with a higher owner level takes the partition over; a lower one is refused', async () => {
    const first = new EventHubConsumerClient('$Default', emulator.connectionString('stream'));
    const second = new EventHubConsumerClient('$Default', emulator.connectionString('stream'));
    const third = new EventHubConsumerClient('$Default', emulator.connectionString('stream'));
    try {
      const firstErrors: Error[] = [];
      const closeReasons: string[] = [];
      let firstUp!: () => void;
      const firstAttached = new Promise<void>((r) => (firstUp = r));
      const sub1 = first.subscribe(
        '1',
        {
          processEvents: async () => firstUp(),
          processError: async (err) => void firstErrors.push(err),
          processClose: async (reason) => void closeReasons.push(reason),
        },
        { ownerLevel: 1, startPosition: earliestEventPosition, maxWaitTimeInSeconds: 0.3 },
      );
      await firstAttached;
      const taken = await receiveEvents(second, 3, { partitionId: '1', ownerLevel: 2, startPosition: earliestEventPosition });
      expect(numbers(taken)).toEqual([100, 101, 102]);
      const deadline = Date.now() + 10_000;
      while (closeReasons.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(firstErrors.map((e) => (e as { code?: string }).code)).toContain('ReceiverDisconnectedError');
      expect(closeReasons).toEqual(['OwnershipLost']);
      await sub1.close();

      // While owner level 2 holds the partition, level 1 is refused.
      const holder = second.subscribe('1', { processEvents: async () => undefined, processError: async () => undefined }, { ownerLevel: 2, maxWaitTimeInSeconds: 0.3 });
      await new Promise((r) => setTimeout(r, 500));
      await expect(receiveEvents(third, 1, { partitionId: '1', ownerLevel: 1, startPosition: earliestEventPosition })).rejects.toMatchObject({
        code: 'ReceiverDisconnectedError',
      });
      await holder.close();
    } finally {
      await Promise.all([first.close(), second.close(), third.close()]);
    }
  });
});
