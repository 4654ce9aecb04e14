// Runs offline evaluations in the background of an instance, through the Personalizer API's job
// runner (src/ranking/jobs/jobRunner.ts): start(id) claims the stored evaluation (a lease in its
// document) and runs it without blocking the caller; when the instance stops mid-run the lease
// runs out and resume() — the resumePersonalizerJobs timer, on every instance each minute — claims
// it again and runs it from the start (at most MAX_ATTEMPTS runs). Every outcome is written to the
// document: Succeeded with the per-interval sums, or Failed with the reason.
import type { ConfigurationStore } from '../../ranking/configuration/configurationStore';
import { effectiveConfiguration } from '../../ranking/configuration/serviceConfiguration';
import type { EvaluationRecord, EvaluationStore } from '../../ranking/evaluations/evaluationStore';
import { JobRunner } from '../../ranking/jobs/jobRunner';
import type { JobOutcome } from '../../ranking/jobs/jobStore';
import { TrainingDataError } from '../trainingDataError';
import type { ArchiveLocation } from '../offers/readLoggedEvents';
import { runEvaluation } from './runEvaluation';
import { applyLearningSettings, autoDecision, autoOptimizationTick } from './autoOptimization';

export interface EvaluationJobDeps {
  store: EvaluationStore;
  configurationStore: ConfigurationStore;
  archive: ArchiveLocation;
  /** This instance's name in leases. Default: a random id per EvaluationJobs. */
  owner?: string;
  leaseMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export class EvaluationJobs {
  private readonly runner: JobRunner<EvaluationRecord>;

  constructor(private readonly deps: EvaluationJobDeps) {
    this.runner = new JobRunner({
      store: deps.store,
      work: (record, say) => this.evaluate(record, say),
      failure: (error, say) => {
        const message = (error as Error).message;
        say(`failed: ${message}`);
        return error instanceof TrainingDataError ? message : `the evaluation failed: ${message}`;
      },
      ...(deps.owner ? { owner: deps.owner } : {}),
      ...(deps.leaseMs ? { leaseMs: deps.leaseMs } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    });
  }

  get owner(): string {
    return this.runner.owner;
  }

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** Claims the evaluation and starts it; resolves once claimed (false: not claimable — finished, deleted or held elsewhere). */
  start(evaluationId: string): Promise<boolean> {
    return this.runner.start(evaluationId);
  }

  /** Starts every unfinished evaluation whose lease is free or ran out; the number started. */
  resume(): Promise<number> {
    return this.runner.resume();
  }

  /** Auto-optimization's check (autoOptimization.ts): creates and starts the period's automatic evaluation when due. */
  autoOptimize(): Promise<{ created?: string; reason: string }> {
    return autoOptimizationTick({ store: this.deps.store, configurationStore: this.deps.configurationStore, start: (id) => this.start(id), now: this.now() });
  }

  /** Resolves when every evaluation this instance runs has finished. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  /** The instance stops: gives back the leases of the evaluations still running (JobRunner.close). */
  close(): Promise<void> {
    return this.runner.close();
  }

  private async evaluate(record: EvaluationRecord, say: (message: string) => void): Promise<JobOutcome<EvaluationRecord>> {
    const config = effectiveConfiguration((await this.deps.configurationStore.read()).configuration);
    say(`running on [${record.startTime}, ${record.endTime}) with ${record.policies.length} candidate(s)${record.discovery ? ' and discovery' : ''}`);
    const result = await runEvaluation({
      archive: this.deps.archive,
      from: new Date(record.startTime),
      to: new Date(record.endTime),
      online: { name: config.policy.name, arguments: config.policy.arguments },
      candidates: record.policies,
      currentEpsilon: config.exploration,
      discovery: record.discovery,
      now: this.now(),
    });
    say(`succeeded: ${result.decisions.evaluated} decisions evaluated, optimal policy "${result.optimalPolicy}"`);
    if (record.evaluationType !== 'Auto') return { status: 'Succeeded', result };
    const decision = autoDecision(result);
    if (decision.apply) await applyLearningSettings(this.deps.configurationStore, decision.apply, this.now());
    say(`auto-optimization: ${decision.apply ? 'applied' : 'kept the online settings'}: ${decision.reason}`);
    return { status: decision.apply ? 'OptimalPolicyApplied' : 'OnlinePolicyRetained', result, description: decision.reason };
  }
}
