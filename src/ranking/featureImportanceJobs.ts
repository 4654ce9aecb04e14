// Feature importance jobs in the background of an instance, through the Personalizer API's job
// runner (jobs/jobRunner.ts): a create claims the stored job and runs it here; the
// resumePersonalizerJobs timer takes over one whose instance stopped (its lease ran out), at most
// MAX_ATTEMPTS starts, then it is Failed. The computation (permutation importance of the served
// model on the window's logged decisions) belongs to the training pipeline; the composition root
// hands it in as `compute`.
import { JobRunner } from './jobs/jobRunner';
import type { FeatureImportanceJob, FeatureImportanceStore } from './featureImportanceStore';

export interface FeatureImportanceOutcome {
  featureScores: { namespace: string; featureName: string; score: number }[];
  namespaceScores: { namespace: string; score: number }[];
  method: string;
  modelVersion: string;
  decisions: number;
}

export interface FeatureImportanceJobDeps {
  store: FeatureImportanceStore;
  /** Undefined where the training pipeline is not wired in: jobs fail saying so in the log. */
  compute?: (range: { from: Date; to: Date }) => Promise<FeatureImportanceOutcome>;
  /** Tells data problems (no model, no logs in the range: the job's description) from failures. */
  isDataError?: (error: unknown) => boolean;
  owner?: string;
  leaseMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export type FeatureImportanceJobs = JobRunner<FeatureImportanceJob>;

export function featureImportanceJobs(deps: FeatureImportanceJobDeps): FeatureImportanceJobs {
  const { compute, isDataError, ...runner } = deps;
  return new JobRunner<FeatureImportanceJob>({
    ...runner,
    work: async (job) => {
      if (!compute) throw new Error('feature importances are not available on this instance');
      const outcome = await compute({ from: new Date(job.startTime), to: new Date(job.endTime) });
      return {
        status: 'Succeeded',
        featureScores: outcome.featureScores,
        namespaceScores: outcome.namespaceScores,
        method: outcome.method,
        modelVersion: outcome.modelVersion,
        decisions: outcome.decisions,
        description: `${outcome.method} importance of model ${outcome.modelVersion} on ${outcome.decisions} logged decisions`,
      };
    },
    failure: (error, say) => {
      if (isDataError?.(error)) return (error as Error).message ?? String(error);
      say(`${(error as Error).stack ?? error}`);
      return 'The computation failed; see the function log.';
    },
  });
}
