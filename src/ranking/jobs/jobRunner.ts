// Runs one kind of the Personalizer API's jobs (jobStore.ts) in the background of an instance.
// start(id) claims the stored job (a lease in its document) and runs it without blocking the
// caller; the lease is renewed every third of its length while the work runs. When the instance
// stops mid-run (a restart, a scale-in, a host that freezes work after the response) the lease
// runs out, and resume() — the resumePersonalizerJobs timer calls it on every instance each minute —
// claims the job again and runs it from the start (at most MAX_ATTEMPTS runs, then it is Failed).
// The outcome is written only while this runner still holds the lease.
import crypto from 'node:crypto';
import type { JobFields, JobOutcome, JobStore } from './jobStore';

/** A run's lease: renewed every third of it, so two missed renewals still keep it. */
export const LEASE_MS = 120_000;

/** How long close() waits for the store to take back the leases of unfinished runs. */
const RELEASE_TIMEOUT_MS = 5_000;

export interface JobRunnerDeps<J extends JobFields> {
  store: JobStore<J>;
  /** Does the job's work; resolves with what to record. A throw fails the job with `failure(error)`. */
  work: (job: J, say: (message: string) => void) => Promise<JobOutcome<J>>;
  /** The description a failed run leaves on the job (and logs what the operator needs). */
  failure: (error: unknown, say: (message: string) => void) => string;
  /**
   * This runner's name in leases. Default: a random id per runner, so a runner built after another
   * closed in the same process (services rebuilt) never counts as the owner of what that one held.
   */
  owner?: string;
  leaseMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

export class JobRunner<J extends JobFields> {
  readonly owner: string;
  private readonly running = new Map<string, Promise<void>>();
  private closed = false;

  constructor(private readonly deps: JobRunnerDeps<J>) {
    this.owner = deps.owner ?? `instance-${crypto.randomBytes(6).toString('hex')}`;
  }

  private get leaseMs() {
    return this.deps.leaseMs ?? LEASE_MS;
  }

  private now() {
    return this.deps.now?.() ?? new Date();
  }

  private say(jobId: string): (message: string) => void {
    return (message) => this.deps.log?.(`${this.deps.store.type.label} ${jobId}: ${message}`);
  }

  /** Claims the job and starts it; resolves once claimed (false: not claimable — finished, deleted or held elsewhere). */
  async start(jobId: string): Promise<boolean> {
    if (this.closed) return false;
    if (this.running.has(jobId)) return true;
    const job = await this.deps.store.claim(jobId, this.owner, this.leaseMs, this.now());
    if (!job) return false;
    const run = this.execute(jobId, job).finally(() => this.running.delete(jobId));
    this.running.set(jobId, run);
    return true;
  }

  /** Starts every unfinished job whose lease is free or ran out; the number started. */
  async resume(): Promise<number> {
    const nowMs = this.now().getTime();
    let started = 0;
    for (const candidate of await this.deps.store.unfinished()) {
      if (this.running.has(candidate.jobId)) continue;
      if (candidate.lease && Date.parse(candidate.lease.until) > nowMs) continue;
      if (await this.start(candidate.jobId)) started++;
    }
    return started;
  }

  /** Resolves when every job this instance runs has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /**
   * The instance is shutting down: starts nothing more and gives back the leases of the jobs still
   * running, so another instance takes them over at its next resume instead of after the lease
   * (their runs here can no longer record anything).
   */
  async close(): Promise<void> {
    this.closed = true;
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    const release = Promise.allSettled(ids.map((id) => this.deps.store.release(id, this.owner, this.now())));
    await Promise.race([release, new Promise((resolve) => setTimeout(resolve, RELEASE_TIMEOUT_MS).unref())]);
  }

  private async execute(jobId: string, job: J): Promise<void> {
    const say = this.say(jobId);
    const heartbeat = setInterval(() => {
      if (this.closed) return clearInterval(heartbeat); // its lease was given back
      this.deps.store.renew(jobId, this.owner, this.leaseMs, this.now()).then(
        (held) => held || say('lease lost (deleted, or taken over); its result will be dropped'),
        (error: unknown) => say(`lease renewal failed: ${(error as Error).message}`),
      );
    }, Math.max(1000, this.leaseMs / 3));
    heartbeat.unref();
    let outcome: JobOutcome<J> | { failure: string };
    try {
      outcome = await this.deps.work(job, say);
    } catch (error) {
      outcome = { failure: this.deps.failure(error, say) };
    } finally {
      clearInterval(heartbeat);
    }
    try {
      const now = this.now();
      const recorded = 'failure' in outcome ? await this.deps.store.fail(jobId, this.owner, outcome.failure, now) : await this.deps.store.finish(jobId, this.owner, outcome, now);
      if (!recorded) say('not recorded: it was deleted, taken over or given back meanwhile');
    } catch (error) {
      // The lease runs out and a resume runs it again.
      say(`could not record the outcome: ${(error as Error).message}`);
    }
  }
}
