// A serving-only instance (ModelRegistryAccess=read, the serving app in Azure): it ranks with the
// registry's model and exports it, but refuses the Personalizer API's model writes (import,
// reset) with a 403 that names the setting, and the registry is left as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import { promoteRandomOfferModel, startRankingStack, type RankingStack } from './fixtures/rankingStack';

describe('Personalizer model operations on a serving-only instance', () => {
  let stack: RankingStack;
  const headers = () => ({ 'Ocp-Apim-Subscription-Key': stack.apiKeys[0] });

  beforeAll(async () => {
    stack = await startRankingStack({
      beforeStart: promoteRandomOfferModel(11, { trees: 10, depth: 3 }),
      env: { ModelRegistryAccess: 'read' },
    });
  }, 60_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('serves and exports the promoted model, refuses import and reset with 403, and leaves the pointer alone', async () => {
    const before = await stack.registry.readCurrent('offer-ranker');
    const exported = await fetch(`${stack.url}/personalizer/model?api-version=2022-09-01-preview&signed=true`, { headers: headers() });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('x-model-version')).toBe('v1');
    const archive = new Uint8Array(await exported.arrayBuffer());

    // The archive this instance just signed would be accepted by a writable instance.
    const imported = await fetch(`${stack.url}/personalizer/model?api-version=2022-09-01-preview`, {
      method: 'PUT',
      headers: { ...headers(), 'content-type': 'application/octet-stream' },
      body: archive,
    });
    expect(imported.status).toBe(403);
    const importError = (await imported.json()) as { error: { code: string; message: string } };
    expect(importError.error.code).toBe('OperationNotAllowed');
    expect(importError.error.message).toMatch(/ModelRegistryAccess=read/);

    const reset = await fetch(`${stack.url}/personalizer/v1.0/model`, { method: 'DELETE', headers: headers() });
    expect(reset.status).toBe(403);
    expect(((await reset.json()) as { error: { message: string } }).error.message).toMatch(/reset .*ModelRegistryAccess=read/);

    const after = await stack.registry.readCurrent('offer-ranker');
    expect(after).toEqual(before);
    const versions: string[] = [];
    const models = BlobServiceClient.fromConnectionString(process.env.ArchiveStorage!).getContainerClient('models');
    for await (const blob of models.listBlobsFlat({ prefix: 'offer-ranker/' })) versions.push(blob.name);
    expect(versions.filter((n) => n.endsWith('/model.onnx'))).toEqual(['offer-ranker/v1/model.onnx']);

    const ranked = await fetch(`${stack.url}/personalizer/v1.0/rank`, {
      method: 'POST',
      headers: { ...headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ contextFeatures: [{ device: 'mobile' }], actions: [{ id: 'a', features: [{ discount: 0.2 }] }, { id: 'b', features: [{ discount: 0 }] }] }),
    });
    expect(ranked.status).toBe(201);
  });
});
