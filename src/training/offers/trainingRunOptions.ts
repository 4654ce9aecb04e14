// The public shape of a training run (re-exported by index.ts). Extend only with optional fields.
import type { ModelIntegritySettings } from '../../config/modelIntegritySettings';
import type { ContainerClient } from '@azure/storage-blob';
import type { FeatureContract } from '../../features/featureContract';
import type { HistGradientBoostingParams } from '../../learners/gradientBoosting';
import type { ContractOptions } from './deriveFeatureContract';
import type { TrainingRunReport } from './trainingRunReport';
import type { JoinedDecision } from './rewardJoin';

import type { TrainingProgress } from '../trainingProgress';

export type { TrainingProgress };

export interface TrainingRunOptions {
  /** Registry name, e.g. 'offer-ranker'. */
  modelName: string;
  archive: { container: ContainerClient } | { folder: string };
  /** The models blob container. */
  registry: ContainerClient;
  /** Signs what the run registers (ModelSigningKeys) and bounds what it loads; default: unsigned. */
  integrity?: ModelIntegritySettings;
  /** Decision issue-time range [from, to); default: everything. */
  from?: Date;
  to?: Date;
  /** Default true (still gated). */
  promote?: boolean;
  gates?: {
    minDecisions?: number;
    minPositives?: number;
    policyValueMargin?: number;
    /** Largest share of decision events that may be malformed or unparsable. Default 0.01. */
    maxMalformedShare?: number;
  };
  gbdt?: Partial<HistGradientBoostingParams>;
  now?: () => Date;
  progress?: (p: TrainingProgress) => void;
  log?: (line: string) => void;
  /** Latest share of decisions (by issue time) held out for evaluation. Default 0.2. */
  validationFraction?: number;
  /** Latest share of the training part used for early stopping. Default 0.1. */
  earlyStoppingFraction?: number;
  /** A fixed contract, or the current model's; default: derived from the training decisions. */
  contract?: FeatureContract | 'current';
  contractOptions?: ContractOptions;
  /**
   * Learn only from decisions of these endpoints (e.g. ['rank'] for a model of the Personalizer
   * API's traffic alone); default: every decision. Decisions without a source count as 'rank'.
   */
  sources?: readonly ('rank' | 'offers' | 'recommendations')[];
  /**
   * Continuous learning: stop (rejected, nothing registered) when no usable decision was issued
   * at or after this time, so an idle shop does not fill the registry with retrains of the same data.
   */
  newDecisionsSince?: Date;
  /**
   * Called with the window's joined decisions (sorted by issue time) once the rewards are joined,
   * before any data gate: continuous learning computes Apprentice mode's metrics from them.
   */
  onJoined?: (joined: readonly JoinedDecision[]) => void;
}

export interface TrainingRunResult {
  status: 'promoted' | 'registered' | 'rejected';
  version?: string;
  /** Why not promoted / rejected. */
  reason?: string;
  /** Also written as report.json next to the model. */
  report: TrainingRunReport;
}
