// The random forest: learns a non-linear truth better than the logistic baseline, is
// reproducible by seed, honours its limits, and its ONNX export gives the same probabilities in
// onnxruntime-node (≤ 1e-5) and decodes into the flat ensemble the campaign scorer walks.
import { describe, expect, it } from 'vitest';
import { RandomForestClassifier } from '../../src/learners/randomForest';
import { LogisticRegression } from '../../src/learners/logisticRegression';
import { logLoss, rocAuc } from '../../src/learners/metrics';
import { rowMajorSlice } from '../../src/learners/dataset';
import { decodeTreeEnsemble, exportRandomForestToOnnx, verifyOnnx } from '../../src/onnx';
import { makeSyntheticBinary, sliceRows } from '../../tools/synthetic/gbdtDataset';

const { dataset, trueProbability } = makeSyntheticBinary({ nRows: 24_000, nFeatures: 12, seed: 7, missingRate: 0.05 });
const train = sliceRows(dataset, 0, 16_000);
const valid = sliceRows(dataset, 16_000, 24_000);

describe('RandomForestClassifier', () => {
  const forest = new RandomForestClassifier({ nEstimators: 40, maxDepth: 10, minSamplesLeaf: 10, seed: 3 }).fit(train);

  it('beats logistic regression on a non-linear truth and is calibrated enough to beat it on log loss', () => {
    const lr = new LogisticRegression().fit(train);
    const aucF = rocAuc(valid.labels, forest.predictProba(valid));
    const aucL = rocAuc(valid.labels, lr.predictProba(valid));
    const bayes = rocAuc(valid.labels, trueProbability.subarray(16_000));
    expect(aucF).toBeGreaterThan(aucL + 0.02);
    expect(bayes - aucF).toBeLessThan(0.06);
    expect(logLoss(valid.labels, forest.predictProba(valid))).toBeLessThan(logLoss(valid.labels, lr.predictProba(valid)));
    const imp = forest.featureImportance();
    expect(imp.slice(8).reduce((a, b) => a + b, 0)).toBeLessThan(0.2);
  });

  it('grows the asked number of trees within the depth and leaf limits, the same trees for the same seed', () => {
    expect(forest.trees).toHaveLength(40);
    expect(Math.max(...forest.trees.map((t) => t.depth))).toBeLessThanOrEqual(10);
    for (const t of forest.trees) for (let i = 0; i < t.nNodes; i++) if (t.feature[i] < 0) expect(t.cover[i]).toBeGreaterThanOrEqual(10);
    const small = sliceRows(dataset, 0, 3000);
    const a = new RandomForestClassifier({ nEstimators: 5, seed: 9 }).fit(small).predictProba(valid);
    const b = new RandomForestClassifier({ nEstimators: 5, seed: 9 }).fit(small).predictProba(valid);
    const c = new RandomForestClassifier({ nEstimators: 5, seed: 10 }).fit(small).predictProba(valid);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(() => new RandomForestClassifier({ nEstimators: 0 })).toThrow(/nEstimators/);
    expect(() => new RandomForestClassifier({ maxFeatures: 1.5 })).toThrow(/maxFeatures/);
  });

  it('exports to ONNX that onnxruntime scores within 1e-5 of the TypeScript forest, missing values included', async () => {
    const onnx = exportRandomForestToOnnx(forest, { metadata: { model_name: 'rf-test' } });
    const parity = await verifyOnnx(onnx, forest, valid);
    expect(parity.rows).toBe(valid.nRows);
    expect(parity.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    const decoded = decodeTreeEnsemble(onnx, valid.nFeatures);
    expect(decoded.nTrees).toBe(40);
    const row = rowMajorSlice(valid, 0, 1);
    expect(decoded.predictProba(row, 1)[0]).toBeCloseTo(forest.predictProba(sliceRows(valid, 0, 1))[0], 5);
  });
});
