// Models are only used after their sha256 matches. The offer ranker's loader is tested in
// test/ranking/scoring.test.ts ("bytes that do not match the manifest or the pointer sha256") and
// test/ranking/modelRegistry.test.ts ("refuses broken models and keeps serving the previous one":
// a model.onnx replaced after registration is rejected). The gap filled here: the campaign
// model's loader (openCampaignModel) had no test of its sha256 check.
import crypto from 'node:crypto';
import { describe, it, expect, beforeAll } from 'vitest';
import { openCampaignModel } from '../../src/campaign/model/campaignModel';
import { trainCampaignModel, type TrainedCampaignModel } from '../../src/training/campaign/trainCampaignModel';
import { generateCampaignData } from '../../tools/synthetic/campaign/generateCampaignData';
import { sha256Hex } from '../../src/models/modelRegistry';

describe('security: the campaign model loads only when its sha256 matches', () => {
  let trained: TrainedCampaignModel;
  let manifest: Record<string, unknown>;

  beforeAll(async () => {
    trained = await trainCampaignModel(generateCampaignData({ leads: 300, touches: 3000, seed: 9, days: 28 }), { gbdt: { nEstimators: 5, earlyStoppingRounds: 0 } });
    manifest = { ...trained.manifest, name: 'campaign', version: 'sec1', sha256: sha256Hex(trained.onnx) };
  }, 60_000);

  it('opens the model whose bytes hash to the manifest sha256', async () => {
    const model = await openCampaignModel(trained.onnx, manifest);
    expect(model).toBeTruthy();
  });

  it('refuses bytes changed after the manifest was written (one byte flipped)', async () => {
    const tampered = Buffer.from(trained.onnx);
    tampered[Math.floor(tampered.length / 2)] ^= 0x01;
    await expect(openCampaignModel(tampered, manifest)).rejects.toThrow(/^sha256: /);
  });

  it('refuses a manifest whose sha256 names other bytes, before onnxruntime sees them', async () => {
    const other = { ...manifest, sha256: crypto.createHash('sha256').update('other').digest('hex') };
    await expect(openCampaignModel(trained.onnx, other)).rejects.toThrow(/^sha256: /);
    // Garbage bytes with a wrong hash are refused for the hash, not for being unreadable.
    await expect(openCampaignModel(Buffer.from('not a model'), manifest)).rejects.toThrow(/^sha256: /);
  });
});
