// Offline evaluations, stored durably as documents of the Personalizer API's Cosmos DB container
// (PersonalizerContainer, beside the configuration; kind "evaluation"). A job that runs one holds
// a lease in the document (owner, until), renewed while it works; when its process dies the lease
// runs out and the resumeEvaluations timer (any instance) claims the evaluation and runs it again,
// so an evaluation survives a restart. Claims and results are written with If-Match on the ETag:
// of two instances claiming at once, one wins.
import crypto from 'node:crypto';
import type { Container } from '@azure/cosmos';

export const EVALUATION_KIND = 'evaluation';
/** Runs of one evaluation before it is marked Failed (each run's process died before finishing). */
export const MAX_ATTEMPTS = 3;

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
  lease?: { owner: string; until: string };
  result?: StoredEvaluationResult;
}

interface EvaluationDocument extends EvaluationRecord {
  id: string;
  kind: typeof EVALUATION_KIND;
  updatedAt: string;
  _etag?: string;
}

/** Cosmos DB ids may not hold / \ ? # and are limited to 255 characters; evaluation ids may. */
export const documentIdOf = (evaluationId: string) => `evaluation-${crypto.createHash('sha256').update(evaluationId).digest('hex').slice(0, 40)}`;

/** What Evaluations_List shows of each evaluation. */
const LIST_FIELDS = ['evaluationId', 'name', 'startTime', 'endTime', 'creationTime', 'status', 'policies', 'discovery', 'attempts', 'description', 'evaluationType'] as const;

const statusOf = (e: unknown) => (e as { code?: unknown } | null)?.code ?? (e as { statusCode?: unknown } | null)?.statusCode;

function recordOf(doc: EvaluationDocument): EvaluationRecord {
  const { id: _id, kind: _kind, updatedAt: _u, _etag, ...rest } = doc as EvaluationDocument & Record<string, unknown>;
  for (const f of ['_rid', '_self', '_attachments', '_ts']) delete (rest as Record<string, unknown>)[f];
  return rest;
}

export class EvaluationStore {
  constructor(private readonly container: () => Promise<Container>) {}

  private async readDocument(evaluationId: string): Promise<EvaluationDocument | undefined> {
    const c = await this.container();
    const id = documentIdOf(evaluationId);
    const { resource } = await c.item(id, id).read<EvaluationDocument>();
    return resource ?? undefined;
  }

  /** False when an evaluation with this id exists. */
  async create(record: EvaluationRecord, now = new Date()): Promise<boolean> {
    const c = await this.container();
    try {
      await c.items.create<EvaluationDocument>({ id: documentIdOf(record.evaluationId), kind: EVALUATION_KIND, ...record, updatedAt: now.toISOString() });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async get(evaluationId: string): Promise<EvaluationRecord | undefined> {
    const doc = await this.readDocument(evaluationId);
    return doc ? recordOf(doc) : undefined;
  }

  /** Every evaluation, newest first, without results (the list shows no series). */
  async list(): Promise<EvaluationRecord[]> {
    const c = await this.container();
    // The results (up to a few hundred KB each) stay in the store: only the fields a list shows are read.
    const { resources } = await c.items
      .query<EvaluationRecord>({ query: `SELECT ${LIST_FIELDS.map((f) => `c.${f}`).join(', ')} FROM c WHERE c.kind = @kind`, parameters: [{ name: '@kind', value: EVALUATION_KIND }] })
      .fetchAll();
    return resources.sort((a, b) => b.creationTime.localeCompare(a.creationTime) || a.evaluationId.localeCompare(b.evaluationId));
  }

  /** True when it existed. */
  async delete(evaluationId: string): Promise<boolean> {
    const c = await this.container();
    const id = documentIdOf(evaluationId);
    try {
      await c.item(id, id).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  /** Ids of evaluations not finished (NotSubmitted or Running): the timer's candidates. */
  async unfinished(): Promise<{ evaluationId: string; lease?: { owner: string; until: string } }[]> {
    const c = await this.container();
    const { resources } = await c.items
      .query<EvaluationDocument>({ query: 'SELECT c.evaluationId, c.status, c.lease FROM c WHERE c.kind = @kind', parameters: [{ name: '@kind', value: EVALUATION_KIND }] })
      .fetchAll();
    return resources.filter((d) => d.status === 'NotSubmitted' || d.status === 'Running').map((d) => ({ evaluationId: d.evaluationId, ...(d.lease ? { lease: d.lease } : {}) }));
  }

  /** Replaces the document with `change(current)` under If-Match; undefined when it is gone, changed meanwhile, or `change` declines. */
  private async replaceIf(evaluationId: string, change: (doc: EvaluationDocument) => EvaluationDocument | undefined, now: Date): Promise<EvaluationRecord | undefined> {
    const c = await this.container();
    const doc = await this.readDocument(evaluationId);
    if (!doc) return undefined;
    const next = change(doc);
    if (!next) return undefined;
    const { _etag, ...body } = { ...next, updatedAt: now.toISOString() };
    for (const f of ['_rid', '_self', '_attachments', '_ts']) delete (body as Record<string, unknown>)[f];
    try {
      await c.item(doc.id, doc.id).replace(body, { accessCondition: { type: 'IfMatch', condition: doc._etag! } });
      return recordOf(body as EvaluationDocument);
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Takes the evaluation for `owner` until now + leaseMs: when it is not finished and nobody else
   * holds a live lease. A run whose attempts are used up is marked Failed instead.
   */
  claim(evaluationId: string, owner: string, leaseMs: number, now = new Date()): Promise<EvaluationRecord | undefined> {
    return this.replaceIf(evaluationId, (doc) => {
      if (doc.status !== 'NotSubmitted' && doc.status !== 'Running') return undefined;
      if (doc.lease && doc.lease.owner !== owner && Date.parse(doc.lease.until) > now.getTime()) return undefined;
      if (doc.attempts >= MAX_ATTEMPTS) {
        const { lease: _l, ...rest } = doc;
        return { ...rest, status: 'Failed', description: `the evaluation was started ${doc.attempts} times and never finished (its process stopped each time)` };
      }
      return { ...doc, status: 'Running', attempts: doc.attempts + 1, lease: { owner, until: new Date(now.getTime() + leaseMs).toISOString() } };
    }, now).then((r) => (r?.status === 'Running' ? r : undefined));
  }

  /** Extends the owner's lease; false when it lost it (or the evaluation was deleted). */
  async renew(evaluationId: string, owner: string, leaseMs: number, now = new Date()): Promise<boolean> {
    const r = await this.replaceIf(evaluationId, (doc) => (doc.lease?.owner === owner && doc.status === 'Running' ? { ...doc, lease: { owner, until: new Date(now.getTime() + leaseMs).toISOString() } } : undefined), now);
    return r !== undefined;
  }

  /** Records the outcome of the owner's run; false when the owner no longer holds it. */
  async finish(
    evaluationId: string,
    owner: string,
    outcome: { result: StoredEvaluationResult; status?: EvaluationStatus; description?: string } | { failure: string },
    now = new Date(),
  ): Promise<boolean> {
    const r = await this.replaceIf(evaluationId, (doc) => {
      if (doc.lease?.owner !== owner || doc.status !== 'Running') return undefined;
      const { lease: _l, ...rest } = doc;
      if (!('result' in outcome)) return { ...rest, status: 'Failed', description: outcome.failure };
      return { ...rest, status: outcome.status ?? 'Succeeded', result: outcome.result, ...(outcome.description ? { description: outcome.description } : {}) };
    }, now);
    return r !== undefined;
  }
}
