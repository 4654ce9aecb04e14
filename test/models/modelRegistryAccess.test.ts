// ModelRegistryAccess=read makes an instance serving-only: it reads and verifies models as before,
// and every write — the registry's register / sign / promote / reset, the product model store, and
// the three training jobs the timers run — is refused before anything reaches storage, naming the
// setting. (The Personalizer API's import and reset: test/ranking/servingOnlyModels.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { AzureClients } from '../../src/clients/azureClients';
import { readModelIntegrity, readModelRegistryAccess, UNSIGNED_MODELS } from '../../src/config/modelIntegritySettings';
import { SettingsError } from '../../src/config/settings';
import { ModelRegistry, ModelRegistryError, ModelRegistryReadOnlyError } from '../../src/models/modelRegistry';
import { ProductModelStore } from '../../src/products/model/productModelStore';
import { learningTick } from '../../src/training/continuousLearning/learningCycle';
import { retrainProducts } from '../../src/training/products/retrainProducts';
import { retrainCampaignModel } from '../../src/training/campaign/campaignRetrainJob';
import { startBlobEnv, type BlobEnv } from '../archive/archiveTestKit';
import { gbdtOnnx, randomGbdt } from '../ranking/fixtures/treeModels';
import { OFFER_CONTRACT_WIDTH, manifestFor } from '../ranking/fixtures/contracts';

const READ_ONLY = { ...UNSIGNED_MODELS, access: 'read' as const };

async function names(container: ContainerClient): Promise<string[]> {
  if (!(await container.exists())) return [];
  const out: string[] = [];
  for await (const blob of container.listBlobsFlat()) out.push(blob.name);
  return out.sort();
}

describe('ModelRegistryAccess', () => {
  it('is readwrite by default (one host trains and serves), read when set, and anything else is refused naming the setting', () => {
    expect(readModelRegistryAccess({})).toBe('readwrite');
    expect(readModelRegistryAccess({ ModelRegistryAccess: ' ' })).toBe('readwrite');
    expect(readModelRegistryAccess({ ModelRegistryAccess: 'read' })).toBe('read');
    expect(readModelRegistryAccess({ ModelRegistryAccess: 'ReadWrite' })).toBe('readwrite');
    expect(readModelIntegrity({ ModelRegistryAccess: 'read' }).access).toBe('read');
    expect(() => readModelRegistryAccess({ ModelRegistryAccess: 'write' })).toThrow(SettingsError);
    expect(() => readModelRegistryAccess({ ModelRegistryAccess: 'readonly' })).toThrow(/^Setting ModelRegistryAccess: "readonly" must be one of readwrite, read$/);
  });
});

describe('a serving-only instance against Azurite', () => {
  let env: BlobEnv;
  let service: BlobServiceClient;

  beforeAll(async () => {
    env = await startBlobEnv('registry-access');
    service = env.service;
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it('reads and loads what the trainer wrote, and refuses register, sign, promote and reset without touching a blob', async () => {
    const container = service.getContainerClient('models-shared');
    const trainer = new ModelRegistry(container);
    const v1 = gbdtOnnx(randomGbdt({ trees: 5, depth: 3, features: OFFER_CONTRACT_WIDTH, seed: 3 }));
    await trainer.registerModel('ranker', 'v1', v1, manifestFor(v1, 'v1'));
    const promoted = await trainer.promoteModel('ranker', 'v1', { ifMatchEtag: null });

    const serving = new ModelRegistry(container, READ_ONLY);
    expect(serving.writable).toBe(false);
    expect(trainer.writable).toBe(true);
    expect(await serving.readCurrent('ranker')).toEqual(promoted);
    expect((await serving.loadVersion('ranker', 'v1')).bytes.equals(Buffer.from(v1))).toBe(true);

    const before = await names(container);
    const v2 = gbdtOnnx(randomGbdt({ trees: 5, depth: 3, features: OFFER_CONTRACT_WIDTH, seed: 4 }));
    await expect(serving.registerModel('ranker', 'v2', v2, manifestFor(v2, 'v2'))).rejects.toThrow(ModelRegistryReadOnlyError);
    await expect(serving.registerModel('ranker', 'v2', v2, manifestFor(v2, 'v2'))).rejects.toThrow(/^registering ranker\/v2: refused, .*ModelRegistryAccess=read/);
    await expect(serving.promoteModel('ranker', 'v1', { ifMatchEtag: promoted.etag })).rejects.toThrow(/^promoting ranker\/v1: refused/);
    await expect(serving.resetCurrent('ranker')).rejects.toThrow(/^resetting ranker: refused/);
    await expect(serving.sign('ranker', 'v1', '{}')).rejects.toThrow(/^signing ranker\/v1: refused/);
    // Still a ModelRegistryError, so callers that map registry errors keep working.
    await expect(serving.resetCurrent('ranker')).rejects.toThrow(ModelRegistryError);
    expect(await names(container)).toEqual(before);
    expect(await serving.readCurrent('ranker')).toEqual(promoted);
  });

  it('refuses a product model registration before creating anything', async () => {
    const container = service.getContainerClient('models-products');
    const store = new ProductModelStore(container, READ_ONLY);
    await expect(store.register('products', 'v1', new Uint8Array([1, 2, 3]), {} as never)).rejects.toThrow(/^registering products\/v1: refused/);
    expect(await container.exists()).toBe(false);
  });

  it('fails each training timer job at its start, before it reads data or writes the learning state', async () => {
    const settings = { ArchiveStorage: env.az.connectionString, ModelsContainer: 'models-jobs', ModelRegistryAccess: 'read' };
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    const models = service.getContainerClient('models-jobs');

    await expect(learningTick({ app: new AzureClients(settings), env: settings, log })).rejects.toThrow(/^continuous learning \(retrainModel\): refused, .*ModelRegistryAccess=read/);
    await expect(retrainProducts({ app: new AzureClients(settings), env: settings, log })).rejects.toThrow(/^retrainProducts: refused/);
    await expect(
      retrainCampaignModel({ data: service.getContainerClient('campaign-data'), archive: service.getContainerClient('archive'), models, env: settings, log }),
    ).rejects.toThrow(/^campaignRetrain: refused/);
    expect(await models.exists()).toBe(false);
    expect(logs).toEqual([]);

    // The off switch still wins: a disabled retrainModel tick is a no-op even on a serving-only instance.
    const off = { ...settings, 'AzureWebJobs.retrainModel.Disabled': 'true' };
    expect(await learningTick({ app: new AzureClients(off), env: off, log })).toMatchObject({ ran: false });
  });
});
