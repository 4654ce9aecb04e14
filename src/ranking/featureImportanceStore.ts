// Feature importance jobs (Personalizer's FeatureImportances), stored durably as documents of the
// Personalizer API's Cosmos DB container (PersonalizerContainer, partition key /id) beside the
// service configuration: one document per job ({kind: 'featureImportance', jobId, ...}), its id
// derived from the client's id (which may hold characters Cosmos DB ids may not, and be longer
// than they may be).
import crypto from 'node:crypto';
import type { Container } from '@azure/cosmos';

export type FeatureImportanceStatus = 'Succeeded' | 'Running' | 'Failed' | 'NotSubmitted' | 'Timeout' | 'Canceled';

export interface FeatureScore {
  namespace: string;
  featureName: string;
  score: number;
}

export interface FeatureImportanceJob {
  /** The client's id. */
  id: string;
  name: string;
  startTime: string;
  endTime: string;
  creationTime: string;
  status: FeatureImportanceStatus;
  description?: string;
  featureScores?: FeatureScore[];
  /** Ours: each namespace's importance (its features shuffled together). */
  namespaceScores?: { namespace: string; score: number }[];
  /** Ours: how the scores were computed and on what. */
  method?: string;
  modelVersion?: string;
  decisions?: number;
}

const KIND = 'featureImportance';
const docIdOf = (id: string) => `featureImportance-${crypto.createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 48)}`;
const statusOf = (e: unknown) => (e as { code?: unknown } | null)?.code ?? (e as { statusCode?: unknown } | null)?.statusCode;

function fromDocument(doc: Record<string, unknown>): FeatureImportanceJob {
  // The document's own id and kind, and Cosmos DB's system fields, are not the job's.
  const { id: _docId, kind: _k, _rid, _self, _etag, _attachments, _ts, jobId, ...rest } = doc;
  void _docId, void _k, void _rid, void _self, void _etag, void _attachments, void _ts;
  return { ...(rest as Omit<FeatureImportanceJob, 'id'>), id: jobId as string };
}

export class FeatureImportanceStore {
  constructor(private readonly container: () => Promise<Container>) {}

  /** False when a job with this id exists. */
  async create(job: FeatureImportanceJob): Promise<boolean> {
    const c = await this.container();
    const { id, ...rest } = job;
    try {
      await c.items.create({ ...rest, id: docIdOf(id), jobId: id, kind: KIND });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async get(id: string): Promise<FeatureImportanceJob | undefined> {
    const c = await this.container();
    const { resource } = await c.item(docIdOf(id), docIdOf(id)).read<Record<string, unknown>>();
    return resource ? fromDocument(resource) : undefined;
  }

  /** Every job, newest first. */
  async list(): Promise<FeatureImportanceJob[]> {
    const c = await this.container();
    const { resources } = await c.items
      .query<Record<string, unknown>>({ query: 'SELECT * FROM c WHERE c.kind = @kind', parameters: [{ name: '@kind', value: KIND }] })
      .fetchAll();
    return resources.map(fromDocument).sort((a, b) => (a.creationTime < b.creationTime ? 1 : a.creationTime > b.creationTime ? -1 : a.id < b.id ? -1 : 1));
  }

  /** Replaces a job's document; false when it was deleted meanwhile (a finished job does not bring it back). */
  async finish(job: FeatureImportanceJob): Promise<boolean> {
    const c = await this.container();
    const { id, ...rest } = job;
    try {
      await c.item(docIdOf(id), docIdOf(id)).replace({ ...rest, id: docIdOf(id), jobId: id, kind: KIND });
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  /** True when it existed. */
  async delete(id: string): Promise<boolean> {
    const c = await this.container();
    try {
      await c.item(docIdOf(id), docIdOf(id)).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }
}
