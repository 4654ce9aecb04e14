// The TypeScript tree walk and onnxruntime score the same exported model: equal within 1e-5 on
// every combination of many leads, and equal to the trainer's own predictions.
import { beforeAll, describe, expect, it } from 'vitest';
import { COMBINATION_COUNT } from '../../src/events/contactCombinations';
import { expandCombinations, leadMatrix } from '../../src/campaign/features/campaignRows';
import { openCampaignModel, type CampaignModel } from '../../src/campaign/model/campaignModel';
import { decodeTreeEnsemble } from '../../src/onnx';
import { trainCampaignModel, type TrainedCampaignModel } from '../../src/training/campaign/trainCampaignModel';
import { generateCampaignData } from '../../tools/synthetic/campaign/generateCampaignData';
import { sha256Hex } from '../../src/models/modelRegistry';

describe('campaign scoring engines', () => {
  const data = generateCampaignData({ leads: 2000, touches: 20_000, seed: 5, days: 56 });
  let trained: TrainedCampaignModel;
  let model: CampaignModel;

  beforeAll(async () => {
    trained = await trainCampaignModel(data, { gbdt: { nEstimators: 60, earlyStoppingRounds: 0 }, candidates: ['gbdt'] });
    const manifest = { ...trained.manifest, name: 'campaign', version: 'v1', sha256: sha256Hex(trained.result.onnx) };
    model = await openCampaignModel(trained.result.onnx, manifest);
  });

  it('decodes the exported trees exactly as the trainer built them', () => {
    const trees = decodeTreeEnsemble(trained.result.onnx, model.layout.width);
    expect(trees.nTrees).toBe(trained.result.model.trees.length);
    const valid = trained.set.validation;
    const expected = trained.result.model.predictProba(valid);
    const got = trees.predictProba(valid.features, valid.nRows);
    let max = 0;
    for (let i = 0; i < valid.nRows; i++) max = Math.max(max, Math.abs(got[i] - expected[i]));
    expect(max).toBeLessThan(1e-6);
  });

  it('scores 500 leads × 63 combinations the same with both engines (≤ 1e-5)', async () => {
    expect(model.trees).toBeDefined();
    expect(model.engineParity).toBeLessThanOrEqual(1e-5);
    const leads = data.leads.slice(0, 500);
    const rows = leadMatrix(model.layout, leads, 'savings');
    const byTrees = new Float32Array(leads.length * COMBINATION_COUNT);
    const byOnnx = new Float32Array(leads.length * COMBINATION_COUNT);
    await model.scorer('trees').score(rows, 0, leads.length, byTrees);
    await model.scorer('onnx').score(rows, 0, leads.length, byOnnx);
    let max = 0;
    for (let i = 0; i < byTrees.length; i++) max = Math.max(max, Math.abs(byTrees[i] - byOnnx[i]));
    expect(max).toBeLessThanOrEqual(1e-5);
    // And both equal the trainer's own predictions on the expanded rows.
    const full = expandCombinations(model.layout, rows, 0, leads.length);
    const own = trained.result.model.predictProba({ features: full, nRows: leads.length * COMBINATION_COUNT, nFeatures: model.layout.width, layout: 'row-major' });
    let maxOwn = 0;
    for (let i = 0; i < own.length; i++) maxOwn = Math.max(maxOwn, Math.abs(own[i] - byTrees[i]));
    expect(maxOwn).toBeLessThanOrEqual(1e-5);
    // Different combinations really get different scores.
    expect(new Set(Array.from(byTrees.subarray(0, COMBINATION_COUNT)).map((p) => p.toFixed(6))).size).toBeGreaterThan(5);
  });

  it('scores a block that does not start at lead 0 into the right place', async () => {
    const leads = data.leads.slice(0, 10);
    const rows = leadMatrix(model.layout, leads, 'term-life');
    const all = new Float32Array(10 * COMBINATION_COUNT);
    await model.scorer('trees').score(rows, 0, 10, all);
    const part = new Float32Array(3 * COMBINATION_COUNT);
    await model.scorer('onnx').score(rows, 4, 7, part);
    for (let i = 0; i < part.length; i++) expect(Math.abs(part[i] - all[4 * COMBINATION_COUNT + i])).toBeLessThanOrEqual(1e-5);
  });
});
