// The campaign kind of the training pipeline: CSV data → model in the registry, registered or
// promoted, a clear error for data it cannot train on; and `npm run train -- --model campaign`
// reaching it with campaign:train's options.
import fs from 'node:fs';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobEnv, type BlobEnv } from '../../archive/archiveTestKit';
import { campaignDataToCsv } from '../../../tools/synthetic/campaign/campaignCsv';
import { generateCampaignData } from '../../../tools/synthetic/campaign/generateCampaignData';
import { campaignArgs } from '../../../tools/commands/train';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { runCampaignTraining } from '../../../src/training/campaign/runCampaignTraining';
import { TrainingDataError } from '../../../src/training/trainingDataError';
import { modelKindOf } from '../../../src/training/modelKinds';

let dir: string;
let env: BlobEnv;
let models: ContainerClient;

beforeAll(async () => {
  env = await startBlobEnv('campaign-run');
  dir = env.tmp;
  models = env.container('models');
  await models.createIfNotExists();
  const csv = campaignDataToCsv(generateCampaignData({ leads: 600, touches: 8000, seed: 5, days: 42 }));
  fs.mkdirSync(path.join(dir, 'data'));
  for (const [kind, text] of Object.entries(csv)) fs.writeFileSync(path.join(dir, 'data', `${kind}.csv`), text);
  fs.mkdirSync(path.join(dir, 'no-leads'));
  fs.writeFileSync(path.join(dir, 'no-leads', 'campaigns.csv'), csv.campaigns);
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

describe('the campaign training run', () => {
  it('registers a model without promoting it, then promotes the next one when asked', async () => {
    const steps = new Set<string>();
    const first = await runCampaignTraining({
      source: { folder: path.join(dir, 'data') }, registry: models, modelName: 'campaign', version: 'v1', trees: 15,
      progress: (p) => steps.add(p.step),
    });
    expect(first).toMatchObject({ model: 'campaign', version: 'v1', promoted: false, archive: null });
    expect(first.trainRows + first.validationRows).toBeGreaterThan(1000);
    expect(first.validationAuc).toBeGreaterThan(0.55);
    expect(first.onnxParityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(steps.size).toBeGreaterThan(0);
    const registry = new ModelRegistry(models);
    expect(await registry.readCurrent('campaign')).toBeUndefined();
    expect(((await registry.loadVersion('campaign', 'v1')).manifest as { producer?: string }).producer).toMatch(/src\/training\/campaign/);

    const second = await runCampaignTraining({ source: { folder: path.join(dir, 'data') }, registry: models, modelName: 'campaign', version: 'v2', trees: 15, promote: true });
    expect(second.promoted).toBe(true);
    expect((await registry.readCurrent('campaign'))?.version).toBe('v2');
  });

  it('refuses data without leads as a training-data error naming the file', async () => {
    await expect(runCampaignTraining({ source: { folder: path.join(dir, 'no-leads') }, registry: models, modelName: 'campaign' })).rejects.toThrow(TrainingDataError);
    await expect(runCampaignTraining({ source: { folder: path.join(dir, 'no-leads') }, registry: models, modelName: 'campaign' })).rejects.toThrow(/needs leads\.csv and campaigns\.csv/);
  });
});

describe('npm run train -- --model campaign', () => {
  it('hands the campaign kind every other argument, and leaves other models to the offers pipeline', () => {
    expect(campaignArgs(['--model', 'campaign', '--from', 'data', '--promote'])).toEqual(['--from', 'data', '--promote']);
    expect(campaignArgs(['--from', 'data', '--model=campaign'])).toEqual(['--from', 'data']);
    expect(campaignArgs(['--model', 'offers', '--from', '2026-01-01'])).toBeUndefined();
    expect(campaignArgs(['--model', 'my-ranker'])).toBeUndefined();
    expect(modelKindOf('campaign')).toBe('campaign');
    expect(modelKindOf('offer-ranker')).toBe('offers');
  });
});
