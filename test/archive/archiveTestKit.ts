// Shared helpers for the archive tests: batches, an Azurite per test file, raw blob decoding.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { startAzurite, BlobEmulator } from '../../tools/local/services/azurite';
import type { ReceivedBatch, ReceivedEvent } from '../../src/events/receivedBatch';
import { decodeCaptureAvro } from '../../src/archive/captureAvro';
import type { CaptureRecord } from '../../src/archive/captureSchema';

export const T0 = Date.UTC(2024, 4, 6, 10, 0, 0);

export function makeEvent(seq: number, enqueuedMs = T0 + seq * 1000): ReceivedEvent {
  return {
    body: { type: 'page_view', id: `e${seq}`, userId: `u${seq % 7}`, seq },
    sequenceNumber: seq,
    offset: String(seq * 512),
    enqueuedTimeUtc: new Date(enqueuedMs),
    partitionKey: `u${seq % 7}`,
    properties: { source: 'test', n: seq },
  };
}

export function makeBatch(partitionId: string, events: ReceivedEvent[]): ReceivedBatch {
  return { fullyQualifiedNamespace: 'myns.servicebus.windows.net', eventHubName: 'events', consumerGroup: 'archive', partitionId, events };
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function batchOf(partitionId: string, from: number, to: number): ReceivedBatch {
  return makeBatch(partitionId, range(from, to).map((s) => makeEvent(s)));
}

export interface BlobEnv {
  az: BlobEmulator;
  service: BlobServiceClient;
  /** A temporary folder of the test file's own (Azurite keeps its data in `azurite` below it), removed by stop(). */
  tmp: string;
  container(name: string): ContainerClient;
  stop(): Promise<void>;
}

/** One Azurite per test file (the archive and training tests). */
export async function startBlobEnv(prefix = 'archive-azurite'): Promise<BlobEnv> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const az = await startAzurite({ dataDir: path.join(tmp, 'azurite'), port: 0 });
  const service = BlobServiceClient.fromConnectionString(az.connectionString);
  return {
    az,
    service,
    tmp,
    container: (name) => service.getContainerClient(name),
    async stop() {
      await az.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Every record in every .avro blob of the container, decoded without any dedupe. */
export async function rawRecords(container: ContainerClient, prefix?: string): Promise<{ blob: string; record: CaptureRecord }[]> {
  const out: { blob: string; record: CaptureRecord }[] = [];
  for await (const item of container.listBlobsFlat({ prefix })) {
    if (!item.name.endsWith('.avro')) continue;
    const buf = await container.getBlobClient(item.name).downloadToBuffer();
    for (const record of decodeCaptureAvro(buf).records) out.push({ blob: item.name, record });
  }
  return out;
}

export async function blobNames(container: ContainerClient): Promise<string[]> {
  const names: string[] = [];
  for await (const item of container.listBlobsFlat()) names.push(item.name);
  return names.sort();
}
