// Permutation feature importance of a registry model on a logged logWindow (Azurite): Personalizer's
// names (namespace = top-level key of the feature object), one score per contract feature, sorted
// and normalised, and the data problems a job reports. That it finds the feature that matters is
// shown on a trained model in test/ranking/personalizerLogs.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { computeFeatureImportance, featureNameOf } from '../../../src/training/offers/featureImportance';
import { TrainingDataError } from '../../../src/training/trainingDataError';
import { generateDecisionLog } from '../../../tools/synthetic/decisions/syntheticDecisionLog';
import { gbdtOnnx, randomGbdt } from '../../ranking/fixtures/treeModels';
import { OFFER_CONTRACT, OFFER_CONTRACT_WIDTH, manifestFor } from '../../ranking/fixtures/contracts';
import { DAY, T0, seedArchive, startBlobEnv, type BlobEnv } from './pipelineTestKit';

let env: BlobEnv;
let archive: ContainerClient;
let registry: ModelRegistry;
const logWindow = { from: new Date(T0), to: new Date(T0 + 2 * DAY), now: new Date(T0 + 5 * DAY) };

beforeAll(async () => {
  env = await startBlobEnv('feature-importance');
  archive = env.container('archive');
  registry = new ModelRegistry(env.container('models'));
  await seedArchive(archive, generateDecisionLog({ decisions: 1500, startMs: T0, spacingMs: 60_000, seed: 3 }).events);
}, 60_000);
afterAll(async () => env?.stop());

describe('featureNameOf', () => {
  it("names features as Personalizer does: the feature object's top-level key is the namespace", () => {
    expect(featureNameOf({ name: 'a', source: 'context', key: 'user.tier', encoding: { type: 'boolean' } })).toEqual({ namespace: 'user', featureName: 'tier' });
    expect(featureNameOf({ name: 'b', source: 'action', key: 'tags.sale.flag', encoding: { type: 'numeric' } })).toEqual({ namespace: 'tags', featureName: 'sale.flag' });
    expect(featureNameOf({ name: 'c', source: 'context', key: 'device', encoding: { type: 'hash', buckets: 2 } })).toEqual({ namespace: 'device', featureName: 'device' });
    expect(featureNameOf({ name: 'd', source: 'profileAction', field: 'categoryAffinity', actionKey: 'category' })).toEqual({ namespace: 'profile', featureName: 'categoryAffinity(category)' });
    expect(featureNameOf({ name: 'prior', source: 'prior' })).toEqual({ namespace: 'prior', featureName: 'prior' });
  });
});

describe('computeFeatureImportance', () => {
  it('reports that no model is served, as a data problem', async () => {
    await expect(computeFeatureImportance({ archive: { container: archive }, registry, modelName: 'offer-ranker', ...logWindow })).rejects.toThrow(TrainingDataError);
  });

  it('scores every contract feature once, sorted and normalised, with a score per namespace', async () => {
    const bytes = gbdtOnnx(randomGbdt({ trees: 8, depth: 3, features: OFFER_CONTRACT_WIDTH, seed: 2 }));
    await registry.registerModel('offer-ranker', 'v1', bytes, manifestFor(bytes, 'v1'));
    await registry.promoteModel('offer-ranker', 'v1', { ifMatchEtag: null });
    const result = await computeFeatureImportance({ archive: { container: archive }, registry, modelName: 'offer-ranker', ...logWindow, repeats: 1 });
    expect(result).toMatchObject({ method: 'permutation', metric: 'logLoss', modelVersion: 'v1' });
    expect(result.decisions).toBeGreaterThan(1000);
    const names = result.featureScores.map((s) => `${s.namespace}/${s.featureName}`);
    expect(names.sort()).toEqual(OFFER_CONTRACT.features.map((f) => { const n = featureNameOf(f); return `${n.namespace}/${n.featureName}`; }).sort());
    const scores = result.featureScores.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[0]).toBe(1);
    for (const s of result.featureScores) expect(s.score).toBeGreaterThanOrEqual(0);
    expect(result.namespaceScores.map((n) => n.namespace).sort()).toEqual(['category', 'device', 'discount', 'page', 'price', 'prior', 'profile']);
    // The contract's `page` is not in the synthetic log's context: a constant column cannot matter.
    expect(result.featureScores.find((s) => s.featureName === 'page')!.score).toBe(0);
  }, 60_000);

  it('reports a logWindow without logged decisions as a data problem', async () => {
    const empty = { from: new Date(T0 - 10 * DAY), to: new Date(T0 - 9 * DAY), now: logWindow.now };
    await expect(computeFeatureImportance({ archive: { container: archive }, registry, modelName: 'offer-ranker', ...empty })).rejects.toThrow(/no decisions with a known reward/);
  });
});
