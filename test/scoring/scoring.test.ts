import { describe, it, expect, afterAll } from 'vitest';
import { loadModel, ModelRejectedError } from '../../src/scoring/loadModel';
import type { LoadedModel } from '../../src/scoring/loadedModel';
import { unwrapZipMap } from '../../src/onnx';
import { Ranker } from '../../src/ranking/ranker';
import { seededRandom } from '../../src/learners/epsilonGreedy';
import { emptyPriors } from '../../src/features/priors';
import { buildFeatureMatrix } from '../../src/features/featureBuilder';
import { flattenFeatures } from '../../src/features/flattenFeatures';
import type { TrackedEvent } from '../../src/events/eventSchema';
import {
  forestReference, forestZipMapOnnx, gbdtMarginOnnx, gbdtOnnx, gbdtReference, randomForest, randomGbdt, rng,
} from '../ranking/fixtures/treeModels';
import { OFFER_CONTRACT, OFFER_CONTRACT_WIDTH, manifestFor, randomRows, sha256 } from '../ranking/fixtures/contracts';

const W = OFFER_CONTRACT_WIDTH;
const loaded: LoadedModel[] = [];
async function load(bytes: Uint8Array, manifest: unknown, expectedSha?: string): Promise<LoadedModel> {
  const m = await loadModel(bytes, manifest, expectedSha);
  loaded.push(m);
  return m;
}
afterAll(async () => {
  for (const m of loaded) await m.release();
});

async function rejection(bytes: Uint8Array, manifest: unknown, expectedSha?: string): Promise<string> {
  try {
    await load(bytes, manifest, expectedSha);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelRejectedError);
    return (error as Error).message;
  }
  throw new Error('expected the model to be refused');
}

describe('ONNX scoring equals the TypeScript reference', () => {
  const gbdt = randomGbdt({ trees: 60, depth: 5, features: W, seed: 11 });
  const x = randomRows(200, W, rng(5));

  it('GBDT exported by src/onnx (TreeEnsembleRegressor + Sigmoid, [N,1])', async () => {
    const bytes = gbdtOnnx(gbdt);
    const model = await load(bytes, manifestFor(bytes, 'v1'));
    expect(model.reader).toMatchObject({ name: 'probability', kind: 'probability', column: 0 });
    const scores = await model.score(x, 200);
    const exporterTs = gbdt.model.predictProba({ nRows: 200, nFeatures: W, layout: 'row-major', features: x });
    for (let i = 0; i < 200; i++) {
      const row = x.subarray(i * W, (i + 1) * W);
      expect(Math.abs(scores[i] - gbdtReference(gbdt, row))).toBeLessThan(1e-6);
      expect(Math.abs(scores[i] - exporterTs[i])).toBeLessThan(1e-6);
    }
  });

  it('skl2onnx-style random forest: TreeEnsembleClassifier + ZipMap (seq(map)) output', async () => {
    const forest = randomForest({ trees: 25, depth: 5, features: W, seed: 3 });
    const bytes = forestZipMapOnnx(forest, W);
    expect(unwrapZipMap(bytes).zipMaps.get('output_probability')).toEqual({ tensorOutput: 'probabilities', labels: [0, 1] });
    for (const output of [{ kind: 'auto' as const }, { kind: 'classifier' as const, name: 'output_probability', positiveLabel: 1 }]) {
      const model = await load(bytes, manifestFor(bytes, 'rf', { output }));
      expect(model.reader).toMatchObject({ name: 'probabilities', column: 1, kind: 'probability' });
      const scores = await model.score(x, 200);
      for (let i = 0; i < 200; i++) expect(Math.abs(scores[i] - forestReference(forest, x.subarray(i * W, (i + 1) * W)))).toBeLessThan(1e-6);
    }
  });

  it('a classifier with label + [N,2] probabilities tensors (no ZipMap)', async () => {
    const forest = randomForest({ trees: 10, depth: 3, features: W, seed: 4 });
    const bytes = unwrapZipMap(forestZipMapOnnx(forest, W)).bytes;
    const model = await load(bytes, manifestFor(bytes, 'rf2'));
    expect(model.reader.describe).toBe('probabilities[:,1]');
    const scores = await model.score(x.subarray(0, 10 * W), 10);
    for (let i = 0; i < 10; i++) expect(Math.abs(scores[i] - forestReference(forest, x.subarray(i * W, (i + 1) * W)))).toBeLessThan(1e-6);
  });

  it('a regressor output is used as the score', async () => {
    const bytes = gbdtMarginOnnx(gbdt);
    const model = await load(bytes, manifestFor(bytes, 'reg', { output: { kind: 'regressor' } }));
    expect(model.reader).toMatchObject({ name: 'margin', kind: 'regressor' });
    const scores = await model.score(x.subarray(0, 5 * W), 5);
    for (let i = 0; i < 5; i++) {
      const p = gbdtReference(gbdt, x.subarray(i * W, (i + 1) * W));
      expect(scores[i]).toBeCloseTo(Math.log(p / (1 - p)), 4);
    }
  });
});

describe('models that cannot serve are refused with the reason', () => {
  const good = gbdtOnnx(randomGbdt({ trees: 5, depth: 3, features: W, seed: 1 }));

  it('corrupt bytes', async () => {
    const corrupt = Buffer.from(good.subarray(0, good.length - 100));
    expect(await rejection(corrupt, manifestFor(corrupt, 'c'))).toMatch(/model\.onnx/);
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256));
    expect(await rejection(noise, manifestFor(noise, 'n'))).toMatch(/model\.onnx/);
  });

  it('bytes that do not match the manifest or the pointer sha256', async () => {
    expect(await rejection(good, { ...manifestFor(good, 'v'), sha256: sha256(Buffer.from('other')) })).toMatch(/^sha256: /);
    expect(await rejection(good, manifestFor(good, 'v'), sha256(Buffer.from('other')))).toMatch(/pointer/);
  });

  it('a model whose feature count differs from its contract', async () => {
    const narrow = gbdtOnnx(randomGbdt({ trees: 5, depth: 3, features: W - 1, seed: 2 }));
    expect(await rejection(narrow, manifestFor(narrow, 'w'))).toBe(`feature count: the model takes ${W - 1} features but its contract builds ${W}`);
  });

  it('an invalid manifest, an unknown output, a probe that disagrees', async () => {
    expect(await rejection(good, { ...manifestFor(good, 'v'), features: { version: 1, features: [] } })).toMatch(/^manifest\.features\.features/);
    expect(await rejection(good, manifestFor(good, 'v', { output: { kind: 'auto', name: 'nope' } }))).toMatch(/^output\.name/);
    const probe = { row: Array.from({ length: W }, () => 0.5), expected: 2 };
    expect(await rejection(good, manifestFor(good, 'v', { probe }))).toMatch(/^probe inference/);
    expect(await rejection(good, manifestFor(good, 'v', { probe: { row: [1, 2], expected: 0.5 } }))).toMatch(/manifest\.probe\.row/);
  });

  it('a score outside [0, 1] declared as a probability', async () => {
    const margin = gbdtMarginOnnx(randomGbdt({ trees: 5, depth: 3, features: W, seed: 9, baseScore: -8 }));
    expect(await rejection(margin, manifestFor(margin, 'm', { output: { kind: 'probability' } }))).toMatch(/outside \[0, 1\]/);
  });
});

describe('ranker with a model', () => {
  it('ranks by the model scores in one run and logs the decision with everything the trainer needs', async () => {
    const gbdt = randomGbdt({ trees: 40, depth: 4, features: W, seed: 21 });
    const bytes = gbdtOnnx(gbdt);
    const model = await load(bytes, manifestFor(bytes, 'v7'));
    const logged: TrackedEvent[] = [];
    const ranker = new Ranker({
      settings: { exploration: 0, signingKeys: [Buffer.alloc(32, 1)], rewardWaitSeconds: 600, defaultReward: 0, rewardAggregation: 'earliest', rewardMin: 0, rewardMax: 1 },
      model: () => model,
      priors: () => emptyPriors(),
      logDecision: (e) => logged.push(e),
      random: seededRandom(1),
      now: () => Date.UTC(2025, 4, 1),
    });
    const categories = ['shoes', 'bags', 'hats', 'socks'];
    const actions = Array.from({ length: 12 }, (_, i) => ({ id: `offer-${i}`, features: [{ category: categories[i % 4], price: 5 + i * 7, discount: (i % 3) / 10 }] }));
    const contextFeatures = [{ device: 'mobile', page: '/cart' }];
    const out = await ranker.rank({ contextFeatures, actions, excludedActions: new Set(['offer-3']), deferActivation: true, source: 'rank' });

    const matrix = buildFeatureMatrix(flattenFeatures(contextFeatures), actions.map((a) => ({ features: flattenFeatures(a.features), prior: 0.5 })), undefined, Date.UTC(2025, 4, 1), OFFER_CONTRACT);
    const expected = actions.map((_, i) => gbdtReference(gbdt, matrix.subarray(i * W, (i + 1) * W)));
    const eligible = actions.map((_, i) => i).filter((i) => i !== 3).sort((a, b) => expected[b] - expected[a]);
    expect(out.ranking.map((r) => r.id)).toEqual([...eligible.map((i) => `offer-${i}`), 'offer-3']);
    expect(out.rewardActionId).toBe(`offer-${eligible[0]}`);
    expect(out.modelVersion).toBe('v7');

    expect(logged).toHaveLength(1);
    const d = logged[0];
    expect(d).toMatchObject({ type: 'decision', offerId: out.rewardActionId, timestamp: '2025-05-01T00:00:00.000Z' });
    expect(d.anonymousId).toMatch(/^evt-/);
    expect(d.decision).toMatchObject({
      eventId: out.eventId, rewardActionId: out.rewardActionId, activated: false, explored: false, epsilon: 0, probability: 1,
      model: { name: 'offer-ranker', version: 'v7', sha256: sha256(bytes) },
      reward: { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1 },
      contextFeatures, segment: 'mobile|new',
    });
    const logActions = d.decision!.actions as { id: string; score: number; excluded: boolean; features: unknown }[];
    logActions.forEach((a, i) => {
      expect(a.score).toBeCloseTo(expected[i], 6);
      expect(a.features).toEqual(actions[i].features);
      expect(a.excluded).toBe(i === 3);
    });
  });
});
