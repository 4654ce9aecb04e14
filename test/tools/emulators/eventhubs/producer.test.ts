import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventHubBufferedProducerClient,
  EventHubConsumerClient,
  EventHubProducerClient,
  MessagingError,
  earliestEventPosition,
} from '@azure/event-hubs';
import { EventHubsEmulator } from '../../../../tools/emulators/eventhubs';
import { receiveEvents, startTestEmulator } from './helpers';

let emulator: EventHubsEmulator;
const clients: { close(): Promise<void> }[] = [];
function track<T extends { close(): Promise<void> }>(client: T): T {
  clients.push(client);
  return client;
}

beforeAll(async () => {
  ({ emulator } = await startTestEmulator([
    { name: 'orders', partitionCount: 4 },
    { name: 'clicks', partitionCount: 2, consumerGroups: ['archive'] },
    { name: 'keys', partitionCount: 8 },
  ]));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await emulator?.stop();
});

/** Every event currently in one partition. */
async function readWholePartition(producer: EventHubProducerClient, consumer: EventHubConsumerClient, partitionId: string) {
  const props = await producer.getPartitionProperties(partitionId);
  if (props.isEmpty) return [];
  const count = props.lastEnqueuedSequenceNumber - props.beginningSequenceNumber + 1;
  return receiveEvents(consumer, count, { partitionId, startPosition: earliestEventPosition });
}

async function expectMessagingError(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(Error);
  expect((err as MessagingError).code).toBe(code);
}

describe('EventHubProducerClient against the emulator', () => {
  it('reports hub and partition properties per hub', async () => {
    const producer = track(new EventHubProducerClient(emulator.connectionString('orders')));
    const props = await producer.getEventHubProperties();
    expect(props.name).toBe('orders');
    expect(props.partitionIds).toEqual(['0', '1', '2', '3']);
    expect(props.createdOn).toBeInstanceOf(Date);
    expect(Math.abs(props.createdOn.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await producer.getPartitionIds()).toEqual(['0', '1', '2', '3']);

    const clicks = track(new EventHubProducerClient(emulator.connectionString(), 'clicks'));
    expect(await clicks.getPartitionIds()).toEqual(['0', '1']);

    const empty = await producer.getPartitionProperties('3');
    expect(empty).toMatchObject({ eventHubName: 'orders', partitionId: '3', isEmpty: true, lastEnqueuedSequenceNumber: -1, beginningSequenceNumber: 0 });
  });

  it('sends to a partition id and assigns sequence numbers, offsets and enqueued times', async () => {
    const producer = track(new EventHubProducerClient(emulator.connectionString('orders')));
    const before = Date.now();
    await producer.sendBatch([{ body: { n: 1 } }, { body: { n: 2 } }, { body: { n: 3 } }], { partitionId: '1' });
    const batch = await producer.createBatch({ partitionId: '1' });
    expect(batch.tryAdd({ body: 'text', properties: { kind: 'note', count: 3 }, contentType: 'text/plain', messageId: 'm-1' })).toBe(true);
    await producer.sendBatch(batch);

    const props = await producer.getPartitionProperties('1');
    expect(props).toMatchObject({ isEmpty: false, beginningSequenceNumber: 0, lastEnqueuedSequenceNumber: 3 });
    expect(props.lastEnqueuedOnUtc.getTime()).toBeGreaterThanOrEqual(before - 5);

    const consumer = track(new EventHubConsumerClient('$Default', emulator.connectionString('orders')));
    const events = await receiveEvents(consumer, 4, { partitionId: '1', startPosition: earliestEventPosition });
    expect(events.map((e) => e.body)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, 'text']);
    expect(events.map((e) => e.sequenceNumber)).toEqual([0, 1, 2, 3]);
    const offsets = events.map((e) => e.offset);
    expect(typeof offsets[0]).toBe('string');
    expect(offsets.map(Number)).toEqual([...offsets.map(Number)].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(4);
    expect(offsets[3]).toBe(props.lastEnqueuedOffset);
    expect(events[3].properties).toEqual({ kind: 'note', count: 3 });
    expect(events[3].contentType).toBe('text/plain');
    expect(events[3].messageId).toBe('m-1');
    expect(events[0].enqueuedTimeUtc.getTime()).toBeGreaterThanOrEqual(before - 5);
  });

  it('spreads sends without a partition over partitions and routes a partition key to one partition', async () => {
    const producer = track(new EventHubProducerClient(emulator.connectionString('clicks')));
    for (let i = 0; i < 4; i++) await producer.sendBatch([{ body: i }]);
    const [p0, p1] = await Promise.all([producer.getPartitionProperties('0'), producer.getPartitionProperties('1')]);
    expect(p0.lastEnqueuedSequenceNumber + 1 + p1.lastEnqueuedSequenceNumber + 1).toBe(4);
    expect(p0.isEmpty || p1.isEmpty).toBe(false);
  });

  it('maps partition keys like the service (same partition as the buffered producer picks)', async () => {
    const producer = track(new EventHubProducerClient(emulator.connectionString('keys')));
    const keys = Array.from({ length: 24 }, (_, i) => `user-${i}`);
    for (const key of keys) await producer.sendBatch([{ body: { key } }, { body: { key, again: true } }], { partitionKey: key });

    const consumer = track(new EventHubConsumerClient('$Default', emulator.connectionString('keys')));
    const partitionsOfKey = new Map<string, Set<string>>();
    for (let p = 0; p < 8; p++) {
      for (const e of await readWholePartition(producer, consumer, String(p))) {
        const key = (e.body as { key: string }).key;
        expect(e.partitionKey).toBe(key);
        partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(String(p)));
      }
    }
    expect(partitionsOfKey.size).toBe(keys.length);
    expect(new Set([...partitionsOfKey.values()].flatMap((s) => [...s])).size).toBeGreaterThan(3);

    // Where does the buffered producer (its client-side mapper) send each key?
    const expected = new Map<string, string>();
    const buffered = track(
      new EventHubBufferedProducerClient(emulator.connectionString('keys'), {
        onSendEventsErrorHandler: () => undefined,
        onSendEventsSuccessHandler: (ctx) => {
          for (const e of ctx.events) expected.set((e as { body: { key: string } }).body.key, ctx.partitionId);
        },
        maxWaitTimeInMs: 50,
      }),
    );
    for (const key of keys) await buffered.enqueueEvent({ body: { key } }, { partitionKey: key });
    await buffered.flush();
    expect(expected.size).toBe(keys.length);

    for (const key of keys) {
      expect([...(partitionsOfKey.get(key) ?? [])], key).toEqual([expected.get(key)]);
    }
  });

  it('accepts large batches up to the advertised link limit', async () => {
    const producer = track(new EventHubProducerClient(emulator.connectionString('orders')));
    const body = 'x'.repeat(1000);
    const batch = await producer.createBatch({ partitionId: '2' });
    let count = 0;
    while (batch.tryAdd({ body: { i: count, body } })) count++;
    expect(batch.maxSizeInBytes).toBe(1024 * 1024);
    expect(count).toBeGreaterThan(900);
    await producer.sendBatch(batch);
    const props = await producer.getPartitionProperties('2');
    expect(props.lastEnqueuedSequenceNumber).toBe(count - 1);

    const consumer = track(new EventHubConsumerClient('$Default', emulator.connectionString('orders')));
    const events = await receiveEvents(consumer, count, { partitionId: '2', startPosition: earliestEventPosition });
    expect(events.length).toBe(count);
    expect((events[count - 1].body as { i: number }).i).toBe(count - 1);
  });

  it('sends through EventHubBufferedProducerClient', async () => {
    const sent: number[] = [];
    const buffered = track(
      new EventHubBufferedProducerClient(emulator.connectionString('clicks'), {
        onSendEventsErrorHandler: (ctx) => {
          throw ctx.error;
        },
        onSendEventsSuccessHandler: (ctx) => sent.push(ctx.events.length),
        maxWaitTimeInMs: 50,
      }),
    );
    for (let i = 0; i < 50; i++) await buffered.enqueueEvent({ body: { buffered: i } });
    await buffered.flush();
    expect(sent.reduce((a, b) => a + b, 0)).toBe(50);
    const consumer = track(new EventHubConsumerClient('archive', emulator.connectionString('clicks')));
    const events = await receiveEvents(consumer, 54, { startPosition: earliestEventPosition });
    const ids = events.map((e) => (e.body as { buffered?: number }).buffered).filter((v) => v !== undefined);
    expect(new Set(ids).size).toBe(50);
  });

  it('reports unknown hubs, partitions and consumer groups as SDK errors, without hanging', async () => {
    const missing = track(new EventHubProducerClient(emulator.connectionString('nope'), { retryOptions: { maxRetries: 1 } }));
    await expectMessagingError(missing.getEventHubProperties(), 'MessagingEntityNotFoundError');
    await expectMessagingError(missing.sendBatch([{ body: 1 }]), 'MessagingEntityNotFoundError');

    const producer = track(new EventHubProducerClient(emulator.connectionString('orders'), { retryOptions: { maxRetries: 1 } }));
    await expectMessagingError(producer.getPartitionProperties('99'), 'MessagingEntityNotFoundError');
    await expectMessagingError(producer.sendBatch([{ body: 1 }], { partitionId: '7' }), 'MessagingEntityNotFoundError');

    const consumer = track(new EventHubConsumerClient('no-such-group', emulator.connectionString('orders'), { retryOptions: { maxRetries: 1 } }));
    await expect(receiveEvents(consumer, 1, { partitionId: '0', startPosition: earliestEventPosition })).rejects.toMatchObject({
      code: 'MessagingEntityNotFoundError',
    });
    const badPartition = track(new EventHubConsumerClient('$Default', emulator.connectionString('orders'), { retryOptions: { maxRetries: 1 } }));
    await expect(receiveEvents(badPartition, 1, { partitionId: '12', startPosition: earliestEventPosition })).rejects.toMatchObject({
      code: 'MessagingEntityNotFoundError',
    });
  });
});
