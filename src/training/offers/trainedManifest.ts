// The manifest of a model this pipeline trained: the contract its rows were built with, the
// headline metrics (including the DR estimate later runs compare against), the training range and
// a probe row whose score the scorer must reproduce before serving the model.
import type { FeatureContract } from '../../features/featureContract';
import type { ManifestInput } from '../../models/modelManifest';
import type { BinaryMetrics } from '../../learners/metrics';
import type { PolicyEvaluation } from './policyEvaluation';
import { POLICY_VALUE_METRIC } from './registryAccess';
import type { TrainingRunReport } from './trainingRunReport';

export const PRODUCER = 'src/training (histogram GBDT, src/learners)';

export interface TrainedManifestInput {
  createdAt: Date;
  contract: FeatureContract;
  /** Issue times covered (first and last decision, or the requested range). */
  from: Date;
  to: Date;
  rows: number;
  source: string;
  metrics: Record<string, number>;
  probe?: { row: Float32Array; expected: number };
}

export function trainedManifest(m: TrainedManifestInput): Omit<ManifestInput, 'sha256' | 'name' | 'version'> {
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.metrics)) if (Number.isFinite(v)) metrics[k] = v;
  return {
    schemaVersion: 1,
    createdAt: m.createdAt.toISOString(),
    features: m.contract,
    inputName: 'features',
    output: { kind: 'probability', name: 'probability', positiveIndex: 1, positiveLabel: 1 },
    metrics,
    trainingData: { from: m.from.toISOString(), to: m.to.toISOString(), rows: m.rows, source: m.source.slice(0, 1024) },
    producer: PRODUCER,
    ...(m.probe ? { probe: { row: Array.from(m.probe.row), expected: m.probe.expected, tolerance: 1e-4 } } : {}),
  };
}

/**
 * The headline figures kept in the manifest (the dashboard lists them). `referencePolicyValue` is
 * what the promotion gate compared with on the same validation decisions (the current model's DR
 * value, `currentPolicyValueDr`, when it could be evaluated; else the logging policy's observed
 * value) and `policyValueDrGain` the paired difference.
 */
export function manifestMetrics(
  validation: { model: BinaryMetrics; baseline: BinaryMetrics | null; onnxParityMaxAbsDiff: number },
  evaluation: Pick<PolicyEvaluation, 'greedy' | 'epsilonGreedy' | 'logging'>,
  comparison: NonNullable<TrainingRunReport['policyComparison']>,
  counts: { trainDecisions: number; validationDecisions: number },
): Record<string, number> {
  const dr = evaluation.greedy.dr;
  return {
    auc: validation.model.auc,
    logLoss: validation.model.logLoss,
    brier: validation.model.brier,
    ...(validation.baseline ? { baselineAuc: validation.baseline.auc, baselineLogLoss: validation.baseline.logLoss } : {}),
    ...(dr ? { [POLICY_VALUE_METRIC]: dr.value, policyValueDrLower: dr.lower, policyValueDrUpper: dr.upper } : {}),
    policyValueIps: evaluation.greedy.ips.value,
    policyValueSnips: evaluation.greedy.snips.value,
    ...(evaluation.epsilonGreedy.dr ? { policyValueEpsilonGreedyDr: evaluation.epsilonGreedy.dr.value } : {}),
    loggingPolicyValue: evaluation.logging.value,
    ...(comparison.reference === 'current model' ? { currentPolicyValueDr: comparison.referenceValue.value } : {}),
    referencePolicyValue: comparison.referenceValue.value,
    policyValueDrGain: comparison.difference.value,
    policyValueDrGainLower: comparison.difference.lower,
    onnxParityMaxAbsDiff: validation.onnxParityMaxAbsDiff,
    ...counts,
  };
}

