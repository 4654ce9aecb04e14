// Shared helpers of the training pipeline tests: one Azurite per test file (startBlobEnv, the
// archive tests' own), synthetic logs written into an archive container (or a local folder),
// registry reads.
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../../../src/archive/archiveWriter';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { archiveTrackedEvents } from '../../../tools/synthetic/decisions/archiveTrackedEvents';

export const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
export const DAY = 86_400_000;

export { startBlobEnv, type BlobEnv } from '../../archive/archiveTestKit';

/**
 * Writes events into an archive container as archiveEvents would (daily blobs keep the test quick).
 * `later` events are appended afterwards, all enqueued at `laterAtMs` (re-sent copies, late arrivals).
 */
export async function seedArchive(container: ContainerClient, events: readonly TrackedEvent[], later: readonly TrackedEvent[] = [], laterAtMs = 0): Promise<void> {
  const writer = new ArchiveWriter(container, { windowMinutes: 1440 });
  const next = await archiveTrackedEvents(writer, events, { partitions: 2, batchSize: 1000 });
  if (later.length > 0) await archiveTrackedEvents(writer, later, { partitions: 2, firstSequence: next, enqueuedAtMs: () => laterAtMs });
}

/** Copies every blob of a container into `dir`, keeping the names: a downloaded Capture container. */
export async function downloadArchive(container: ContainerClient, dir: string): Promise<void> {
  for await (const item of container.listBlobsFlat()) {
    const file = path.join(dir, ...item.name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, await container.getBlobClient(item.name).downloadToBuffer());
  }
}

export async function blobNames(container: ContainerClient, prefix?: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const item of container.listBlobsFlat({ prefix })) names.push(item.name);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return names.sort();
}

export async function readJsonBlob(container: ContainerClient, name: string): Promise<any> {
  return JSON.parse((await container.getBlobClient(name).downloadToBuffer()).toString('utf8'));
}
