import { describe, expect, it } from 'vitest';
import { HistGradientBoostingClassifier } from '../../src/learners/gradientBoosting';
import { LogisticRegression } from '../../src/learners/logisticRegression';
import { makeSyntheticBinary, sliceRows } from '../../tools/synthetic/gbdtDataset';
import { exportGradientBoostingToOnnx } from '../../src/onnx/exportGradientBoosting';
import { exportLogisticRegressionToOnnx } from '../../src/onnx/exportLogisticRegression';
import { createOnnxSession, verifyOnnx } from '../../src/onnx/verifyOnnx';

describe('ONNX export parity with onnxruntime-node', () => {
  const { dataset } = makeSyntheticBinary({ nRows: 12_000, nFeatures: 12, seed: 3, missingRate: 0.1 });
  const train = sliceRows(dataset, 0, 8_000);
  const test = sliceRows(dataset, 8_000, 12_000);

  it('GBDT probabilities match within 1e-5 on thousands of rows with NaNs', async () => {
    const model = new HistGradientBoostingClassifier({ nEstimators: 40, maxDepth: 5, learningRate: 0.2, seed: 1 }).fit(train);
    const bytes = exportGradientBoostingToOnnx(model, { metadata: { model_version: '7' } });
    // NaN rows in test + an all-NaN row + rows exactly at thresholds.
    const extra = new Float32Array(3 * 12).fill(NaN);
    const t0 = model.trees[0];
    for (let f = 0; f < 12; f++) extra[12 + f] = t0.feature[0] === f ? t0.threshold[0] : 0;
    for (let f = 0; f < 12; f++) extra[24 + f] = t0.feature[0] === f ? Math.fround(t0.threshold[0] + 1e-6) : 0;
    const features = new Float32Array(test.features.length + extra.length);
    features.set(test.features);
    features.set(extra, test.features.length);
    const x = { nRows: test.nRows + 3, nFeatures: 12, layout: 'row-major' as const, features };
    let nans = 0;
    for (const v of features) if (v !== v) nans++;
    expect(nans).toBeGreaterThan(500);
    const parity = await verifyOnnx(bytes, model, x, 1000);
    expect(parity.rows).toBe(4003);
    expect(parity.batches).toBe(5);
    expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('column-major input gives the same ONNX parity', async () => {
    const model = new HistGradientBoostingClassifier({ nEstimators: 20, maxDepth: 4, seed: 2 }).fit(train);
    const n = test.nRows;
    const d = test.nFeatures;
    const features = new Float32Array(n * d);
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) features[f * n + i] = test.features[i * d + f];
    const cm = { nRows: n, nFeatures: d, layout: 'column-major' as const, features };
    expect(Array.from(model.predictRaw(cm))).toEqual(Array.from(model.predictRaw(test)));
    const parity = await verifyOnnx(exportGradientBoostingToOnnx(model), model, cm, 999);
    expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('carries feature names and caller metadata, input/output shapes', async () => {
    const model = new HistGradientBoostingClassifier({ nEstimators: 3, maxDepth: 2 }).fit(train);
    const session = await createOnnxSession(exportGradientBoostingToOnnx(model, { metadata: { campaign: 'spring' } }));
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['probability']);
    await session.release();
    const text = Buffer.from(exportGradientBoostingToOnnx(model, { metadata: { campaign: 'spring' } })).toString('latin1');
    expect(text).toContain('feature_names');
    expect(text).toContain('signal_0');
    expect(text).toContain('spring');
  });

  it('logistic regression probabilities match within 1e-5 including NaNs', async () => {
    const model = new LogisticRegression().fit(train);
    const parity = await verifyOnnx(exportLogisticRegressionToOnnx(model), model, test);
    expect(parity.rows).toBe(4000);
    expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('rejects a feature-count mismatch', async () => {
    const model = new LogisticRegression().fit(train);
    const x = { nRows: 1, nFeatures: 3, layout: 'row-major' as const, features: new Float32Array(3) };
    await expect(verifyOnnx(exportLogisticRegressionToOnnx(model), model, x)).rejects.toThrow(/12 features/);
  });
});
