// The promotion gate, both ways, through the training run against Azurite: a new campaign model
// replaces the current one only if its validation AUC is not below the current model's on the
// same validation touches (the current model scored with its own ONNX), and the result says why.
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobEnv, type BlobEnv } from '../../archive/archiveTestKit';
import { campaignDataToCsv } from '../../../tools/synthetic/campaign/campaignCsv';
import { generateCampaignData } from '../../../tools/synthetic/campaign/generateCampaignData';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { runCampaignTraining } from '../../../src/training/campaign/runCampaignTraining';

let dir: string;
let env: BlobEnv;
let models: ContainerClient;

beforeAll(async () => {
  env = await startBlobEnv('campaign-gate');
  dir = env.tmp;
  models = env.container('models');
  await models.createIfNotExists();
  const csv = campaignDataToCsv(generateCampaignData({ leads: 800, touches: 12_000, seed: 17, days: 42 }));
  fs.mkdirSync(path.join(dir, 'data'));
  for (const [kind, text] of Object.entries(csv)) fs.writeFileSync(path.join(dir, 'data', `${kind}.csv`), text);
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

describe('promoting a campaign model', () => {
  const train = (version: string, opts: { candidates?: ('gbdt' | 'random-forest' | 'logistic')[]; promotionMargin?: number } = {}) =>
    runCampaignTraining({ source: { folder: path.join(dir, 'data') }, registry: models, modelName: 'campaign', version, trees: 40, promote: true, ...opts });

  it('promotes the first model, a better one, and refuses a worse one (unless within the margin), saying why', async () => {
    const registry = new ModelRegistry(models);
    const first = await train('v1', { candidates: ['logistic'] });
    expect(first.promotion).toMatchObject({ requested: true, promoted: true, current: null, reason: 'no current campaign model: the first one is promoted' });

    const better = await train('v2');
    expect(better.chosenModel).not.toBe('logistic');
    expect(better.promoted).toBe(true);
    // The current model was scored on the very validation touches its own training validated on.
    expect(better.promotion.current?.version).toBe('v1');
    expect(better.promotion.current!.validationAuc).toBeCloseTo(first.validationAuc, 4);
    expect(better.validationAuc).toBeGreaterThan(better.promotion.current!.validationAuc);
    expect(better.promotion.reason).toMatch(/^validation AUC 0\.\d{4} is not below the current model v1's 0\.\d{4} on the same \d+ validation touches by more than the margin 0: promoted$/);
    expect((await registry.readCurrent('campaign'))?.version).toBe('v2');

    const worse = await train('v3', { candidates: ['logistic'] });
    expect(worse.promoted).toBe(false);
    expect(worse.promotion).toMatchObject({ requested: true, promoted: false, current: { version: 'v2' } });
    expect(worse.promotion.current!.validationAuc).toBeCloseTo(better.validationAuc, 4);
    expect(worse.promotion.reason).toMatch(/is below the current model v2's .* by more than the margin 0: registered, not promoted$/);
    expect((await registry.readCurrent('campaign'))?.version).toBe('v2');
    expect((await registry.loadVersion('campaign', 'v3')).bytes.length).toBeGreaterThan(0);

    const same = await train('v4');
    expect(same.promoted).toBe(true);

    const tolerated = await train('v5', { candidates: ['logistic'], promotionMargin: 0.5 });
    expect(tolerated.promoted).toBe(true);
    expect((await registry.readCurrent('campaign'))?.version).toBe('v5');
  }, 120_000);
});
