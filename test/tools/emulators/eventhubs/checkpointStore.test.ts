import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerClient } from '@azure/storage-blob';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { CheckpointStore, EventHubConsumerClient, EventHubProducerClient, ReceivedEventData, Subscription, earliestEventPosition } from '@azure/event-hubs';
import { BlobEmulator, startAzurite } from '../../../../tools/local/services/azurite';
import { EventHubsEmulator } from '../../../../tools/emulators/eventhubs';
import { startTestEmulator, tempDir } from './helpers';

let emulator: EventHubsEmulator;
let azurite: BlobEmulator;
let producer: EventHubProducerClient;
const clients: EventHubConsumerClient[] = [];
const subscriptions: Subscription[] = [];

async function newStore(container: string): Promise<CheckpointStore> {
  const containerClient = new ContainerClient(azurite.connectionString, container);
  await containerClient.createIfNotExists();
  return new BlobCheckpointStore(containerClient);
}

function newConsumer(store: CheckpointStore, hub: string): EventHubConsumerClient {
  const client = new EventHubConsumerClient('$Default', emulator.connectionString(hub), store, {
    loadBalancingOptions: { strategy: 'balanced', updateIntervalInMs: 250, partitionOwnershipExpirationIntervalInMs: 5_000 },
  });
  clients.push(client);
  return client;
}

const sendToEach = async (hub: string, partitions: number, perPartition: number, tag: string): Promise<void> => {
  const p = new EventHubProducerClient(emulator.connectionString(hub));
  for (let id = 0; id < partitions; id++) {
    await p.sendBatch(Array.from({ length: perPartition }, (_, i) => ({ body: `${tag}-${id}-${i}` })), { partitionId: String(id) });
  }
  await p.close();
};

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  [{ emulator }, azurite] = await Promise.all([
    startTestEmulator([
      { name: 'resume', partitionCount: 4 },
      { name: 'balance', partitionCount: 4 },
    ]),
    startAzurite({ dataDir: tempDir('ehemu-azurite'), port: 0 }),
  ]);
  producer = new EventHubProducerClient(emulator.connectionString('resume'));
});

afterAll(async () => {
  await Promise.all(subscriptions.map((s) => s.close().catch(() => undefined)));
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await producer?.close();
  await emulator?.stop();
  await azurite?.stop();
});

describe('EventHubConsumerClient with BlobCheckpointStore on Azurite', () => {
  it('persists checkpoints and a new consumer resumes after them', async () => {
    await sendToEach('resume', 4, 10, 'first');
    const store = await newStore('resume-checkpoints');
    const first = newConsumer(store, 'resume');
    const seen: ReceivedEventData[] = [];
    const sub = first.subscribe({
      processEvents: async (events, context) => {
        seen.push(...events);
        if (events.length) await context.updateCheckpoint(events[events.length - 1]);
      },
      processError: async () => undefined,
    }, { maxWaitTimeInSeconds: 0.5, startPosition: earliestEventPosition });
    subscriptions.push(sub);
    await until(() => seen.length >= 40, '40 events');
    await sub.close();
    expect(seen.length).toBe(40);

    const checkpoints = await store.listCheckpoints(first.fullyQualifiedNamespace, 'resume', '$Default');
    const props = await Promise.all(['0', '1', '2', '3'].map((id) => producer.getPartitionProperties(id)));
    expect(checkpoints.map((c) => [c.partitionId, c.sequenceNumber, c.offset]).sort()).toEqual(
      props.map((p) => [p.partitionId, 9, p.lastEnqueuedOffset]),
    );

    await sendToEach('resume', 4, 2, 'second');
    const second = newConsumer(store, 'resume');
    const resumed: string[] = [];
    subscriptions.push(second.subscribe({
      processEvents: async (events) => void resumed.push(...events.map((e) => String(e.body))),
      processError: async () => undefined,
    }, { maxWaitTimeInSeconds: 0.5, startPosition: earliestEventPosition }));
    await until(() => resumed.length >= 8, '8 resumed events');
    await new Promise((r) => setTimeout(r, 500)); // nothing older may follow
    expect(resumed.sort()).toEqual(
      ['0', '1', '2', '3'].flatMap((p) => [`second-${p}-0`, `second-${p}-1`]).sort(),
    );
  });

  it('balances partitions between two consumers and hands ownership over (owner level)', async () => {
    const store = await newStore('balance-ownership');
    const ownedBy = { a: new Set<string>(), b: new Set<string>() };
    const closeReasons: string[] = [];
    const handlers = (who: 'a' | 'b') => ({
      processInitialize: async (ctx: { partitionId: string }) => void ownedBy[who].add(ctx.partitionId),
      processClose: async (reason: string, ctx: { partitionId: string }) => {
        ownedBy[who].delete(ctx.partitionId);
        if (who === 'a') closeReasons.push(reason);
      },
      processEvents: async () => undefined,
      processError: async () => undefined,
    });
    const a = newConsumer(store, 'balance');
    subscriptions.push(a.subscribe(handlers('a'), { maxWaitTimeInSeconds: 0.5 }));
    await until(() => ownedBy.a.size === 4, 'consumer A to own all 4 partitions');

    const b = newConsumer(store, 'balance');
    subscriptions.push(b.subscribe(handlers('b'), { maxWaitTimeInSeconds: 0.5 }));
    await until(() => ownedBy.a.size === 2 && ownedBy.b.size === 2, 'a 2/2 split', 30_000);
    expect([...ownedBy.a, ...ownedBy.b].sort()).toEqual(['0', '1', '2', '3']);
    // A's receivers on the partitions B took were detached by B's owner-level receivers.
    expect(closeReasons.filter((r) => r === 'OwnershipLost').length).toBe(2);

    // Events keep flowing to whoever owns each partition.
    let delivered = 0;
    const counting = newConsumer(await newStore('balance-count'), 'balance');
    const countSub = counting.subscribe({ processEvents: async (ev) => void (delivered += ev.length), processError: async () => undefined }, { maxWaitTimeInSeconds: 0.5, startPosition: earliestEventPosition });
    subscriptions.push(countSub);
    await sendToEach('balance', 4, 3, 'x');
    await until(() => delivered >= 12, '12 events');
  });
});
