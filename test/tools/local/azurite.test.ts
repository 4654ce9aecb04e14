import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, BlobEmulator } from '../../../tools/local/services/azurite';

describe('embedded Azurite', () => {
  let az: BlobEmulator;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azurite-'));
  beforeAll(async () => { az = await startAzurite({ dataDir: dir, port: 0 }); });
  afterAll(async () => { await az?.stop(); });

  it('stores and reads a blob through the real SDK', async () => {
    const svc = BlobServiceClient.fromConnectionString(az.connectionString);
    const c = svc.getContainerClient('probe');
    await c.createIfNotExists();
    await c.getBlockBlobClient('a.txt').upload('hello', 5);
    const buf = await c.getBlockBlobClient('a.txt').downloadToBuffer();
    expect(buf.toString()).toBe('hello');
  });
});
