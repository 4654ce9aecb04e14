import { describe, expect, it } from 'vitest';
import { trainBinaryModel } from '../../src/training/trainBinaryModel';
import { makeSyntheticBinary, sliceRows } from '../../tools/synthetic/gbdtDataset';
import { createOnnxSession, runOnnxProbability } from '../../src/onnx';

describe('trainBinaryModel', () => {
  it('returns a model, verified ONNX bytes for it and the baseline, and a report', async () => {
    const { dataset } = makeSyntheticBinary({ nRows: 6_000, nFeatures: 10, seed: 21 });
    const train = sliceRows(dataset, 0, 4_500);
    const validation = sliceRows(dataset, 4_500, 6_000);
    const result = await trainBinaryModel({
      train,
      validation,
      gbdt: { nEstimators: 300, maxDepth: 3, learningRate: 0.3, earlyStoppingRounds: 10, seed: 1 },
      metadata: { model_version: '42' },
    });
    const r = result.report;
    expect(r.trees).toBe(r.bestIteration + 1);
    expect(r.iterationsRun).toBeLessThan(300);
    expect(r.onnx.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(r.onnx.parityRows).toBe(1_500);
    expect(r.onnx.bytes).toBe(result.onnx.length);
    expect(r.validation.auc).toBeGreaterThan(r.baseline!.validation.auc);
    expect(r.validation.calibration).toHaveLength(10);
    expect(r.featureImportance[0].feature).toMatch(/^signal_/);
    expect(r.validLoss).toHaveLength(r.iterationsRun);
    const session = await createOnnxSession(result.baseline!.onnx);
    const { probability } = await runOnnxProbability(session, validation);
    const ts = result.baseline!.model.predictProba(validation);
    expect(Math.abs(probability[7] - ts[7])).toBeLessThan(1e-5);
    await session.release();
  });

  it('rejects an empty validation set with a clear error', async () => {
    const { dataset } = makeSyntheticBinary({ nRows: 100, nFeatures: 10, seed: 1 });
    await expect(trainBinaryModel({ train: dataset, validation: sliceRows(dataset, 0, 0) })).rejects.toThrow(/validation set: is empty/);
  });
});
