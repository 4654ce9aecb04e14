// The embedded system the demo runs on: startLocalRuntime on a temporary data folder with
// ephemeral ports, plus the simulator's client and the blob containers the trainer uses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startLocalRuntime, type LocalRuntime } from '../local/localRuntime';
import { silentLogger, type HostLogger } from '../local/host/hostLogger';
import { ShopApi } from '../simulator/shopApi';

export interface DemoStack {
  runtime: LocalRuntime;
  api: ShopApi;
  archive: ContainerClient;
  models: ContainerClient;
  dataDir: string;
  close(): Promise<void>;
}

export interface DemoStackOptions {
  appRoot: string;
  /** App settings for the run (ranking settings etc.). */
  overrides: Record<string, string>;
  logger?: HostLogger;
  /** Keep the data folder after close (default: removed). */
  keepData?: boolean;
  eventHubPartitions?: number;
}

export async function startDemoStack(opts: DemoStackOptions): Promise<DemoStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalization-demo-'));
  const runtime = await startLocalRuntime({
    appRoot: opts.appRoot,
    dataDir,
    ports: { http: 0, blob: 0, cosmos: 0, eventHubs: 0 },
    logger: opts.logger ?? silentLogger,
    overrides: opts.overrides,
    eventHubPartitions: opts.eventHubPartitions ?? 4,
  });
  const api = new ShopApi({ url: runtime.url!, apiKey: runtime.env.PersonalizerApiKeys.split(',')[0], catalogKey: runtime.env.CatalogApiKeys.split(',')[0], functionKey: runtime.keys.functionKey });
  const blobs = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage);
  return {
    runtime,
    api,
    archive: blobs.getContainerClient(runtime.env.ArchiveContainer || 'archive'),
    models: blobs.getContainerClient(runtime.env.ModelsContainer || 'models'),
    dataDir,
    async close() {
      await runtime.close();
      if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
