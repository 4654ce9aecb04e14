// Offline evaluations, stored durably as documents of the Personalizer API's Cosmos DB container
// (PersonalizerContainer, beside the configuration; kind "evaluation", the document
// {id: documentIdOf(evaluationId), kind, ...EvaluationRecord, updatedAt}) through the API's one job
// store (../jobs/jobStore.ts): run under a lease, taken over by the resumePersonalizerJobs timer when
// its instance stops, Failed after MAX_ATTEMPTS starts.
import crypto from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { JobStore, type JobLease, type JobType } from '../jobs/jobStore';

export const EVALUATION_KIND = 'evaluation';

/** The last two end an automatic evaluation (auto-optimization): its best settings applied, or the online ones kept. */
export type EvaluationStatus = 'NotSubmitted' | 'Running' | 'Succeeded' | 'Failed' | 'OptimalPolicyApplied' | 'OnlinePolicyRetained';
export const FINISHED_WITH_RESULTS: readonly EvaluationStatus[] = ['Succeeded', 'OptimalPolicyApplied', 'OnlinePolicyRetained'];
export type StoredPolicySource = 'Online' | 'Baseline' | 'Random' | 'Custom' | 'OfflineExperimentation';

/** What a finished evaluation keeps: per-policy off-policy sums per time bucket (offPolicySums.ts). */
export interface StoredEvaluationResult {
  bucketMinutes: number;
  evaluatedFrom: string;
  decisions: { joined: number; trained: number; evaluated: number };
  policies: { name: string; arguments: string; source: StoredPolicySource; buckets: number[][] }[];
  optimalPolicy: string;
  /** The evaluation model's input columns by share of the trees' split gain: the half of the gain, the next 30%, the rest (v1.0's featureImportance). */
  featureImportance?: string[][];
}

export interface EvaluationRecord {
  evaluationId: string;
  name: string;
  startTime: string;
  endTime: string;
  creationTime: string;
  status: EvaluationStatus;
  /** Custom learning settings to evaluate. */
  policies: { name: string; arguments: string }[];
  /** Optimization discovery (enablePolicyOptimization / enableOfflineExperimentation). */
  discovery: boolean;
  /** Auto: made by auto-optimization (absent: Manual, made through the API). */
  evaluationType?: 'Manual' | 'Auto';
  /** Why it failed. */
  description?: string;
  attempts: number;
  lease?: JobLease;
  result?: StoredEvaluationResult;
}

/** Cosmos DB ids may not hold / \ ? # and are limited to 255 characters; evaluation ids may. */
export const documentIdOf = (evaluationId: string) => `evaluation-${crypto.createHash('sha256').update(evaluationId).digest('hex').slice(0, 40)}`;

export const EVALUATION_JOBS: JobType<EvaluationRecord> = {
  kind: EVALUATION_KIND,
  label: 'evaluation',
  idField: 'evaluationId',
  documentId: documentIdOf,
  unfinished: ['NotSubmitted', 'Running'],
  running: 'Running',
  failed: 'Failed',
  // What Evaluations_List shows of each: the results (up to a few hundred KB each) stay in the store.
  listFields: ['evaluationId', 'name', 'startTime', 'endTime', 'creationTime', 'status', 'policies', 'discovery', 'attempts', 'description', 'evaluationType'],
};

/** The offline evaluations: the Personalizer API's job store (jobs/jobStore.ts) for this kind. */
export class EvaluationStore extends JobStore<EvaluationRecord> {
  constructor(container: () => Promise<Container>) {
    super(container, EVALUATION_JOBS);
  }
}
