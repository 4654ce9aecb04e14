// A model is loaded only if its manifest's signature verifies (HMAC-SHA256 with ModelSigningKeys
// over manifest.json, which names the model's sha256) and its size is within ModelMaxBytes.
// Against Azurite through the real SDK: a tampered model, a tampered manifest (with the
// sha256 re-computed, as an attacker would), a re-signed manifest with an unknown key, a missing
// signature and an oversized model are each refused with a clear log line while the previous
// model keeps serving; key rotation keeps old signatures valid.
import crypto from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { startBlobEnv, type BlobEnv } from '../archive/archiveTestKit';
import { ModelRegistry, manifestPath, modelPath, sha256Hex, signaturePath } from '../../src/models/modelRegistry';
import { signManifest } from '../../src/models/manifestSignature';
import { readModelIntegrity, type ModelIntegritySettings } from '../../src/config/modelIntegritySettings';
import { SettingsError } from '../../src/config/settings';
import { ModelWatcher } from '../../src/scoring/modelWatcher';
import { gbdtOnnx, randomGbdt } from '../ranking/fixtures/treeModels';
import { OFFER_CONTRACT_WIDTH, manifestFor } from '../ranking/fixtures/contracts';
import { ProductModelStore, productModelPath } from '../../src/products/model/productModelStore';
import { encodeProductArtifact } from '../../src/products/model/productArtifact';
import { trainProductModel } from '../../src/recommendations/trainProductModel';
import { clusteredLog } from '../recommendations/fixtures';

const W = OFFER_CONTRACT_WIDTH;
const key = crypto.randomBytes(32);
const newKey = crypto.randomBytes(32);
const integrity = (keys: Buffer[], maxModelBytes = 64 * 1024 * 1024): ModelIntegritySettings => ({ signingKeys: keys, requireSignature: true, maxModelBytes, access: 'readwrite' });

describe('model registry integrity', () => {
  let env: BlobEnv;
  let container: ContainerClient;

  beforeAll(async () => {
    env = await startBlobEnv('model-integrity');
    container = env.container('models');
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  /** Registers (signed with `signer`) and promotes a version; returns its bytes. */
  async function publish(name: string, version: string, seed: number, signer: ModelRegistry): Promise<Uint8Array> {
    const bytes = gbdtOnnx(randomGbdt({ trees: 5, depth: 3, features: W, seed }));
    await signer.registerModel(name, version, bytes, manifestFor(bytes, version));
    const current = await signer.readCurrent(name);
    await signer.promoteModel(name, version, { ifMatchEtag: current?.etag ?? null });
    return bytes;
  }

  /** A watcher serving `name` with `settings`, its log lines, and a first check. */
  async function watch(name: string, settings: ModelIntegritySettings) {
    const lines: string[] = [];
    const watcher = new ModelWatcher(new ModelRegistry(container, settings), name, { pollSeconds: 3600, log: (m) => lines.push(m) });
    await watcher.check();
    return { watcher, lines };
  }

  it('signs on registration and serves a verified model', async () => {
    const signer = new ModelRegistry(container, integrity([key]));
    await publish('int-ok', 'v1', 1, signer);
    const sig = JSON.parse((await container.getBlockBlobClient(signaturePath('int-ok', 'v1')).downloadToBuffer()).toString());
    expect(sig).toMatchObject({ alg: 'HMAC-SHA256', keyId: expect.stringMatching(/^[0-9a-f]{8}$/), signature: expect.any(String) });
    const { watcher } = await watch('int-ok', integrity([key]));
    expect(watcher.model?.version).toBe('v1');
    await watcher.stop();
  });

  it('refuses a replaced model.onnx whose manifest sha256 was re-computed to match, and keeps serving the previous model', async () => {
    const signer = new ModelRegistry(container, integrity([key]));
    await publish('int-model', 'v1', 2, signer);
    const { watcher, lines } = await watch('int-model', integrity([key]));
    expect(watcher.model?.version).toBe('v1');
    // v2 is signed, then its model is swapped and the manifest and pointer edited to match the new bytes.
    await publish('int-model', 'v2', 3, signer);
    const evil = gbdtOnnx(randomGbdt({ trees: 5, depth: 3, features: W, seed: 99 }));
    await container.getBlockBlobClient(modelPath('int-model', 'v2')).uploadData(evil);
    const manifest = JSON.parse((await container.getBlockBlobClient(manifestPath('int-model', 'v2')).downloadToBuffer()).toString());
    const edited = JSON.stringify({ ...manifest, sha256: sha256Hex(evil) }, null, 2);
    await container.getBlockBlobClient(manifestPath('int-model', 'v2')).upload(edited, Buffer.byteLength(edited));
    const pointer = JSON.stringify({ version: 'v2', sha256: sha256Hex(evil), promotedAt: new Date().toISOString() });
    await container.getBlockBlobClient('int-model/current').upload(pointer, Buffer.byteLength(pointer));
    expect(await watcher.check()).toMatchObject({ outcome: 'rejected', version: 'v2', reason: expect.stringMatching(/manifest\.sig: does not verify/) });
    expect(watcher.model?.version).toBe('v1');
    expect(lines.at(-1)).toMatch(/^model int-model: refused v2: int-model\/v2: manifest\.sig: does not verify .*; still serving v1$/);
    await watcher.stop();
  });

  it('refuses a model.onnx swapped under an untouched signed manifest (sha256 mismatch)', async () => {
    const signer = new ModelRegistry(container, integrity([key]));
    await publish('int-bytes', 'v1', 4, signer);
    const evil = gbdtOnnx(randomGbdt({ trees: 5, depth: 3, features: W, seed: 98 }));
    await container.getBlockBlobClient(modelPath('int-bytes', 'v1')).uploadData(evil);
    const { watcher, lines } = await watch('int-bytes', integrity([key]));
    expect(watcher.model).toBeUndefined();
    expect(lines.at(-1)).toMatch(/refused v1: sha256: model\.onnx hashes to .*; still serving the cold-start priors/);
    await watcher.stop();
  });

  it('refuses a manifest re-signed with a key it does not hold, an unsigned model, and any model when no key is configured', async () => {
    await publish('int-foreign', 'v1', 5, new ModelRegistry(container, integrity([crypto.randomBytes(32)])));
    expect((await watch('int-foreign', integrity([key]))).lines.at(-1)).toMatch(/manifest\.sig: does not verify with any key of ModelSigningKeys/);
    await publish('int-unsigned', 'v1', 6, new ModelRegistry(container));
    expect((await watch('int-unsigned', integrity([key]))).lines.at(-1)).toMatch(/manifest\.sig is missing: the model is not signed/);
    // A forged signature document (right shape, made up value).
    const manifestBytes = await container.getBlockBlobClient(manifestPath('int-unsigned', 'v1')).downloadToBuffer();
    const forged = JSON.stringify({ ...signManifest(manifestBytes, crypto.randomBytes(32)), keyId: 'deadbeef' });
    await container.getBlockBlobClient(signaturePath('int-unsigned', 'v1')).upload(forged, forged.length);
    expect((await watch('int-unsigned', integrity([key]))).lines.at(-1)).toMatch(/does not verify/);
    expect((await watch('int-ok', integrity([]))).lines.at(-1)).toMatch(/ModelSigningKeys is not set, so no model can be verified; refused/);
  });

  it('keeps verifying old signatures after a key rotation (new key first, old key second)', async () => {
    const { watcher } = await watch('int-ok', integrity([newKey, key]));
    expect(watcher.model?.version).toBe('v1');
    await watcher.stop();
  });

  it('refuses a model above ModelMaxBytes before downloading it', async () => {
    const signer = new ModelRegistry(container, integrity([key]));
    const bytes = await publish('int-size', 'v1', 7, signer);
    const { watcher, lines } = await watch('int-size', integrity([key], bytes.length - 1));
    expect(watcher.model).toBeUndefined();
    expect(lines.at(-1)).toMatch(new RegExp(`int-size/v1/model\\.onnx: is ${bytes.length} bytes, more than ModelMaxBytes \\(${bytes.length - 1}\\); refused`));
    await watcher.stop();
  });

  it('applies to the product recommender\'s model.bin too: signed on registration, refused when its manifest is edited to match other bytes', async () => {
    const log = clusteredLog({ users: 60, items: 30, groups: 3, days: 120, basketsPerUser: 4, seed: 5 });
    const bytes = encodeProductArtifact(trainProductModel(log, { trees: 3, validationDays: 30 }), log.userSegment);
    const store = new ProductModelStore(container, integrity([key]));
    const trainingData = { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', interactions: 1, users: 1, items: 1 };
    await store.register('int-products', 'v1', bytes, { createdAt: new Date().toISOString(), trainingData });
    expect((await store.load('int-products', 'v1')).manifest.version).toBe('v1');
    // Other bytes with the manifest's sha256 edited to match them.
    const other = Buffer.concat([Buffer.from(bytes), Buffer.from([0])]);
    await container.getBlockBlobClient(productModelPath('int-products', 'v1')).uploadData(other);
    const manifest = JSON.parse((await container.getBlockBlobClient(manifestPath('int-products', 'v1')).downloadToBuffer()).toString());
    const edited = JSON.stringify({ ...manifest, sha256: sha256Hex(other) }, null, 2);
    await container.getBlockBlobClient(manifestPath('int-products', 'v1')).upload(edited, Buffer.byteLength(edited));
    await expect(store.load('int-products', 'v1')).rejects.toThrow(/manifest\.sig: does not verify/);
    await expect(new ProductModelStore(container, integrity([key], 100)).load('int-products', 'v1')).rejects.toThrow(/manifest\.sig|ModelMaxBytes/);
  });

  it('reads the settings: keys as base64 of at least 32 bytes, required in Azure even without keys', () => {
    expect(readModelIntegrity({})).toMatchObject({ signingKeys: [], requireSignature: false, maxModelBytes: 64 * 1024 * 1024 });
    expect(readModelIntegrity({ WEBSITE_SITE_NAME: 'app' }).requireSignature).toBe(true);
    const parsed = readModelIntegrity({ ModelSigningKeys: `${key.toString('base64')}, ${newKey.toString('base64url')}`, ModelMaxBytes: '2048' });
    expect(parsed.signingKeys.map((k) => k.equals(key) || k.equals(newKey))).toEqual([true, true]);
    expect(parsed).toMatchObject({ requireSignature: true, maxModelBytes: 2048 });
    expect(() => readModelIntegrity({ ModelSigningKeys: 'c2hvcnQ=' })).toThrow(/ModelSigningKeys: key 1 has 5 bytes/);
    expect(() => readModelIntegrity({ ModelSigningKeys: '@Microsoft.KeyVault(SecretUri=x)' })).toThrow(SettingsError);
  });
});
