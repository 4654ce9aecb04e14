// Feature importance jobs (Personalizer's FeatureImportances), stored durably as documents of the
// Personalizer API's Cosmos DB container (PersonalizerContainer, partition key /id) beside the
// service configuration through the API's one job store (jobs/jobStore.ts): one document per job,
// {...FeatureImportanceJob, id: documentIdOf(jobId), kind: 'featureImportance'}, its id derived
// from the client's (which may hold characters Cosmos DB ids may not, and be longer than they may
// be). Jobs run under a lease and the resumePersonalizerJobs timer takes over one whose instance
// stopped (featureImportanceJobs.ts). Documents stored before jobs had leases lack `attempts` and
// read as 0.
import crypto from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { JobStore, type JobFields, type JobType } from './jobs/jobStore';

export type FeatureImportanceStatus = 'Succeeded' | 'Running' | 'Failed' | 'NotSubmitted' | 'Timeout' | 'Canceled';

export interface FeatureScore {
  namespace: string;
  featureName: string;
  score: number;
}

export interface FeatureImportanceJob extends JobFields<FeatureImportanceStatus> {
  /** The client's id (the API's `id`). */
  jobId: string;
  name: string;
  startTime: string;
  endTime: string;
  featureScores?: FeatureScore[];
  /** Ours: each namespace's importance (its features shuffled together). */
  namespaceScores?: { namespace: string; score: number }[];
  /** Ours: how the scores were computed and on what. */
  method?: string;
  modelVersion?: string;
  decisions?: number;
}

export const documentIdOf = (jobId: string) => `featureImportance-${crypto.createHash('sha256').update(jobId, 'utf8').digest('hex').slice(0, 48)}`;

export const FEATURE_IMPORTANCE_JOBS: JobType<FeatureImportanceJob> = {
  kind: 'featureImportance',
  label: 'feature importance',
  idField: 'jobId',
  documentId: documentIdOf,
  unfinished: ['NotSubmitted', 'Running'],
  running: 'Running',
  failed: 'Failed',
};

export class FeatureImportanceStore extends JobStore<FeatureImportanceJob> {
  constructor(container: () => Promise<Container>) {
    super(container, FEATURE_IMPORTANCE_JOBS);
  }
}
