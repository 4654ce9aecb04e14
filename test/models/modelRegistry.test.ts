import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { startBlobEnv, type BlobEnv } from '../archive/archiveTestKit';
import { ModelRegistry, ModelRegistryError, PromotionConflictError, manifestPath, modelPath } from '../../src/models/modelRegistry';
import { ModelWatcher } from '../../src/scoring/modelWatcher';
import { buildFeatureMatrix } from '../../src/features/featureBuilder';
import { flattenFeatures } from '../../src/features/flattenFeatures';
import { gbdtOnnx, gbdtReference, randomGbdt, type RandomGbdt } from '../ranking/fixtures/treeModels';
import { OFFER_CONTRACT, OFFER_CONTRACT_WIDTH, manifestFor } from '../ranking/fixtures/contracts';

const W = OFFER_CONTRACT_WIDTH;
const NAME = 'offer-ranker';

describe('model registry in Blob storage and hot swap', () => {
  let env: BlobEnv;
  let container: ContainerClient;
  let registry: ModelRegistry;
  const models: Record<string, RandomGbdt> = {};

  async function register(version: string, g: RandomGbdt, name = NAME): Promise<Uint8Array> {
    const bytes = gbdtOnnx(g);
    await registry.registerModel(name, version, bytes, manifestFor(bytes, version));
    models[version] = g;
    return bytes;
  }

  async function promote(version: string, name = NAME): Promise<void> {
    const current = await registry.readCurrent(name);
    await registry.promoteModel(name, version, { ifMatchEtag: current?.etag ?? null });
  }

  beforeAll(async () => {
    env = await startBlobEnv('ranking-registry');
    container = env.container('models');
    registry = new ModelRegistry(container);
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it('registers immutable versions with their manifest and promotes through the pointer', async () => {
    const bytes = await register('v1', randomGbdt({ trees: 20, depth: 4, features: W, seed: 1 }), 'reg-basic');
    expect(await registry.readCurrent('reg-basic')).toBeUndefined();
    const manifest = JSON.parse((await container.getBlockBlobClient(manifestPath('reg-basic', 'v1')).downloadToBuffer()).toString());
    expect(manifest).toMatchObject({ name: 'reg-basic', version: 'v1', features: OFFER_CONTRACT, metrics: { auc: 0.71 } });
    expect((await container.getBlockBlobClient(modelPath('reg-basic', 'v1')).downloadToBuffer()).equals(Buffer.from(bytes))).toBe(true);

    // Same bytes again: a no-op. Other bytes under the same version: refused.
    await registry.registerModel('reg-basic', 'v1', bytes, manifestFor(bytes, 'v1'));
    const other = gbdtOnnx(randomGbdt({ trees: 3, depth: 2, features: W, seed: 2 }));
    await expect(registry.registerModel('reg-basic', 'v1', other, manifestFor(other, 'v1'))).rejects.toThrow(/already registered/);
    await expect(registry.registerModel('reg-basic', 'v2', other, { ...manifestFor(other, 'v2'), sha256: 'a'.repeat(64) })).rejects.toThrow(/^manifest\.sha256/);
    await expect(registry.registerModel('reg-basic', 'v 3', other, manifestFor(other, 'v3'))).rejects.toThrow(/^version/);
    await expect(registry.promoteModel('reg-basic', 'v9', { ifMatchEtag: null })).rejects.toThrow(ModelRegistryError);

    const promoted = await registry.promoteModel('reg-basic', 'v1', { ifMatchEtag: null });
    const current = await registry.readCurrent('reg-basic');
    expect(current).toMatchObject({ version: 'v1', sha256: manifest.sha256, etag: promoted.etag });
    expect(await registry.pointerEtag('reg-basic')).toBe(promoted.etag);
  });

  it('lets exactly one of two concurrent promoters win', async () => {
    await register('a', randomGbdt({ trees: 2, depth: 2, features: W, seed: 3 }), 'reg-race');
    await register('b', randomGbdt({ trees: 2, depth: 2, features: W, seed: 4 }), 'reg-race');
    // First promotion: both saw no pointer.
    const first = await Promise.allSettled([
      registry.promoteModel('reg-race', 'a', { ifMatchEtag: null }),
      registry.promoteModel('reg-race', 'b', { ifMatchEtag: null }),
    ]);
    expect(first.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((first.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(PromotionConflictError);
    // Later promotions: both read the same ETag.
    const seen = (await registry.readCurrent('reg-race'))!;
    const next = await Promise.allSettled([
      registry.promoteModel('reg-race', 'a', { ifMatchEtag: seen.etag }),
      registry.promoteModel('reg-race', 'b', { ifMatchEtag: seen.etag }),
    ]);
    expect(next.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = (next.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ version: string }>).value.version;
    expect((await registry.readCurrent('reg-race'))!.version).toBe(winner);
  });

  it('swaps models under concurrent load with zero failed scores', async () => {
    await register('s1', randomGbdt({ trees: 80, depth: 6, features: W, seed: 10 }));
    await register('s2', randomGbdt({ trees: 80, depth: 6, features: W, seed: 20 }));
    await register('s3', randomGbdt({ trees: 80, depth: 6, features: W, seed: 30 }));
    await promote('s1');
    const watcher = new ModelWatcher(registry, NAME, { pollSeconds: 1 });
    expect(await watcher.start()).toMatchObject({ outcome: 'loaded', version: 's1' });

    const context = flattenFeatures([{ device: 'mobile', page: '/' }]);
    const actions = Array.from({ length: 50 }, (_, i) => ({ features: flattenFeatures([{ category: ['shoes', 'bags'][i % 2], price: i }]), prior: 0.5 }));
    const matrix = buildFeatureMatrix(context, actions, undefined, Date.now(), OFFER_CONTRACT);
    const expected = (version: string, i: number) => gbdtReference(models[version], matrix.subarray(i * W, (i + 1) * W));

    let failures = 0;
    let wrong = 0;
    let calls = 0;
    const versions = new Set<string>();
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const model = watcher.model!;
        try {
          const scores = await model.score(matrix, 50);
          calls++;
          versions.add(model.version);
          if (Math.abs(scores[7] - expected(model.version, 7)) > 1e-6) wrong++;
        } catch {
          failures++;
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    const waitFor = async (version: string) => {
      const end = Date.now() + 10_000;
      while (watcher.model?.version !== version && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      return watcher.model?.version;
    };
    await new Promise((r) => setTimeout(r, 300));
    await promote('s2');
    expect(await waitFor('s2')).toBe('s2');
    await new Promise((r) => setTimeout(r, 300));
    await promote('s3');
    expect(await waitFor('s3')).toBe('s3');
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(workers);
    await watcher.stop();
    expect(failures).toBe(0);
    expect(wrong).toBe(0);
    expect([...versions].sort()).toEqual(['s1', 's2', 's3']);
    expect(calls).toBeGreaterThan(100);
  });

  it('refuses broken models and keeps serving the previous one', async () => {
    const log: string[] = [];
    await register('good1', randomGbdt({ trees: 10, depth: 3, features: W, seed: 40 }));
    await promote('good1');
    const watcher = new ModelWatcher(registry, NAME, { pollSeconds: 3600, log: (m) => log.push(m) });
    expect(await watcher.start()).toMatchObject({ outcome: 'loaded', version: 'good1' });
    const row = new Float32Array(W).fill(0.5);
    const before = (await watcher.model!.score(row, 1))[0];

    // Corrupt file (registered as is: its sha256 matches, onnxruntime cannot read it).
    const corrupt = Buffer.from(gbdtOnnx(randomGbdt({ trees: 3, depth: 2, features: W, seed: 5 })).subarray(0, 300));
    await registry.registerModel(NAME, 'corrupt', corrupt, manifestFor(corrupt, 'corrupt'));
    await promote('corrupt');
    expect(await watcher.check()).toMatchObject({ outcome: 'rejected', version: 'corrupt', reason: expect.stringMatching(/model\.onnx/) });
    expect(watcher.model!.version).toBe('good1');

    // Wrong sha: model.onnx replaced after registration.
    await register('tampered', randomGbdt({ trees: 3, depth: 2, features: W, seed: 6 }));
    const replacement = gbdtOnnx(randomGbdt({ trees: 3, depth: 2, features: W, seed: 7 }));
    await container.getBlockBlobClient(modelPath(NAME, 'tampered')).uploadData(replacement);
    await promote('tampered');
    expect(await watcher.check()).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^sha256/) });

    // Wrong feature count.
    await register('narrow', randomGbdt({ trees: 3, depth: 2, features: W - 2, seed: 8 }));
    await promote('narrow');
    expect(await watcher.check()).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^feature count/) });

    // The refused pointer is not retried every poll; the old model still answers the same.
    expect(await watcher.check()).toEqual({ outcome: 'unchanged' });
    expect(watcher.model!.version).toBe('good1');
    expect((await watcher.model!.score(row, 1))[0]).toBe(before);
    expect(watcher.status().lastRejected).toMatchObject({ version: 'narrow' });
    expect(log.filter((l) => l.includes('refused'))).toHaveLength(3);

    // A good model after the bad ones is taken.
    await register('good2', randomGbdt({ trees: 10, depth: 3, features: W, seed: 41 }));
    await promote('good2');
    expect(await watcher.check()).toMatchObject({ outcome: 'loaded', version: 'good2' });
    await watcher.stop();
  });
});
