// The campaign model is chosen by measurement: the GBDT, the logistic baseline and a random
// forest are trained on the same time split, each exported to ONNX and checked against
// onnxruntime, and the one with the best validation AUC wins (log loss breaks a tie), as the
// campaign-optimization templates compare a random forest with boosted trees.
import { exportRandomForestToOnnx, verifyOnnx } from '../../onnx';
import type { Dataset, FeatureMatrix } from '../../learners/dataset';
import { evaluateBinary, type BinaryMetrics } from '../../learners/metrics';
import { RandomForestClassifier, type RandomForestParams } from '../../learners/randomForest';
import { OnnxParityError, type TrainBinaryModelResult } from '../trainBinaryModel';

export const CANDIDATE_NAMES = ['gbdt', 'random-forest', 'logistic'] as const;
export type CandidateName = (typeof CANDIDATE_NAMES)[number];

/** Sized for 100k leads / 500k touches: a forest of 60 trees on up to 200k drawn rows each. */
export const CAMPAIGN_FOREST_DEFAULTS: RandomForestParams = {
  nEstimators: 60,
  maxDepth: 12,
  minSamplesLeaf: 50,
  maxSamples: 200_000,
  seed: 1,
};

export interface CandidateReport {
  name: CandidateName;
  validationAuc: number;
  validationLogLoss: number;
  trainSeconds: number;
  /** Trees of the model (0 for the logistic baseline). */
  trees: number;
  onnxParityMaxAbsDiff: number;
}

export interface Candidate extends CandidateReport {
  onnx: Uint8Array;
  metrics: BinaryMetrics;
  predict: (x: FeatureMatrix) => Float64Array;
}

/** The GBDT and the baseline trainBinaryModel trained, as candidates. */
export function candidatesOfBinaryModel(result: TrainBinaryModelResult): Candidate[] {
  const r = result.report;
  const out: Candidate[] = [{
    name: 'gbdt', validationAuc: r.validation.auc, validationLogLoss: r.validation.logLoss, trainSeconds: r.trainSeconds, trees: r.trees,
    onnxParityMaxAbsDiff: r.onnx.parityMaxAbsDiff, onnx: result.onnx, metrics: r.validation, predict: (x) => result.model.predictProba(x),
  }];
  if (result.baseline && r.baseline) {
    const lr = result.baseline.model;
    out.push({
      name: 'logistic', validationAuc: r.baseline.validation.auc, validationLogLoss: r.baseline.validation.logLoss, trainSeconds: r.baseline.trainSeconds, trees: 0,
      onnxParityMaxAbsDiff: r.baseline.onnx.parityMaxAbsDiff, onnx: result.baseline.onnx, metrics: r.baseline.validation, predict: (x) => lr.predictProba(x),
    });
  }
  return out;
}

export async function trainForestCandidate(
  train: Dataset,
  validation: Dataset,
  opts: { params?: RandomForestParams; metadata?: Record<string, string>; tolerance?: number; onTree?: (tree: number, trees: number) => void } = {},
): Promise<Candidate> {
  const started = performance.now();
  const model = new RandomForestClassifier({ ...CAMPAIGN_FOREST_DEFAULTS, ...opts.params }).fit(train, { onTree: (p) => opts.onTree?.(p.tree, p.trees) });
  const trainSeconds = (performance.now() - started) / 1000;
  const onnx = exportRandomForestToOnnx(model, { metadata: opts.metadata });
  const parity = await verifyOnnx(onnx, model, validation);
  const tolerance = opts.tolerance ?? 1e-5;
  if (!(parity.maxAbsDiff <= tolerance)) throw new OnnxParityError('random forest', parity.maxAbsDiff, tolerance);
  const metrics = evaluateBinary(validation.labels, model.predictProba(validation), validation.weights);
  return {
    name: 'random-forest', validationAuc: metrics.auc, validationLogLoss: metrics.logLoss, trainSeconds, trees: model.trees.length,
    onnxParityMaxAbsDiff: parity.maxAbsDiff, onnx, metrics, predict: (x) => model.predictProba(x),
  };
}

/** Best validation AUC; on equal AUC the lower log loss; then the order given. */
export function chooseCandidate(candidates: readonly Candidate[]): { chosen: Candidate; reason: string } {
  if (candidates.length === 0) throw new RangeError('chooseCandidate: no candidates');
  const chosen = candidates.reduce((best, c) => (c.validationAuc > best.validationAuc || (c.validationAuc === best.validationAuc && c.validationLogLoss < best.validationLogLoss) ? c : best));
  const others = candidates.filter((c) => c !== chosen);
  const fmt = (c: CandidateReport) => `${c.name} ${c.validationAuc.toFixed(4)}`;
  const reason = others.length === 0
    ? `${chosen.name} was the only candidate (validation AUC ${chosen.validationAuc.toFixed(4)})`
    : `${chosen.name} has the best validation AUC, ${chosen.validationAuc.toFixed(4)}, against ${others.map(fmt).join(', ')} on the same validation touches` +
      (others.some((o) => o.validationAuc === chosen.validationAuc) ? ' (equal AUC: lower log loss wins)' : '');
  return { chosen, reason };
}

export const candidateReport = (c: Candidate): CandidateReport => ({
  name: c.name, validationAuc: c.validationAuc, validationLogLoss: c.validationLogLoss, trainSeconds: c.trainSeconds, trees: c.trees, onnxParityMaxAbsDiff: c.onnxParityMaxAbsDiff,
});
