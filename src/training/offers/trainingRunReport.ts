// The machine-readable record of one training run: returned by runTraining and written as
// <name>/<version>/report.json next to a registered model.
import type { BinaryMetrics } from '../../learners/metrics';
import type { Estimate, OffPolicyReport } from '../../learners/offPolicy';
import type { TrainingReport } from '../trainBinaryModel';
import type { PolicyEvaluation } from './policyEvaluation';
import type { ArchiveStats } from './readLoggedEvents';
import type { JoinStats } from './rewardJoin';
import type { GateResult } from './trainingGates';

export type TrainingStatus = 'promoted' | 'registered' | 'rejected';

export interface TrainingRunReport {
  schemaVersion: 1;
  modelName: string;
  version: string | null;
  status: TrainingStatus;
  reason: string | null;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  /** Requested decision issue-time range and the `now` the reward windows were closed against. */
  range: { from: string | null; to: string | null; now: string };
  /** The model `current` named when the run started: the promotion reference and ETag guard. */
  currentModel: {
    version: string | null;
    /** DR estimate its own training run recorded (on that run's validation decisions). */
    recordedPolicyValue: number | null;
    /** The current model scored with its own ONNX and contract on this run's validation decisions. */
    onValidation: { greedy: OffPolicyReport; epsilonGreedy: OffPolicyReport; matchesLoggedAction: number; columns: number } | null;
    /** Why it could not be read or evaluated (the gate then compares with the logging policy). */
    problem?: string;
  };
  /** What the policy gate compared: the new model's DR and the reference on the same validation decisions. */
  policyComparison: {
    reference: 'current model' | 'logging policy';
    source: string;
    decisions: number;
    newValue: Estimate;
    referenceValue: Estimate;
    /** New minus reference, paired over the decisions. */
    difference: Estimate;
    margin: number;
    passed: boolean;
  } | null;
  archive: ArchiveStats | null;
  join: JoinStats | null;
  /** Issue time of the newest usable decision (continuous learning's "anything new?" mark). */
  newestDecision: string | null;
  labels: {
    rule: string;
    /** Σ of the [0, 1] labels. */
    positives: number;
    negatives: number;
    /** Decisions whose label is strictly between 0 and 1 (two weighted rows each). */
    softLabelDecisions: number;
    meanReward: number;
  } | null;
  split: {
    validationFraction: number;
    earlyStoppingFraction: number;
    trainDecisions: number;
    earlyStoppingDecisions: number;
    validationDecisions: number;
    /** Issue time of the first early-stopping and the first validation decision. */
    earlyStoppingFrom: string;
    validationFrom: string;
    trainRows: number;
    validationRows: number;
  } | null;
  contract: { source: 'derived' | 'given' | 'current model'; features: number; columns: number; columnNames: string[] } | null;
  /** The trainer's report (its validation is the early-stopping part). */
  training: TrainingReport | null;
  /** Metrics of the new model and the logistic-regression baseline on the held-out validation decisions. */
  validation: {
    model: BinaryMetrics;
    baseline: BinaryMetrics | null;
    /** Max |onnxruntime − TypeScript| probability over every validation row. */
    onnxParityMaxAbsDiff: number;
    onnxParityRows: number;
  } | null;
  /** Off-policy evaluation on the validation decisions; `estimates` is what the dashboard lists. */
  offPolicy: (Omit<PolicyEvaluation, 'estimates'> & { policy: string; estimates: PolicyEvaluation['estimates'] }) | null;
  gates: GateResult[];
  promotion: { requested: boolean; attempted: boolean; promoted: boolean; reason: string | null; promotedAt: string | null };
  /** Wall-clock seconds per step. */
  steps: { step: string; seconds: number }[];
}

export function emptyReport(modelName: string, startedAt: Date, range: TrainingRunReport['range'], promote: boolean): TrainingRunReport {
  return {
    schemaVersion: 1,
    modelName,
    version: null,
    status: 'rejected',
    reason: null,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    durationSeconds: 0,
    range,
    currentModel: { version: null, recordedPolicyValue: null, onValidation: null },
    policyComparison: null,
    archive: null,
    join: null,
    newestDecision: null,
    labels: null,
    split: null,
    contract: null,
    training: null,
    validation: null,
    offPolicy: null,
    gates: [],
    promotion: { requested: promote, attempted: false, promoted: false, reason: null, promotedAt: null },
    steps: [],
  };
}
