// The real local host (npm start's runtime, built app) for the browser library's tests: started
// before a test file's tests with its own data folder and free ports, closed after them, and what
// reached the raw archive, waited for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { readArchive } from '../../../src/archive';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../../tools/local/localRuntime';
import { silentLogger } from '../../../tools/local/host/hostLogger';

const appRoot = path.resolve(__dirname, '..', '..', '..');

/** Registers the host's start and stop with the calling test file; the returned function gives the running host. */
export function useLocalHost(name: string, options: Pick<LocalRuntimeOptions, 'overrides' | 'rateLimit'> = {}): () => LocalRuntime {
  let runtime: LocalRuntime | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `webclient-${name}-`));
    runtime = await startLocalRuntime({
      appRoot, dataDir, logger: silentLogger, eventHubPartitions: 2,
      ports: { http: 0, blob: 0, cosmos: 0, eventHubs: 0 },
      ...options,
    });
  }, 90_000);
  afterAll(async () => {
    await runtime?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!runtime) throw new Error('the local host is not started: use it from a test');
    return runtime;
  };
}

/** Every event in the host's archive so far (none before the first blob is written). */
async function archived(runtime: LocalRuntime): Promise<TrackedEvent[]> {
  const container = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage).getContainerClient('archive');
  const out: TrackedEvent[] = [];
  try {
    for await (const e of readArchive(container)) out.push(JSON.parse(e.body.toString('utf8')) as TrackedEvent);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return out;
}

/** The archived events `wanted` keeps, read again until there are at least `count` or `deadline` (epoch ms) has passed. */
export async function waitForArchived(runtime: LocalRuntime, wanted: (e: TrackedEvent) => boolean, count: number, deadline: number): Promise<TrackedEvent[]> {
  let got: TrackedEvent[] = [];
  while (Date.now() < deadline) {
    got = (await archived(runtime)).filter(wanted);
    if (got.length >= count) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  return got;
}
