// The feature importance operations (2022-09-01-preview):
//   PUT    /featureImportances/{id}  {name, startTime, endTime}: 200; the job runs in the background
//          (status Running, then Succeeded with featureScores, or Failed with the reason)
//   GET    /featureImportances       ?top&skip&maxpagesize: {value: [details], nextLink?}
//   GET    /featureImportances/{id}  the job, with featureScores (and ours: namespaceScores, method)
//   DELETE /featureImportances/{id}  204
// A create stores the job and starts it on this instance (featureImportanceJobs.ts, under a lease);
// the resumePersonalizerJobs timer takes over a job whose instance stopped.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readJsonBody } from '../../common/readJsonBody';
import type { FeatureImportanceJob, FeatureImportanceStore } from '../featureImportanceStore';
import { badRequest, personalizerError, serviceUnavailable } from '../personalizerErrors';

export interface FeatureImportanceApiDeps {
  store: Pick<FeatureImportanceStore, 'create' | 'get' | 'list' | 'delete'>;
  /** Claims the stored job for this instance and starts it; resolves once claimed. */
  start: (id: string) => Promise<void>;
  now?: () => Date;
  log?: (message: string) => void;
}

/**
 * A job still Running this long after its lease ran out (or, never claimed, after its creation)
 * was not taken over — the resumePersonalizerJobs timer is off: reported as Timeout.
 */
export const JOB_TIMEOUT_MS = 30 * 60_000;
const MAX_ID = 256;
const NO_STORE = { 'cache-control': 'no-store' };
async function guarded(what: string, deps: FeatureImportanceApiDeps, run: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await run();
  } catch (error) {
    deps.log?.(`${what} failed: ${(error as Error).stack ?? error}`);
    return serviceUnavailable(`The feature importance store is unavailable right now (${what}); try again.`);
  }
}

function checkId(id: string): HttpResponseInit | undefined {
  if (id === '') return badRequest('featureImportanceId', 'is required', 'InvalidRequest');
  if (id.length > MAX_ID) return badRequest('featureImportanceId', `must be at most ${MAX_ID} characters`, 'InvalidRequest');
  return undefined;
}

const notFound = (id: string) => personalizerError(404, 'ResourceNotFound', `Feature importance "${id.slice(0, 64)}" not found.`, 'FeatureImportanceNotFound');

function dateTime(value: unknown, field: string): number | HttpResponseInit {
  if (typeof value !== 'string' || value === '') return badRequest(field, 'is required: an ISO 8601 date-time', 'InvalidContract');
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) return badRequest(field, `must be an ISO 8601 date-time, got "${value.slice(0, 64)}"`, 'InvalidContract');
  return ms;
}

/** The job as the API shows it: its id is the client's, the lease and attempts are the store's. */
function wireOf(job: FeatureImportanceJob, nowMs: number) {
  const { jobId, lease, attempts: _attempts, ...shown } = job;
  const lapsedSince = lease ? Date.parse(lease.until) : Date.parse(job.creationTime);
  if (job.status === 'Running' && nowMs - lapsedSince > JOB_TIMEOUT_MS) {
    return { id: jobId, ...shown, status: 'Timeout' as const, description: 'The job did not finish (its instance stopped and no instance resumed it); create it again under another id.' };
  }
  return { id: jobId, ...shown };
}

export async function handleCreateFeatureImportance(request: HttpRequest, id: string, deps: FeatureImportanceApiDeps): Promise<HttpResponseInit> {
  const badId = checkId(id);
  if (badId) return badId;
  const body = await readJsonBody(request, 16 * 1024);
  if (!body.ok) return badRequest('body', body.message, 'InvalidContract');
  const b = body.value;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return badRequest('body', 'must be a JSON object {name, startTime, endTime}', 'InvalidContract');
  const fields = b as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!['name', 'startTime', 'endTime'].includes(key)) return badRequest(key, 'is not a field of a feature importance (name, startTime, endTime)', 'InvalidContract');
  if (typeof fields.name !== 'string' || fields.name === '') return badRequest('name', 'is required: a non-empty string', 'InvalidContract');
  if (fields.name.length > MAX_ID) return badRequest('name', `must be at most ${MAX_ID} characters`, 'InvalidContract');
  const from = dateTime(fields.startTime, 'startTime');
  if (typeof from !== 'number') return from;
  const to = dateTime(fields.endTime, 'endTime');
  if (typeof to !== 'number') return to;
  if (!(from < to)) return badRequest('endTime', 'must be after startTime', 'InvalidContract');
  const now = (deps.now ?? (() => new Date()))();
  const job: FeatureImportanceJob = {
    jobId: id,
    name: fields.name,
    startTime: new Date(from).toISOString(),
    endTime: new Date(to).toISOString(),
    creationTime: now.toISOString(),
    status: 'Running',
    attempts: 0,
  };
  return guarded('creating the feature importance', deps, async () => {
    if (!(await deps.store.create(job, now))) return personalizerError(409, 'BadRequest', `featureImportanceId: Feature importance with id ${id.slice(0, 64)} already exists.`, 'FeatureImportanceAlreadyExists', 'featureImportanceId');
    try {
      await deps.start(id);
    } catch (error) {
      // Stored but not started here: the resumePersonalizerJobs timer starts it within a minute.
      deps.log?.(`feature importance ${id}: not started on this instance (${(error as Error).message}); the timer will start it`);
    }
    return { status: 200, headers: NO_STORE };
  });
}

export function handleGetFeatureImportance(id: string, deps: FeatureImportanceApiDeps): Promise<HttpResponseInit> {
  const badId = checkId(id);
  if (badId) return Promise.resolve(badId);
  return guarded('reading the feature importance', deps, async () => {
    const job = await deps.store.get(id);
    if (!job) return notFound(id);
    return { status: 200, jsonBody: wireOf(job, (deps.now ?? (() => new Date()))().getTime()), headers: NO_STORE };
  });
}

export function handleDeleteFeatureImportance(id: string, deps: FeatureImportanceApiDeps): Promise<HttpResponseInit> {
  const badId = checkId(id);
  if (badId) return Promise.resolve(badId);
  return guarded('deleting the feature importance', deps, async () => {
    await deps.store.delete(id);
    return { status: 204, headers: NO_STORE };
  });
}

function intParameter(request: HttpRequest, name: string, fallback: number, min: number): number | HttpResponseInit {
  const text = request.query.get(name);
  if (text === null || text === '') return fallback;
  if (!/^\d{1,10}$/.test(text) || Number(text) < min || Number(text) > 2 ** 31 - 1) return badRequest(name, `must be an integer from ${min} to ${2 ** 31 - 1}`, 'InvalidRequest');
  return Number(text);
}

export async function handleListFeatureImportances(request: HttpRequest, deps: FeatureImportanceApiDeps): Promise<HttpResponseInit> {
  const top = intParameter(request, 'top', 2 ** 31 - 1, 0);
  if (typeof top !== 'number') return top;
  const skip = intParameter(request, 'skip', 0, 0);
  if (typeof skip !== 'number') return skip;
  const pageSize = intParameter(request, 'maxpagesize', 100, 1);
  if (typeof pageSize !== 'number') return pageSize;
  return guarded('listing the feature importances', deps, async () => {
    const nowMs = (deps.now ?? (() => new Date()))().getTime();
    // skip, then at most top, served in pages of maxpagesize; nextLink asks for the rest.
    const remaining = (await deps.store.list()).slice(skip, skip + top);
    const page = remaining.slice(0, pageSize).map((j) => {
      const { id, name, startTime, endTime, creationTime, status } = wireOf(j, nowMs);
      return { id, name, startTime, endTime, creationTime, status };
    });
    const body: { value: typeof page; nextLink?: string } = { value: page };
    if (remaining.length > pageSize) {
      const next = new URL(request.url);
      next.searchParams.set('skip', String(skip + pageSize));
      next.searchParams.set('top', String(top - pageSize));
      next.searchParams.set('maxpagesize', String(pageSize));
      body.nextLink = next.toString();
    }
    return { status: 200, jsonBody: body, headers: NO_STORE };
  });
}
