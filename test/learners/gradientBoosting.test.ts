import { describe, expect, it } from 'vitest';
import { HistGradientBoostingClassifier } from '../../src/learners/gradientBoosting';
import { LogisticRegression } from '../../src/learners/logisticRegression';
import { rocAuc, logLoss } from '../../src/learners/metrics';
import { makeSyntheticBinary, sliceRows } from '../../tools/synthetic/gbdtDataset';
import { Dataset } from '../../src/learners/dataset';
import { FeatureBinner } from '../../src/learners/binner';
import { TRAINING_PHASES, TrainingPhaseTimes } from '../../src/learners/trainingPhases';

const { dataset, trueProbability } = makeSyntheticBinary({ nRows: 30_000, nFeatures: 12, seed: 11, missingRate: 0.05 });
const train = sliceRows(dataset, 0, 20_000);
const valid = sliceRows(dataset, 20_000, 30_000);
const validTrue = trueProbability.subarray(20_000);
const small = sliceRows(dataset, 0, 4_000);

describe('HistGradientBoostingClassifier', () => {
  it('beats logistic regression on a non-linear truth and approaches the Bayes AUC', () => {
    const gbdt = new HistGradientBoostingClassifier({ nEstimators: 150, learningRate: 0.1, maxDepth: 4, seed: 1 }).fit(train);
    const lr = new LogisticRegression().fit(train);
    const aucG = rocAuc(valid.labels, gbdt.predictProba(valid));
    const aucL = rocAuc(valid.labels, lr.predictProba(valid));
    const bayes = rocAuc(valid.labels, validTrue);
    expect(aucG).toBeGreaterThan(aucL + 0.03);
    expect(bayes - aucG).toBeLessThan(0.02);
    expect(logLoss(valid.labels, gbdt.predictProba(valid))).toBeLessThan(logLoss(valid.labels, lr.predictProba(valid)));
    // the training loss curve decreases and its last point is the log loss of the fitted model
    expect(gbdt.trainLoss[149]).toBeLessThan(gbdt.trainLoss[0]);
    expect(gbdt.trainLoss[149]).toBeCloseTo(logLoss(train.labels, gbdt.predictProba(train)), 9);
    // signal features dominate importance
    const imp = gbdt.featureImportance();
    const noise = imp.slice(8).reduce((a, b) => a + b, 0);
    expect(noise).toBeLessThan(0.1);
  });

  it('base score is the log-odds of the prior; one tree of depth 1 has 3 nodes', () => {
    const model = new HistGradientBoostingClassifier({ nEstimators: 1, maxDepth: 1 }).fit(small);
    let pos = 0;
    for (const y of small.labels) pos += y;
    expect(model.baseScore).toBeCloseTo(Math.log(pos / (small.nRows - pos)), 6);
    expect(model.trees[0].nNodes).toBe(3);
    expect(model.trees[0].depth).toBe(1);
  });

  it('early stopping stops and keeps the best iteration', () => {
    const model = new HistGradientBoostingClassifier({ nEstimators: 500, learningRate: 0.5, maxDepth: 6, minSamplesLeaf: 2, earlyStoppingRounds: 5, seed: 2 }).fit(small, {
      validation: valid,
    });
    expect(model.iterationsRun).toBeLessThan(500);
    expect(model.iterationsRun).toBe(model.bestIteration + 6);
    expect(model.trees.length).toBe(model.bestIteration + 1);
    const vl = model.validLoss as Float64Array;
    expect(vl[model.bestIteration]).toBe(Math.min(...vl));
  });

  it('is deterministic for a seed with row and feature sampling; seeds differ', () => {
    const params = { nEstimators: 20, maxDepth: 4, subsample: 0.6, colsample: 0.5, seed: 5 };
    const a = new HistGradientBoostingClassifier(params).fit(small).predictRaw(valid);
    const b = new HistGradientBoostingClassifier(params).fit(small).predictRaw(valid);
    const c = new HistGradientBoostingClassifier({ ...params, seed: 6 }).fit(small).predictRaw(valid);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('colsample limits each tree to the sampled features; subsample still learns', () => {
    const model = new HistGradientBoostingClassifier({ nEstimators: 30, maxDepth: 3, colsample: 0.25, subsample: 0.5, seed: 3 }).fit(train);
    for (const t of model.trees) {
      const used = new Set(Array.from(t.feature).filter((f) => f >= 0));
      expect(used.size).toBeLessThanOrEqual(3);
    }
    expect(rocAuc(valid.labels, model.predictProba(valid))).toBeGreaterThan(0.75);
  });

  it('histogram subtraction grows the same trees as building both children', () => {
    const p = { nEstimators: 10, maxDepth: 5, seed: 4 };
    const a = new HistGradientBoostingClassifier({ ...p, histogramSubtraction: true }).fit(small);
    const b = new HistGradientBoostingClassifier({ ...p, histogramSubtraction: false }).fit(small);
    a.trees.forEach((t, i) => {
      expect(Array.from(t.feature)).toEqual(Array.from(b.trees[i].feature));
      expect(Array.from(t.threshold)).toEqual(Array.from(b.trees[i].threshold));
      expect(Array.from(t.missingLeft)).toEqual(Array.from(b.trees[i].missingLeft));
      t.value.forEach((v, k) => expect(v).toBeCloseTo(b.trees[i].value[k], 6));
    });
  });

  it('grows bit-identical models on 1, 2 and 3 threads, with WebAssembly loops or JS (all rows; sampled rows, features and weights)', () => {
    // 60000×41 cells is above the cut-off where worker threads are used; 41 features leave a
    // tail after the 4-feature words; 3 threads take the counting partition path.
    const wide = makeSyntheticBinary({ nRows: 60_000, nFeatures: 41, seed: 9 }).dataset;
    const weights = Float32Array.from({ length: wide.nRows }, (_, i) => 0.5 + (i % 7) / 4);
    const runs = [
      { data: wide, p: { nEstimators: 6, maxDepth: 5, seed: 1 } },
      { data: { ...wide, weights }, p: { nEstimators: 6, maxDepth: 4, maxLeaves: 12, subsample: 0.7, colsample: 0.6, seed: 2 } },
    ];
    for (const { data, p } of runs) {
      // The last model runs the JS loops instead of the WebAssembly ones.
      const models = [1, 2, 3, 2].map((nThreads, i) => new HistGradientBoostingClassifier({ ...p, nThreads, wasmKernels: i < 3 }).fit(data));
      const raws = models.map((m) => m.predictRaw(data));
      for (const k of [1, 2, 3]) {
        expect(Array.from(models[k].trainLoss)).toEqual(Array.from(models[0].trainLoss));
        models[k].trees.forEach((t, i) => {
          expect(Array.from(t.feature)).toEqual(Array.from(models[0].trees[i].feature));
          expect(Array.from(t.value)).toEqual(Array.from(models[0].trees[i].value));
        });
        expect(raws[k]).toEqual(raws[0]);
      }
    }
  });

  it('grows bit-identical models on 1, 2 and 3 threads without histogram subtraction (split search on one node at a time)', () => {
    const wide = makeSyntheticBinary({ nRows: 60_000, nFeatures: 41, seed: 9 }).dataset;
    const p = { nEstimators: 3, maxDepth: 4, histogramSubtraction: false, seed: 3 };
    const models = [1, 2, 3].map((nThreads) => new HistGradientBoostingClassifier({ ...p, nThreads }).fit(wide));
    for (const m of models.slice(1)) {
      m.trees.forEach((t, i) => {
        expect(Array.from(t.feature)).toEqual(Array.from(models[0].trees[i].feature));
        expect(Array.from(t.value)).toEqual(Array.from(models[0].trees[i].value));
      });
    }
  });

  it('bins on its threads exactly as FeatureBinner does on one, from row- or column-major features', () => {
    const { dataset: rm } = makeSyntheticBinary({ nRows: 60_000, nFeatures: 41, seed: 12, missingRate: 0.1 });
    // A low-cardinality and a constant column besides the continuous ones.
    for (let i = 0; i < rm.nRows; i++) {
      rm.features[i * 41 + 9] = i % 7;
      rm.features[i * 41 + 10] = 5;
    }
    const cm: Dataset = { ...rm, layout: 'column-major', features: new Float32Array(rm.features.length) };
    for (let i = 0; i < rm.nRows; i++) for (let f = 0; f < 41; f++) cm.features[f * rm.nRows + i] = rm.features[i * 41 + f];
    const p = { nEstimators: 2, maxDepth: 3, maxBins: 100, binSampleSize: 25_000, seed: 3 };
    const expected = new FeatureBinner({ maxBins: 100, sampleSize: 25_000, seed: 3 }).fit(rm).thresholds.map((t) => Array.from(t));
    const models = [1, 2, 3].flatMap((nThreads) => [rm, cm].map((data) => new HistGradientBoostingClassifier({ ...p, nThreads }).fit(data)));
    for (const m of models) {
      expect(m.binner?.thresholds.map((t) => Array.from(t))).toEqual(expected);
      expect(Array.from(m.trees[1].feature)).toEqual(Array.from(models[0].trees[1].feature));
      expect(Array.from(m.trees[1].value)).toEqual(Array.from(models[0].trees[1].value));
    }
  });

  it('the validation loss, walked and summed on its threads, is the same for any thread count and is the log loss of the model', () => {
    const { dataset } = makeSyntheticBinary({ nRows: 90_000, nFeatures: 30, seed: 13 });
    const tr = sliceRows(dataset, 0, 70_000);
    const va = sliceRows(dataset, 70_000, 90_000);
    const vw = { ...va, weights: Float64Array.from({ length: va.nRows }, (_, i) => 1 + (i % 3)) };
    for (const validation of [va, vw]) {
      const models = [1, 2, 3].map((nThreads) => new HistGradientBoostingClassifier({ nEstimators: 5, maxDepth: 4, seed: 1, nThreads }).fit(tr, { validation }));
      const vl = models[0].validLoss as Float64Array;
      for (const m of models) expect(Array.from(m.validLoss as Float64Array)).toEqual(Array.from(vl));
      // Weighted mean log loss of the final model on the validation rows.
      const proba = models[0].predictProba(validation);
      let sum = 0;
      let wsum = 0;
      for (let i = 0; i < validation.nRows; i++) {
        const w = validation.weights ? validation.weights[i] : 1;
        const y = validation.labels[i];
        sum -= w * (y * Math.log(proba[i]) + (1 - y) * Math.log(1 - proba[i]));
        wsum += w;
      }
      expect(vl[4]).toBeCloseTo(sum / wsum, 10);
    }
  });

  it('reports where the fit spent its time, phase by phase, without changing the model', () => {
    const wide = makeSyntheticBinary({ nRows: 60_000, nFeatures: 41, seed: 9 }).dataset;
    const tr = sliceRows(wide, 0, 50_000);
    const va = sliceRows(wide, 50_000, 60_000);
    const p = { nEstimators: 4, maxDepth: 4, seed: 1 };
    for (const nThreads of [1, 2]) {
      const phases = new TrainingPhaseTimes();
      const a = new HistGradientBoostingClassifier({ ...p, nThreads }).fit(tr, { validation: va, phases });
      const b = new HistGradientBoostingClassifier({ ...p, nThreads }).fit(tr, { validation: va });
      expect(a.predictRaw(va)).toEqual(b.predictRaw(va));
      const s = phases.seconds();
      for (const phase of ['setup', 'binThresholds', 'binRows', 'gradients', 'rootSums', 'histograms', 'splitSearch', 'partitions', 'trainMargins', 'validMargins'] as const) {
        expect(phases.ms[phase], phase).toBeGreaterThan(0);
      }
      expect(phases.ms.sampling).toBe(0);
      const sum = TRAINING_PHASES.reduce((acc, phase) => acc + phases.ms[phase], 0);
      expect(sum).toBeLessThanOrEqual(phases.totalMs);
      expect(s.other).toBeGreaterThanOrEqual(0);
      // One thread never waits for another.
      if (nThreads === 1) expect(phases.waitMs).toBe(0);
      else expect(phases.waitMs).toBeLessThanOrEqual(sum);
    }
  });

  it('TrainingThreads sets the threads (1: the calling thread alone), small data stays on one, the model is the same', () => {
    const saved = process.env.TrainingThreads;
    process.env.TrainingThreads = '1';
    const wide = makeSyntheticBinary({ nRows: 60_000, nFeatures: 41, seed: 9 }).dataset;
    const fit = (data: Dataset): { threads: number; raw: Float64Array } => {
      const phases = new TrainingPhaseTimes();
      const model = new HistGradientBoostingClassifier({ nEstimators: 2, maxDepth: 3 }).fit(data, { phases });
      return { threads: phases.threads, raw: model.predictRaw(data) };
    };
    try {
      expect(new HistGradientBoostingClassifier().params.nThreads).toBe(1);
      const one = fit(wide);
      expect(one.threads).toBe(1);
      process.env.TrainingThreads = '2';
      const two = fit(wide);
      expect(two.threads).toBe(2);
      expect(two.raw).toEqual(one.raw);
      // Small data stays on the calling thread whatever the setting.
      expect(fit(small).threads).toBe(1);
      process.env.TrainingThreads = 'many';
      expect(() => new HistGradientBoostingClassifier()).toThrow(/TrainingThreads/);
    } finally {
      if (saved === undefined) delete process.env.TrainingThreads;
      else process.env.TrainingThreads = saved;
    }
  });

  it('learns a rule that depends on missingness and routes NaN by the learned direction', () => {
    const n = 4_000;
    const features = new Float32Array(n * 2);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const missing = i % 3 === 0;
      features[i * 2] = missing ? NaN : (i % 100) / 100;
      features[i * 2 + 1] = (i * 7919) % 13;
      labels[i] = missing ? (i % 10 < 9 ? 1 : 0) : i % 10 < 1 ? 1 : 0;
    }
    const ds: Dataset = { nRows: n, nFeatures: 2, layout: 'row-major', features, labels };
    const model = new HistGradientBoostingClassifier({ nEstimators: 30, maxDepth: 2, seed: 1 }).fit(ds);
    const q = model.predictProba({ nRows: 2, nFeatures: 2, layout: 'row-major', features: Float32Array.from([NaN, 3, 0.5, 3]) });
    expect(q[0]).toBeGreaterThan(0.8);
    expect(q[1]).toBeLessThan(0.2);
  });

  it('maxLeaves grows best-first trees with at most that many leaves', () => {
    const model = new HistGradientBoostingClassifier({ nEstimators: 5, maxDepth: 8, maxLeaves: 5, minSamplesLeaf: 5 }).fit(small);
    for (const t of model.trees) expect(t.nLeaves).toBe(5);
    expect(Math.max(...model.trees.map((t) => t.depth))).toBeGreaterThan(2);
  });

  it('sample weights act like repeated rows', () => {
    const n = 600;
    const features = new Float32Array(n * 2);
    const labels = new Uint8Array(n);
    const weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      features[2 * i] = i % 10;
      features[2 * i + 1] = (i * 7) % 5;
      labels[i] = (i % 10) + ((i * 7) % 5) > 6 === (i % 13 !== 0) ? 1 : 0;
      weights[i] = 1 + (i % 3);
    }
    const rep: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < weights[i]; k++) rep.push(i);
    const dup: Dataset = {
      nRows: rep.length,
      nFeatures: 2,
      layout: 'row-major',
      features: Float32Array.from(rep.flatMap((i) => [features[2 * i], features[2 * i + 1]])),
      labels: Uint8Array.from(rep.map((i) => labels[i])),
    };
    const p = { nEstimators: 10, maxDepth: 3, minSamplesLeaf: 1, seed: 1 };
    const a = new HistGradientBoostingClassifier(p).fit({ nRows: n, nFeatures: 2, layout: 'row-major', features, labels, weights });
    const b = new HistGradientBoostingClassifier(p).fit(dup);
    const x = { nRows: n, nFeatures: 2, layout: 'row-major' as const, features };
    const pa = a.predictRaw(x);
    const pb = b.predictRaw(x);
    for (let i = 0; i < n; i++) expect(pa[i]).toBeCloseTo(pb[i], 5);
  });

  it('bad input errors name the problem', () => {
    const est = new HistGradientBoostingClassifier({ nEstimators: 2 });
    const base = { nRows: 3, nFeatures: 1, layout: 'row-major' as const, features: Float32Array.from([1, 2, 3]) };
    expect(() => est.fit({ ...base, labels: Uint8Array.from([0, 1]) })).toThrow(/labels has length 2, expected nRows = 3/);
    expect(() => est.fit({ ...base, labels: Uint8Array.from([1, 1, 1]) })).toThrow(/only one class/);
    expect(() => est.fit({ ...base, nRows: 0, features: new Float32Array(0), labels: new Uint8Array(0) })).toThrow(/empty/);
    expect(() => est.fit({ ...base, labels: Float32Array.from([0, 0.5, 1]) })).toThrow(/must be 0 or 1/);
    expect(() => est.fit({ ...base, labels: Uint8Array.from([0, 1, 1]), weights: Float64Array.from([1, -1, 1]) })).toThrow(/weight at row 1/);
    expect(() => new HistGradientBoostingClassifier({ learningRate: 0 })).toThrow(/learningRate/);
    expect(() => new HistGradientBoostingClassifier({ earlyStoppingRounds: 3 }).fit(small)).toThrow(/validation/);
    const model = new HistGradientBoostingClassifier({ nEstimators: 1 }).fit(small);
    expect(() => model.predictProba(base)).toThrow(/expects 12 features, got 1/);
  });
});

describe('LogisticRegression', () => {
  it('recovers a linear truth', () => {
    const n = 20_000;
    const features = new Float32Array(n * 2);
    const labels = new Uint8Array(n);
    let s = 1;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      const a = rnd() * 4 - 2;
      const b = rnd() * 10 + 100;
      features[i * 2] = a;
      features[i * 2 + 1] = b;
      labels[i] = rnd() < 1 / (1 + Math.exp(-(1.5 * a - 0.5 * (b - 105)))) ? 1 : 0;
    }
    const model = new LogisticRegression({ l2: 0 }).fit({ nRows: n, nFeatures: 2, layout: 'row-major', features, labels });
    expect(model.converged).toBe(true);
    // raw-scale slope = standardised coefficient × invStd
    expect(model.coefficients[0] * model.invStd[0]).toBeCloseTo(1.5, 0);
    expect(model.coefficients[1] * model.invStd[1]).toBeCloseTo(-0.5, 0);
    const p = model.predictProba({ nRows: 1, nFeatures: 2, layout: 'row-major', features: Float32Array.from([0, 105]) });
    expect(p[0]).toBeGreaterThan(0.4);
    expect(p[0]).toBeLessThan(0.6);
    // NaN is imputed with the mean (= standardised 0)
    const q = model.predictRaw({ nRows: 1, nFeatures: 2, layout: 'row-major', features: Float32Array.from([NaN, NaN]) });
    expect(q[0]).toBeCloseTo(model.intercept, 6);
  });

  it('rejects one-class data', () => {
    expect(() => new LogisticRegression().fit({ nRows: 2, nFeatures: 1, layout: 'row-major', features: Float32Array.from([1, 2]), labels: Uint8Array.from([0, 0]) })).toThrow(/only one class/);
  });
});
