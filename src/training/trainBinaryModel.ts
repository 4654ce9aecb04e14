// One call for callers (model registry, training job): features in → GBDT + ONNX bytes + report out.
import { exportGradientBoostingToOnnx, exportLogisticRegressionToOnnx, verifyOnnx } from '../onnx';
import { Dataset, validateDataset } from '../learners/dataset';
import { FittedGradientBoosting, HistGradientBoostingClassifier, HistGradientBoostingParams, IterationInfo } from '../learners/gradientBoosting';
import { FittedLogisticRegression, LogisticRegression, LogisticRegressionParams } from '../learners/logisticRegression';
import { BinaryMetrics, evaluateBinary } from '../learners/metrics';
import type { TrainingPhaseTimes } from '../learners/trainingPhases';

export interface TrainBinaryModelRequest {
  train: Dataset;
  /** Later-in-time rows: early stopping, metrics and the ONNX parity check. */
  validation: Dataset;
  gbdt?: HistGradientBoostingParams;
  /** Baseline parameters; false skips the baseline. */
  baseline?: LogisticRegressionParams | false;
  /** Extra ONNX metadata_props. */
  metadata?: Record<string, string>;
  /** Max |ONNX − TypeScript| probability allowed. Default 1e-5. */
  parityTolerance?: number;
  onIteration?: (info: IterationInfo) => void;
  /** Filled with the GBDT fit's wall time per phase (the benches print it). */
  phases?: TrainingPhaseTimes;
}

export interface OnnxArtifactReport {
  bytes: number;
  parityMaxAbsDiff: number;
  parityRows: number;
}

export interface TrainingReport {
  trainRows: number;
  validationRows: number;
  featureNames: readonly string[];
  params: HistGradientBoostingClassifier['params'];
  trees: number;
  iterationsRun: number;
  bestIteration: number;
  trainSeconds: number;
  trainLoss: number[];
  validLoss: number[];
  validation: BinaryMetrics;
  featureImportance: { feature: string; gain: number }[];
  onnx: OnnxArtifactReport;
  baseline?: { validation: BinaryMetrics; trainSeconds: number; onnx: OnnxArtifactReport };
}

export interface TrainBinaryModelResult {
  model: FittedGradientBoosting;
  onnx: Uint8Array;
  baseline?: { model: FittedLogisticRegression; onnx: Uint8Array };
  report: TrainingReport;
}

export class OnnxParityError extends Error {
  constructor(what: string, diff: number, tolerance: number) {
    super(`${what}: ONNX and TypeScript probabilities differ by ${diff} (> ${tolerance})`);
    this.name = 'OnnxParityError';
  }
}

export async function trainBinaryModel(req: TrainBinaryModelRequest): Promise<TrainBinaryModelResult> {
  validateDataset(req.validation, 'validation set');
  const tolerance = req.parityTolerance ?? 1e-5;
  const started = performance.now();
  const estimator = new HistGradientBoostingClassifier(req.gbdt);
  const model = estimator.fit(req.train, { validation: req.validation, onIteration: req.onIteration, phases: req.phases });
  const trainSeconds = (performance.now() - started) / 1000;
  const onnx = exportGradientBoostingToOnnx(model, { metadata: req.metadata });
  const parity = await verifyOnnx(onnx, model, req.validation);
  if (!(parity.maxAbsDiff <= tolerance)) throw new OnnxParityError('GBDT', parity.maxAbsDiff, tolerance);

  const { labels, weights } = req.validation;
  const importance = model.featureImportance();
  const report: TrainingReport = {
    trainRows: req.train.nRows,
    validationRows: req.validation.nRows,
    featureNames: model.featureNames,
    params: estimator.params,
    trees: model.trees.length,
    iterationsRun: model.iterationsRun,
    bestIteration: model.bestIteration,
    trainSeconds,
    trainLoss: Array.from(model.trainLoss),
    validLoss: Array.from(model.validLoss ?? []),
    validation: evaluateBinary(labels, model.predictProba(req.validation), weights),
    featureImportance: model.featureNames.map((feature, f) => ({ feature, gain: importance[f] })).sort((a, b) => b.gain - a.gain),
    onnx: { bytes: onnx.length, parityMaxAbsDiff: parity.maxAbsDiff, parityRows: parity.rows },
  };

  let baseline: TrainBinaryModelResult['baseline'];
  if (req.baseline !== false) {
    const t0 = performance.now();
    const lr = new LogisticRegression(req.baseline ?? {}).fit(req.train);
    const lrSeconds = (performance.now() - t0) / 1000;
    const lrOnnx = exportLogisticRegressionToOnnx(lr, { metadata: req.metadata });
    const lrParity = await verifyOnnx(lrOnnx, lr, req.validation);
    if (!(lrParity.maxAbsDiff <= tolerance)) throw new OnnxParityError('logistic regression', lrParity.maxAbsDiff, tolerance);
    baseline = { model: lr, onnx: lrOnnx };
    report.baseline = {
      validation: evaluateBinary(labels, lr.predictProba(req.validation), weights),
      trainSeconds: lrSeconds,
      onnx: { bytes: lrOnnx.length, parityMaxAbsDiff: lrParity.maxAbsDiff, parityRows: lrParity.rows },
    };
  }
  return { model, onnx, baseline, report };
}
