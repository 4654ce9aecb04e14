import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { startAzurite, BlobEmulator } from '../../../../tools/local/services/azurite';
import { startEventHubsEmulator, EventHubsEmulator } from '../../../../tools/emulators/eventhubs';
import { installFunctionsCoreShim, FunctionRegistration } from '../../../../tools/local/host/functionsCoreShim';
import { startEventHubTriggers, EventHubTriggerHost } from '../../../../tools/local/host/eventHubTriggerHost';
import { HostConfig } from '../../../../tools/local/host/hostConfig';
import { silentLogger } from '../../../../tools/local/host/hostLogger';

interface Delivery { partitionId: string; seqs: number[]; bodies: { n: number; poison?: boolean }[]; retryCount?: number }

const hostConfig = (batch: number): HostConfig => ({
  routePrefix: 'api',
  maxRequestBodyBytes: 1e6,
  eventHubs: { maxEventBatchSize: batch, maxWaitTimeSeconds: 0.2, prefetchCount: 100, batchCheckpointFrequency: 1, initialOffset: { type: 'fromStart' } },
});

async function waitFor(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Event Hub trigger host', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eh-trigger-'));
  let blob: BlobEmulator;
  let eh: EventHubsEmulator;
  let registrations: FunctionRegistration[];
  let checkpoints: ContainerClient;
  let producer: EventHubProducerClient;
  const deliveries: Delivery[] = [];
  let failPoison = true;
  let flakyLeft = 1;
  let host: EventHubTriggerHost | undefined;

  beforeAll(async () => {
    blob = await startAzurite({ dataDir: path.join(dir, 'blob'), port: 0 });
    eh = await startEventHubsEmulator({ dataDir: path.join(dir, 'eh'), port: 0, hubs: [{ name: 'clicks', partitionCount: 2 }] });
    checkpoints = BlobServiceClient.fromConnectionString(blob.connectionString).getContainerClient('azure-webjobs-eventhub');
    producer = new EventHubProducerClient(eh.connectionString(), 'clicks');
    registrations = installFunctionsCoreShim(() => {});
    const { app } = await import('@azure/functions');
    app.eventHub('collect', {
      connection: 'TestEventHub',
      eventHubName: '%TestHubName%',
      cardinality: 'many',
      retry: { strategy: 'fixedDelay', maxRetryCount: -1, delayInterval: { seconds: 1 } },
      handler: async (messages, context) => {
        const meta = context.triggerMetadata as { partitionContext: { partitionId: string }; sequenceNumberArray: number[] };
        const bodies = messages as Delivery['bodies'];
        deliveries.push({ partitionId: meta.partitionContext.partitionId, seqs: meta.sequenceNumberArray, bodies, retryCount: context.retryContext?.retryCount });
        if (bodies.some((b) => b.poison) && failPoison) throw new Error('poison');
        if (bodies.some((b) => b.n === 7) && flakyLeft-- > 0) throw new Error('flaky once');
      },
    });
  });
  afterAll(async () => {
    await host?.close();
    await producer?.close();
    await eh?.stop();
    await blob?.stop();
  });

  const env = () => ({ TestEventHub: eh.connectionString(), TestHubName: 'clicks' });

  it('delivers every event in order per partition, in batches no larger than configured, retrying failures', async () => {
    for (let i = 0; i < 120; i++) {
      await producer.sendBatch([{ body: { n: i } }], { partitionKey: `user-${i % 9}` });
    }
    host = await startEventHubTriggers(registrations, { env: env(), hostConfig: hostConfig(25), checkpointContainer: checkpoints, logger: silentLogger });
    const seen = () => new Set(deliveries.flatMap((d) => d.bodies.map((b) => b.n)));
    await waitFor(() => seen().size === 120);
    expect(Math.max(...deliveries.map((d) => d.seqs.length))).toBeLessThanOrEqual(25);
    for (const partition of ['0', '1']) {
      const firstTries = deliveries.filter((d) => d.partitionId === partition && !d.retryCount);
      const seqs = firstTries.flatMap((d) => d.seqs);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    const retried = deliveries.find((d) => d.retryCount === 1);
    expect(retried?.bodies.some((b) => b.n === 7)).toBe(true);
    await waitFor(() => host!.stats().collect.batches === deliveries.length - 1);
  });

  it('moves the checkpoint only past batches whose handler succeeded', async () => {
    await producer.sendBatch([{ body: { n: 1000, poison: true } }], { partitionId: '0' });
    await waitFor(() => deliveries.filter((d) => d.bodies.some((b) => b.poison)).length >= 2, 10_000);
    await host!.close();
    host = undefined;
    // Checkpoints are blobs <namespace>/<hub>/<group>/checkpoint/<partition> with the position in metadata.
    let checkpointSeq: number | undefined;
    for await (const b of checkpoints.listBlobsFlat({ includeMetadata: true })) {
      if (b.name.endsWith('/clicks/$default/checkpoint/0')) checkpointSeq = Number(b.metadata?.sequencenumber);
    }
    const p0 = (await producer.getPartitionProperties('0')).lastEnqueuedSequenceNumber;
    expect(checkpointSeq).toBe(p0 - 1);

    // A new host resumes from the checkpoint: the failed batch is delivered again, and now succeeds.
    failPoison = false;
    const before = deliveries.length;
    host = await startEventHubTriggers(registrations, { env: env(), hostConfig: hostConfig(25), checkpointContainer: checkpoints, logger: silentLogger });
    await waitFor(() => deliveries.slice(before).some((d) => d.bodies.some((b) => b.poison)));
    const redelivered = deliveries.slice(before).flatMap((d) => d.bodies.map((b) => b.n));
    expect(redelivered).toEqual([1000]);
  });
});
