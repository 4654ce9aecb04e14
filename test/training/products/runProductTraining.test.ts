// npm run train -- --model products end to end against Azurite: imported history in the archive
// → model.bin + manifest in the registry → products/current; the watcher loads it and swaps in
// the next promoted version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type BlobEmulator } from '../../../tools/local/services/azurite';
import { importHistory } from '../../../src/products/history/importHistory';
import { runProductTraining } from '../../../src/training/products/runProductTraining';
import { ProductModelStore, ProductModelWatcher, productModelPath } from '../../../src/products/model/productModelStore';
import { TrainingDataError } from '../../../src/training/trainingDataError';
import { runCli } from '../../../tools/commands/train';

const SAMPLE = path.join(__dirname, '..', '..', 'products', 'fixtures', 'online-retail-sample.csv');

describe('product model training run', () => {
  let azurite: BlobEmulator;
  let archive: ContainerClient;
  let models: ContainerClient;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'product-training-'));

  beforeAll(async () => {
    azurite = await startAzurite({ dataDir, port: 0 });
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    archive = service.getContainerClient('archive');
    models = service.getContainerClient('models');
    await archive.createIfNotExists();
    await importHistory(SAMPLE, archive, { source: 'sample' });
  }, 60_000);

  afterAll(async () => {
    await azurite?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers and promotes a model with manifest, sha256 and training range; the watcher loads it and swaps in the next', async () => {
    const first = await runProductTraining({ archive: { container: archive }, registry: models, now: () => new Date('2026-12-01T00:00:00Z') });
    expect(first.status).toBe('promoted');
    expect(first.manifest).toMatchObject({ kind: 'products', name: 'products', version: 'v20261201T000000Z', trainingData: { interactions: 1974, to: '2011-09-28T08:02:00.000Z' } });
    expect(first.manifest.trainingData.from < first.manifest.trainingData.to).toBe(true);
    expect(first.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await models.getBlockBlobClient(productModelPath('products', first.manifest.version)).exists()).toBe(true);

    const store = new ProductModelStore(models);
    const watcher = new ProductModelWatcher(store, 'products', { pollSeconds: 3600 });
    expect(await watcher.start()).toBe('loaded');
    expect(watcher.version).toBe('v20261201T000000Z');
    expect(watcher.served!.userIndex.size).toBeGreaterThan(20);
    expect(await watcher.check()).toBe('unchanged');

    const second = await runProductTraining({ archive: { container: archive }, registry: models, now: () => new Date('2026-12-02T00:00:00Z') });
    expect(await watcher.check()).toBe('loaded');
    expect(watcher.version).toBe(second.manifest.version);

    const third = await runProductTraining({ archive: { container: archive }, registry: models, promote: false, now: () => new Date('2026-12-03T00:00:00Z') });
    expect(third.status).toBe('registered');
    expect(await watcher.check()).toBe('unchanged');
    await watcher.stop();
  });

  it('keeps serving the previous model when a promoted one is corrupt', async () => {
    const store = new ProductModelStore(models);
    const watcher = new ProductModelWatcher(store, 'products', { pollSeconds: 3600 });
    await watcher.start();
    const serving = watcher.version;
    const bad = await runProductTraining({ archive: { container: archive }, registry: models, promote: false, now: () => new Date('2026-12-04T00:00:00Z') });
    await models.getBlockBlobClient(productModelPath('products', bad.manifest.version)).uploadData(Buffer.from('corrupt'));
    await store.promote('products', bad.manifest.version);
    expect(await watcher.check()).toBe('rejected');
    expect(watcher.version).toBe(serving);
    expect(watcher.status().lastRejected?.reason).toMatch(/sha256/);
    await watcher.stop();
  });

  it('rejects an archive range with too few interactions', async () => {
    await expect(runProductTraining({ archive: { container: archive }, registry: models, from: new Date('2030-01-01T00:00:00Z') })).rejects.toThrow(TrainingDataError);
  });

  it('runs as npm run train -- --model products, last line JSON', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['--model', 'products', '--no-promote'], {
      env: { ArchiveStorage: azurite.connectionString, ArchiveContainer: 'archive', ModelsContainer: 'models' },
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      now: () => new Date('2026-12-05T00:00:00Z'),
    });
    expect(code, err.join('')).toBe(0);
    const last = JSON.parse(out.join('').trim().split('\n').pop()!);
    expect(last).toMatchObject({ status: 'registered', model: 'products', version: 'v20261205T000000Z' });
  });
});

describe('the retrainProducts timer job', () => {
  it('trains and promotes from the archive, and logs (does not throw) when there is too little data', async () => {
    const { retrainProducts, productRetrainSchedule } = await import('../../../src/training/products/retrainProducts');
    const { AzureClients } = await import('../../../src/clients/azureClients');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'product-retrain-'));
    const azurite = await startAzurite({ dataDir, port: 0 });
    const env = { ArchiveStorage: azurite.connectionString, CosmosDB: 'AccountEndpoint=http://127.0.0.1:1/;AccountKey=AA==;' };
    const clients = new AzureClients(env);
    try {
      const lines: string[] = [];
      expect(await retrainProducts({ app: clients, env, log: (m) => lines.push(m) })).toBeUndefined();
      expect(lines.join('\n')).toMatch(/not trained: the archive container does not exist yet/);
      const archive = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('archive');
      await archive.createIfNotExists();
      await importHistory(SAMPLE, archive, { source: 'sample' });
      const result = await retrainProducts({ app: clients, env, log: (m) => lines.push(m), now: () => new Date('2026-12-06T03:30:00Z') });
      expect(result?.status).toBe('promoted');
      expect(productRetrainSchedule({})).toBe('0 30 3 * * *');
    } finally {
      await clients.close();
      await azurite.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
