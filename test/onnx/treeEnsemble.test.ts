// One flat tree type on the ONNX side: the fitted GBDT converts to it, the exporter writes from
// it, and decoding the exported bytes gives the same ensemble back, which scores like the fitted
// model.
import { describe, expect, it } from 'vitest';
import { HistGradientBoostingClassifier } from '../../src/learners/gradientBoosting';
import { LogisticRegression } from '../../src/learners/logisticRegression';
import { makeSyntheticBinary, sliceRows } from '../../tools/synthetic/gbdtDataset';
import { decodeTreeEnsemble, TreeDecodeError } from '../../src/onnx/decodeTreeEnsemble';
import { exportGradientBoostingToOnnx, treeEnsembleRegressorNode } from '../../src/onnx/exportGradientBoosting';
import { exportLogisticRegressionToOnnx } from '../../src/onnx/exportLogisticRegression';
import { LEAF, TreeEnsemble, treeEnsembleOfFitted } from '../../src/onnx/treeEnsemble';

describe('TreeEnsemble: fitted → flat → ONNX → decoded', () => {
  const { dataset } = makeSyntheticBinary({ nRows: 4_000, nFeatures: 12, seed: 5, missingRate: 0.1 });
  const train = sliceRows(dataset, 0, 3_000);
  const test = sliceRows(dataset, 3_000, 4_000);
  const model = new HistGradientBoostingClassifier({ nEstimators: 25, maxDepth: 4, learningRate: 0.2, seed: 3 }).fit(train);

  it('the conversion keeps every tree, node for node', () => {
    const trees = treeEnsembleOfFitted(model);
    expect(trees.nTrees).toBe(model.trees.length);
    expect(trees.nNodes).toBe(model.trees.reduce((k, t) => k + t.nNodes, 0));
    expect(trees.baseScore).toBe(model.baseScore);
    const t = model.trees[3];
    const root = trees.roots[3];
    for (let i = 0; i < t.nNodes; i++) {
      if (t.feature[i] < 0) {
        expect(trees.feature[root + i]).toBe(LEAF);
        expect(trees.value[root + i]).toBe(t.value[i]);
      } else {
        expect([trees.feature[root + i], trees.threshold[root + i], trees.missingTrue[root + i]]).toEqual([t.feature[i], t.threshold[i], t.missingLeft[i]]);
        expect([trees.trueNode[root + i] - root, trees.falseNode[root + i] - root]).toEqual([t.left[i], t.right[i]]);
      }
    }
  });

  it('decoding the exported model gives the ensemble the exporter wrote from', () => {
    const decoded = decodeTreeEnsemble(exportGradientBoostingToOnnx(model), 12);
    expect(decoded).toEqual(treeEnsembleOfFitted(model));
  });

  it('scores like the fitted model, NaNs included', () => {
    const trees = treeEnsembleOfFitted(model);
    const expected = model.predictRaw(test);
    let nans = 0;
    for (let i = 0; i < test.nRows; i++) {
      for (let f = 0; f < 12; f++) if (test.features[i * 12 + f] !== test.features[i * 12 + f]) nans++;
      expect(trees.margin(test.features, i * 12)).toBe(expected[i]);
    }
    expect(nans).toBeGreaterThan(100);
  });

  it('the exporter refuses an ensemble whose trees are not stored one after another', () => {
    const { roots, feature, threshold, trueNode, falseNode, missingTrue, value } = treeEnsembleOfFitted(model);
    const swapped = new TreeEnsemble({ roots: Int32Array.from(roots).reverse(), feature, threshold, trueNode, falseNode, missingTrue, value, baseScore: 0, nFeatures: 12 });
    expect(() => treeEnsembleRegressorNode(swapped, ['x'], ['y'])).toThrow(RangeError);
  });

  it('the decoder refuses what the GBDT exporter does not write', () => {
    const lr = new LogisticRegression({ maxIter: 5 }).fit(train);
    expect(() => decodeTreeEnsemble(exportLogisticRegressionToOnnx(lr), 12)).toThrow(TreeDecodeError);
    expect(() => decodeTreeEnsemble(Uint8Array.from([0xff, 0xff, 0xff]), 12)).toThrow(TreeDecodeError);
    expect(() => decodeTreeEnsemble(exportGradientBoostingToOnnx(model), 5)).toThrow(/splits on feature/);
  });
});
