// Runs offline evaluations in the background of an instance. start(id) claims the stored
// evaluation (a lease in its document, EvaluationStore.claim) and runs it without blocking the
// caller; the lease is renewed while it runs. When the instance stops mid-run (a restart, a scale
// in, a host that freezes work after the response), the lease runs out and resume() — called by
// the resumeEvaluations timer on every instance each minute — claims it again and runs it from the
// start (at most MAX_ATTEMPTS runs). Every outcome is written to the document: Succeeded with the
// per-interval sums, or Failed with the reason.
import crypto from 'node:crypto';
import type { ConfigurationStore } from '../../ranking/configuration/configurationStore';
import { effectiveConfiguration } from '../../ranking/configuration/serviceConfiguration';
import type { EvaluationStore } from '../../ranking/evaluations/evaluationStore';
import { TrainingDataError } from '../trainingDataError';
import type { ArchiveLocation } from '../offers/readLoggedEvents';
import { runEvaluation } from './runEvaluation';
import { applyLearningSettings, autoDecision, autoOptimizationTick } from './autoOptimization';

/** A run's lease: renewed every third of it, so two missed renewals still keep it. */
export const LEASE_MS = 120_000;

export interface EvaluationJobDeps {
  store: EvaluationStore;
  configurationStore: ConfigurationStore;
  archive: ArchiveLocation;
  /** This instance's name in leases. Default: a random id per process. */
  owner?: string;
  leaseMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export class EvaluationJobs {
  readonly owner: string;
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: EvaluationJobDeps) {
    this.owner = deps.owner ?? `instance-${crypto.randomBytes(6).toString('hex')}`;
  }

  private get leaseMs() {
    return this.deps.leaseMs ?? LEASE_MS;
  }

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  /** Claims the evaluation and starts it; resolves once claimed (false: not claimable — finished, deleted or held elsewhere). */
  async start(evaluationId: string): Promise<boolean> {
    if (this.running.has(evaluationId)) return true;
    const record = await this.deps.store.claim(evaluationId, this.owner, this.leaseMs, this.now());
    if (!record) return false;
    const job = this.execute(evaluationId).finally(() => this.running.delete(evaluationId));
    this.running.set(evaluationId, job);
    return true;
  }

  /** Starts every unfinished evaluation whose lease is free or ran out; the number started. */
  async resume(): Promise<number> {
    const nowMs = this.now().getTime();
    let started = 0;
    for (const e of await this.deps.store.unfinished()) {
      if (this.running.has(e.evaluationId)) continue;
      if (e.lease && Date.parse(e.lease.until) > nowMs) continue;
      if (await this.start(e.evaluationId)) started++;
    }
    return started;
  }

  /** Auto-optimization's check (autoOptimization.ts): creates and starts the period's automatic evaluation when due. */
  autoOptimize(): Promise<{ created?: string; reason: string }> {
    return autoOptimizationTick({ store: this.deps.store, configurationStore: this.deps.configurationStore, start: (id) => this.start(id), now: this.now() });
  }

  /** Resolves when every job this instance runs has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private async execute(evaluationId: string): Promise<void> {
    const say = (m: string) => this.deps.log?.(`evaluation ${evaluationId}: ${m}`);
    const heartbeat = setInterval(() => {
      this.deps.store.renew(evaluationId, this.owner, this.leaseMs, this.now()).then(
        (held) => held || say('lease lost (deleted, or taken over); its result will be dropped'),
        (error: unknown) => say(`lease renewal failed: ${(error as Error).message}`),
      );
    }, Math.max(1000, this.leaseMs / 3));
    heartbeat.unref();
    let outcome: Parameters<EvaluationStore['finish']>[2];
    try {
      const record = await this.deps.store.get(evaluationId);
      if (!record) return;
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
      outcome = { result };
      say(`succeeded: ${result.decisions.evaluated} decisions evaluated, optimal policy "${result.optimalPolicy}"`);
      if (record.evaluationType === 'Auto') {
        const decision = autoDecision(result);
        if (decision.apply) await applyLearningSettings(this.deps.configurationStore, decision.apply, this.now());
        outcome = { result, status: decision.apply ? 'OptimalPolicyApplied' : 'OnlinePolicyRetained', description: decision.reason };
        say(`auto-optimization: ${decision.apply ? 'applied' : 'kept the online settings'}: ${decision.reason}`);
      }
    } catch (error) {
      const message = (error as Error).message;
      outcome = { failure: error instanceof TrainingDataError ? message : `the evaluation failed: ${message}` };
      say(`failed: ${message}`);
    } finally {
      clearInterval(heartbeat);
    }
    try {
      if (!(await this.deps.store.finish(evaluationId, this.owner, outcome, this.now()))) say('not recorded: the evaluation was deleted or taken over meanwhile');
    } catch (error) {
      // The lease runs out and the timer runs it again.
      say(`could not record the outcome: ${(error as Error).message}`);
    }
  }
}
