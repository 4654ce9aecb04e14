// The capture publisher against the Event Hubs emulator through the real SDK: a request's events
// of one user travel as one envelope message in the partition the service would pick for the
// user, concurrent requests share sends, and a hub that does not answer fails fast.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHubConsumerClient, EventHubProducerClient } from '@azure/event-hubs';
import { EventHubPublisher } from '../../src/clients/eventHubPublisher';
import { partitionIndexForKey } from '../../src/events/partitionKeyHash';
import type { TrackedEvent } from '../../src/events/eventSchema';
import type { EventHubsEmulator } from '../../tools/emulators/eventhubs';
import { receiveEvents, startTestEmulator } from '../tools/emulators/eventhubs/helpers';

const HUB = 'capture';
const PARTITIONS = 4;
let emulator: EventHubsEmulator;

beforeAll(async () => {
  ({ emulator } = await startTestEmulator([{ name: HUB, partitionCount: PARTITIONS }]));
});
afterAll(async () => {
  await emulator?.stop();
});

const event = (userId: string, i: number): TrackedEvent => ({
  id: `${userId}-${i}`, type: 'page_view', userId, schemaVersion: 1,
  timestamp: '2026-11-23T10:00:00.000Z', receivedAt: '2026-11-23T10:00:00.000Z',
});

describe('EventHubPublisher', () => {
  it('sends each user\'s events of a request as one message in the user\'s partition, in order', async () => {
    const producer = new EventHubProducerClient(emulator.connectionString(HUB));
    const consumer = new EventHubConsumerClient('$Default', emulator.connectionString(HUB));
    const publisher = new EventHubPublisher(producer);
    try {
      const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
      const events = Array.from({ length: 30 }, (_, i) => event(users[i % users.length], i));
      const result = await publisher.publish(events);
      expect(result).toEqual({ sent: 30, failed: [], sends: users.length });
      const ids = await producer.getPartitionIds();
      // Each user's envelope is where a keyed send would have gone: the service's hash of the user.
      for (const partitionId of ids) {
        const expected = users.filter((u) => ids[partitionIndexForKey(u, ids.length)] === partitionId);
        if (expected.length === 0) continue;
        const received = await receiveEvents(consumer, expected.length, { partitionId, startPosition: { sequenceNumber: -1 } });
        // The SDK decodes a JSON body it receives.
        const bodies = received.map((m) => m.body as TrackedEvent[]);
        expect(bodies.map((b) => b[0].userId).sort()).toEqual(expected.sort());
        for (const body of bodies) expect(body).toEqual(events.filter((e) => e.userId === body[0].userId));
      }
    } finally {
      await publisher.close();
      await consumer.close();
    }
  });

  it('acknowledges every event of concurrent requests, one message per request and user', async () => {
    const producer = new EventHubProducerClient(emulator.connectionString(HUB));
    const publisher = new EventHubPublisher(producer);
    try {
      const results = await Promise.all(Array.from({ length: 40 }, (_, r) => publisher.publish(Array.from({ length: 10 }, (_, i) => event(`user-${r}`, i)))));
      expect(results.reduce((n, r) => n + r.sent, 0)).toBe(400);
      expect(results.every((r) => r.failed.length === 0)).toBe(true);
      const props = await Promise.all((await producer.getPartitionIds()).map((id) => producer.getPartitionProperties(id)));
      // 40 envelopes of the earlier test's 6 plus these; at most one batch per partition per round.
      const messages = props.reduce((n, p) => n + (p.isEmpty ? 0 : p.lastEnqueuedSequenceNumber + 1), 0);
      expect(messages).toBe(6 + 40);
    } finally {
      await publisher.close();
    }
  });

  it('reports every event failed within the send timeout when Event Hubs does not answer', async () => {
    // A TCP server that accepts and never speaks AMQP.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const producer = new EventHubProducerClient(`Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true`, HUB);
    const publisher = new EventHubPublisher(producer, { sendTimeoutMs: 1500 });
    const started = Date.now();
    try {
      const result = await publisher.publish([event('alice', 1), event('bob', 2)]);
      expect(result.sent).toBe(0);
      expect(result.failed.map((f) => f.index)).toEqual([0, 1]);
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      await publisher.close().catch(() => undefined);
      silent.close();
    }
  }, 20_000);
});
