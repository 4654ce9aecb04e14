// Archive throughput against the embedded Azurite:
// `node dist/bench/run.js archive [events=100000] [partitions=4] [batch sizes=100,500]`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { startAzurite } from '../tools/local/services/azurite';
import { ArchiveWriter } from '../src/archive/archiveWriter';
import { readArchive } from '../src/archive/archiveReader';
import type { ReceivedBatch, ReceivedEvent } from '../src/events/receivedBatch';
import { list, positional, positiveInteger } from '../tools/cli/commandLine';

const START = Date.UTC(2024, 4, 6, 10, 0, 0);

/** A tracked-event-like JSON body of about 1 KB (ids and a random token, so it is not trivially compressible). */
function body(seq: number): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: crypto.randomUUID(),
    type: 'product_view',
    userId: `user-${seq % 5000}`,
    productId: `sku-${seq % 977}`,
    timestamp: new Date(START + seq).toISOString(),
    receivedAt: new Date(START + seq + 40).toISOString(),
    context: { device: 'mobile', page: `https://shop.example.com/p/sku-${seq % 977}?ref=home`, locale: 'en-GB', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15' },
    properties: { token: crypto.randomBytes(450).toString('base64') },
  };
}

function batches(partitionId: string, total: number, batchSize: number, msPerEvent: number): ReceivedBatch[] {
  const out: ReceivedBatch[] = [];
  for (let from = 0; from < total; from += batchSize) {
    const events: ReceivedEvent[] = [];
    for (let seq = from; seq < Math.min(total, from + batchSize); seq++) {
      events.push({ body: body(seq), sequenceNumber: seq, offset: String(seq * 1100), enqueuedTimeUtc: new Date(START + seq * msPerEvent), partitionKey: `user-${seq % 5000}`, properties: {} });
    }
    out.push({ fullyQualifiedNamespace: 'bench.servicebus.windows.net', eventHubName: 'events', consumerGroup: 'archive', partitionId, events });
  }
  return out;
}

async function countBlobs(container: ContainerClient): Promise<{ blobs: number; bytes: number }> {
  let blobs = 0;
  let bytes = 0;
  for await (const item of container.listBlobsFlat()) {
    blobs++;
    bytes += item.properties.contentLength ?? 0;
  }
  return { blobs, bytes };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const total = positional(args, 0, 'events', positiveInteger, 100_000);
  const partitions = positional(args, 1, 'partitions', positiveInteger, 4);
  const perPartition = Math.ceil(total / partitions);
  // 100k events over ~2.8 h of enqueued time: each partition crosses hourly windows.
  const msPerEvent = Math.round((10_000 * 1000) / perPartition);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-archive-'));
  const az = await startAzurite({ dataDir: dir, port: 0 });
  const figures: Record<string, unknown> = { events: perPartition * partitions, partitions, bodyBytes: JSON.stringify(body(1)).length };
  try {
    const service = BlobServiceClient.fromConnectionString(az.connectionString);
    const sizes = positional(args, 2, 'batch sizes', list(positiveInteger), [100, 500]);
    for (const batchSize of sizes) {
      const container = service.getContainerClient(`bench-${batchSize}`);
      const writer = new ArchiveWriter(container);
      const work = Array.from({ length: partitions }, (_, p) => batches(String(p), perPartition, batchSize, msPerEvent));
      const t0 = performance.now();
      // One consumer per partition, as the Event Hubs trigger runs them.
      const archived = await Promise.all(work.map(async (list) => {
        let n = 0;
        for (const batch of list) n += (await writer.write(batch)).archived;
        return n;
      }));
      const writeMs = performance.now() - t0;
      const { blobs, bytes } = await countBlobs(container);
      const t1 = performance.now();
      let read = 0;
      for await (const _ of readArchive(container)) read++;
      const readMs = performance.now() - t1;
      figures[`batch${batchSize}`] = {
        archived: archived.reduce((a, b) => a + b, 0),
        eventsPerSecond: Math.round((perPartition * partitions) / (writeMs / 1000)),
        writeSeconds: +(writeMs / 1000).toFixed(2),
        blobs,
        storedBytesPerEvent: +(bytes / (perPartition * partitions)).toFixed(1),
        readEventsPerSecond: Math.round(read / (readMs / 1000)),
        readBack: read,
      };
    }
  } finally {
    await az.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
