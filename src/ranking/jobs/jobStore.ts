// The Personalizer API's asynchronous jobs (offline evaluations, feature importances), stored as
// documents of its Cosmos DB container (PersonalizerContainer, partition key /id) beside the
// service configuration: one document per job, {...the job, id: documentId(job id), kind, updatedAt},
// the job's own id (the client's: any characters, up to 256 of them) in a field of its kind.
//
// A job runs under a lease in its document (owner, until) that its runner renews while it works
// (jobRunner.ts). When the runner's process dies the lease runs out and any instance may claim the
// job and run it again from the start; a job claimed MAX_ATTEMPTS times without finishing is
// marked Failed instead of started again. Every change after create is a replace with If-Match on
// the ETag just read: of two instances claiming at once one wins, and a job deleted meanwhile
// stays deleted (its runner's result is dropped).
import type { Container } from '@azure/cosmos';
import { cosmosStatusOf, deleteOwnPartitionDocument } from '../../clients/cosmosDocuments';

/** Runs of one job before it is marked Failed (each run's process stopped before finishing). */
export const MAX_ATTEMPTS = 3;

export interface JobLease {
  owner: string;
  until: string;
}

/** What every job has, whatever its kind. */
export interface JobFields<S extends string = string> {
  status: S;
  creationTime: string;
  /** Runs started (claims so far). */
  attempts: number;
  /** Present while a runner holds (or held, until it lapses) the job. */
  lease?: JobLease;
  /** Why it failed, or what it found. */
  description?: string;
}

/** One kind of job: how its documents are told apart and named, and what its statuses mean. */
export interface JobType<J extends JobFields> {
  /** The documents' `kind` field. */
  kind: string;
  /** How messages name a job of this kind: "evaluation", "feature importance". */
  label: string;
  /** The field of the job holding its id. */
  idField: keyof J & string;
  /** The document id: Cosmos DB ids may not hold / \ ? # and have at most 255 characters; jobs' ids may. */
  documentId: (jobId: string) => string;
  /** Statuses of a job not finished: a runner may claim it when nobody holds a live lease. */
  unfinished: readonly J['status'][];
  /** The status while a runner holds it. */
  running: J['status'];
  /** The status of a job that failed, or that was started MAX_ATTEMPTS times without finishing. */
  failed: J['status'];
  /** The only fields a list reads (large results stay in the store); absent: every field. */
  listFields?: readonly string[];
}

type JobDocument<J> = J & { id: string; kind: string; updatedAt?: string; _etag?: string };

/** What a finished run records: the job's final status and its results. */
export type JobOutcome<J extends JobFields> = Partial<Omit<J, 'lease' | 'attempts'>> & { status: J['status'] };

const NOT_THE_JOB = ['id', 'kind', 'updatedAt', '_rid', '_self', '_etag', '_attachments', '_ts'];

/** The job a document holds, without the document's own fields and Cosmos DB's. */
function jobOf<J extends JobFields>(doc: object): J {
  const job: Record<string, unknown> = { ...doc };
  for (const f of NOT_THE_JOB) delete job[f];
  // Feature importances stored before they had leases carry no attempts: none started under one.
  job.attempts ??= 0;
  return job as unknown as J;
}

export class JobStore<J extends JobFields> {
  constructor(
    private readonly container: () => Promise<Container>,
    readonly type: JobType<J>,
  ) {}

  idOf(job: J): string {
    return job[this.type.idField] as unknown as string;
  }

  private async readDocument(jobId: string): Promise<JobDocument<J> | undefined> {
    const c = await this.container();
    const id = this.type.documentId(jobId);
    const { resource } = await c.item(id, id).read<JobDocument<J>>();
    return resource ?? undefined;
  }

  /** False when a job of this kind with this id exists. */
  async create(job: J, now = new Date()): Promise<boolean> {
    const c = await this.container();
    try {
      await c.items.create({ ...job, id: this.type.documentId(this.idOf(job)), kind: this.type.kind, updatedAt: now.toISOString() });
      return true;
    } catch (error) {
      if (cosmosStatusOf(error) === 409) return false;
      throw error;
    }
  }

  async get(jobId: string): Promise<J | undefined> {
    const doc = await this.readDocument(jobId);
    return doc ? jobOf<J>(doc) : undefined;
  }

  /** Every job of this kind, newest first (the list's fields only, when the kind names them). */
  async list(): Promise<J[]> {
    const c = await this.container();
    const fields = this.type.listFields ? this.type.listFields.map((f) => `c.${f}`).join(', ') : '*';
    const { resources } = await c.items
      .query<Record<string, unknown>>({ query: `SELECT ${fields} FROM c WHERE c.kind = @kind`, parameters: [{ name: '@kind', value: this.type.kind }] })
      .fetchAll();
    return resources.map((r) => jobOf<J>(r)).sort((a, b) => b.creationTime.localeCompare(a.creationTime) || this.idOf(a).localeCompare(this.idOf(b)));
  }

  /** True when it existed. A runner still working on it finds it gone and drops its result. */
  async delete(jobId: string): Promise<boolean> {
    return deleteOwnPartitionDocument(await this.container(), this.type.documentId(jobId));
  }

  /** The jobs not finished, with their leases: a resume's candidates. */
  async unfinished(): Promise<{ jobId: string; lease?: JobLease }[]> {
    const c = await this.container();
    const { resources } = await c.items
      .query<Record<string, unknown>>({ query: `SELECT c.${this.type.idField}, c.status, c.lease FROM c WHERE c.kind = @kind`, parameters: [{ name: '@kind', value: this.type.kind }] })
      .fetchAll();
    return resources
      .filter((d) => this.type.unfinished.includes(d.status as J['status']))
      .map((d) => ({ jobId: d[this.type.idField] as string, ...(d.lease ? { lease: d.lease as JobLease } : {}) }));
  }

  /** Replaces the document with `change(current job)` under If-Match; undefined when it is gone, changed meanwhile, or `change` declines. */
  private async replaceIf(jobId: string, change: (job: J) => J | undefined, now: Date): Promise<J | undefined> {
    const doc = await this.readDocument(jobId);
    if (!doc) return undefined;
    const next = change(jobOf<J>(doc));
    if (!next) return undefined;
    const c = await this.container();
    try {
      await c.item(doc.id, doc.id).replace({ ...next, id: doc.id, kind: this.type.kind, updatedAt: now.toISOString() }, { accessCondition: { type: 'IfMatch', condition: doc._etag! } });
      return next;
    } catch (error) {
      if (cosmosStatusOf(error) === 412 || cosmosStatusOf(error) === 404) return undefined;
      throw error;
    }
  }

  private holds(job: J, owner: string): boolean {
    return job.lease?.owner === owner && job.status === this.type.running;
  }

  /**
   * Takes the job for `owner` until now + leaseMs when it is not finished and nobody else holds a
   * live lease; the job as claimed, or undefined. One whose attempts are used up is marked Failed instead.
   */
  async claim(jobId: string, owner: string, leaseMs: number, now = new Date()): Promise<J | undefined> {
    const claimed = await this.replaceIf(jobId, (job) => {
      if (!this.type.unfinished.includes(job.status)) return undefined;
      if (job.lease && job.lease.owner !== owner && Date.parse(job.lease.until) > now.getTime()) return undefined;
      if (job.attempts >= MAX_ATTEMPTS) {
        const { lease: _lease, ...rest } = job;
        return { ...rest, status: this.type.failed, description: `the ${this.type.label} was started ${job.attempts} times and never finished (its process stopped each time)` } as J;
      }
      return { ...job, status: this.type.running, attempts: job.attempts + 1, lease: { owner, until: new Date(now.getTime() + leaseMs).toISOString() } };
    }, now);
    return claimed?.status === this.type.running ? claimed : undefined;
  }

  /** Extends the owner's lease; false when it lost it (taken over, finished or deleted). */
  async renew(jobId: string, owner: string, leaseMs: number, now = new Date()): Promise<boolean> {
    const renewed = await this.replaceIf(jobId, (job) => (this.holds(job, owner) ? { ...job, lease: { owner, until: new Date(now.getTime() + leaseMs).toISOString() } } : undefined), now);
    return renewed !== undefined;
  }

  /**
   * Gives the job up unfinished (an instance shutting down): any instance may claim it at once,
   * and this run does not count as an attempt. False when the owner no longer held it.
   */
  async release(jobId: string, owner: string, now = new Date()): Promise<boolean> {
    const released = await this.replaceIf(jobId, (job) => {
      if (!this.holds(job, owner)) return undefined;
      const { lease: _lease, ...rest } = job;
      return { ...rest, attempts: Math.max(0, job.attempts - 1) } as J;
    }, now);
    return released !== undefined;
  }

  /** Records the outcome of the owner's run (its lease ends); false when the owner no longer holds the job. */
  async finish(jobId: string, owner: string, outcome: JobOutcome<J>, now = new Date()): Promise<boolean> {
    const finished = await this.replaceIf(jobId, (job) => {
      if (!this.holds(job, owner)) return undefined;
      const { lease: _lease, ...rest } = job;
      return { ...rest, ...outcome } as J;
    }, now);
    return finished !== undefined;
  }

  /** Marks the owner's run Failed with the reason; false when the owner no longer holds the job. */
  fail(jobId: string, owner: string, description: string, now = new Date()): Promise<boolean> {
    return this.finish(jobId, owner, { status: this.type.failed, description } as JobOutcome<J>, now);
  }
}
