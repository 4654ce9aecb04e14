// Offline evaluations and applying their learning settings:
//   GET    /evaluations                      Evaluations_List (v1.0: Evaluation[]; preview: Evaluations, paged)
//   POST   /evaluations                      Evaluations_Create (v1.0: 201 + Location, the id is made here)
//   PUT    /evaluations/{evaluationId}       Evaluations_Create (preview: 200 + Location, the client's id)
//   GET    /evaluations/{evaluationId}       Evaluations_Get
//   DELETE /evaluations/{evaluationId}       Evaluations_Delete (204, also when it did not exist)
//   POST   /configurations/applyFromEvaluation   ServiceConfiguration_ApplyFromEvaluation (preview)
// A create stores the evaluation, claims it for this instance and answers at once (status Running
// / pending); the job runs on (src/training/evaluations/evaluationJobs.ts, wired in by src/app),
// and the resumePersonalizerJobs timer takes over an evaluation whose instance stopped.
import crypto from 'node:crypto';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readJsonBody } from '../../common/readJsonBody';
import { applyPolicyUpdate, checkPolicyUpdate, type StoredConfiguration } from '../configuration/serviceConfiguration';
import { FINISHED_WITH_RESULTS, type EvaluationStore } from '../evaluations/evaluationStore';
import { checkEvaluationRequest, checkSeriesQuery, evaluationDetails, previewEvaluation, stableEvaluation } from '../evaluations/evaluationWire';
import { badRequest, personalizerError, serviceUnavailable } from '../personalizerErrors';
import type { ConfigurationApiDeps } from './configurationHandlers';

export interface EvaluationApiDeps {
  store: EvaluationStore;
  /** Apply-from-evaluation writes the learning settings through the configuration store. */
  configuration: ConfigurationApiDeps;
  /** Claims the stored evaluation for this instance and starts its job; resolves once claimed. */
  start: (evaluationId: string) => Promise<void>;
  newId?: () => string;
  now?: () => Date;
  log?: (message: string) => void;
}

type Family = 'v1.0' | '2022-09-01-preview';
const STABLE: Family = 'v1.0';
const NO_STORE = { 'cache-control': 'no-store' };
const MAX_ID_LENGTH = 256;

async function guarded(what: string, deps: EvaluationApiDeps, run: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await run();
  } catch (error) {
    deps.log?.(`${what} failed: ${(error as Error).stack ?? error}`);
    return serviceUnavailable(`The evaluation store is unavailable right now (${what}); try again.`);
  }
}

const notFound = (evaluationId: string) =>
  personalizerError(404, 'ResourceNotFound', `evaluationId: no offline evaluation "${evaluationId}"`, 'EvaluationNotFound', 'evaluationId');

function locationOf(request: HttpRequest, evaluationId: string): string {
  const url = new URL(request.url);
  const base = url.pathname.replace(/\/evaluations(\/[^/]*)?\/?$/i, '/evaluations');
  return `${url.origin}${base}/${encodeURIComponent(evaluationId)}${url.search}`;
}

function nonNegativeInteger(q: HttpRequest['query'], name: string, fallback: number): number | string {
  const text = q.get(name);
  if (text === null || text === '') return fallback;
  const v = Number(text);
  return Number.isInteger(v) && v >= 0 ? v : `${name}: must be an integer ≥ 0, got "${text}"`;
}

export function handleListEvaluations(request: HttpRequest, family: Family, deps: EvaluationApiDeps): Promise<HttpResponseInit> {
  return guarded('listing evaluations', deps, async () => {
    const all = await deps.store.list();
    if (family === STABLE) return { status: 200, jsonBody: all.map((r) => stableEvaluation(r, false)), headers: NO_STORE };
    const skip = nonNegativeInteger(request.query, 'skip', 0);
    const top = nonNegativeInteger(request.query, 'top', Number.MAX_SAFE_INTEGER);
    const pageSize = nonNegativeInteger(request.query, 'maxpagesize', 100);
    for (const [v, name] of [[skip, 'skip'], [top, 'top'], [pageSize, 'maxpagesize']] as const) {
      if (typeof v === 'string') return badRequest(name, v.slice(name.length + 2), 'InvalidRequest');
    }
    const [s, t, m] = [skip as number, top as number, Math.max(1, pageSize as number)];
    const wanted = all.slice(s, s + t);
    const page = wanted.slice(0, m);
    const body: Record<string, unknown> = { value: page.map(evaluationDetails) };
    if (wanted.length > page.length) {
      const url = new URL(request.url);
      url.searchParams.set('skip', String(s + page.length));
      url.searchParams.set('top', String(t - page.length));
      url.searchParams.set('maxpagesize', String(m));
      body.nextLink = url.toString();
    }
    return { status: 200, jsonBody: body, headers: NO_STORE };
  });
}

export async function handleCreateEvaluation(request: HttpRequest, family: Family, pathId: string | undefined, deps: EvaluationApiDeps): Promise<HttpResponseInit> {
  if (pathId !== undefined && (pathId.length > MAX_ID_LENGTH || pathId.trim() === '')) return badRequest('evaluationId', `must be 1-${MAX_ID_LENGTH} characters`, 'InvalidEvaluationContract');
  const body = await readJsonBody(request, 64 * 1024);
  if (!body.ok) return badRequest('body', body.message, 'InvalidEvaluationContract');
  const checked = checkEvaluationRequest(body.value);
  if (!checked.ok) return badRequest(checked.field, checked.message, checked.code);
  const now = (deps.now ?? (() => new Date()))();
  const evaluationId = pathId ?? (deps.newId ?? (() => crypto.randomUUID()))();
  return guarded('creating an evaluation', deps, async () => {
    const v = checked.value;
    const record = {
      evaluationId,
      name: v.name,
      startTime: v.startTime,
      endTime: v.endTime,
      creationTime: now.toISOString(),
      status: 'NotSubmitted' as const,
      policies: v.policies,
      discovery: v.discovery,
      attempts: 0,
    };
    if (!(await deps.store.create(record, now))) {
      return personalizerError(409, 'BadRequest', `evaluationId: an evaluation with id "${evaluationId}" already exists`, 'EvaluationAlreadyExists', 'evaluationId');
    }
    try {
      await deps.start(evaluationId);
    } catch (error) {
      // Stored but not started here: the resumePersonalizerJobs timer starts it within a minute.
      deps.log?.(`evaluation ${evaluationId}: not started on this instance (${(error as Error).message}); the timer will start it`);
    }
    const stored = (await deps.store.get(evaluationId)) ?? record;
    const headers = { ...NO_STORE, location: locationOf(request, evaluationId) };
    if (family === STABLE) return { status: 201, jsonBody: stableEvaluation(stored), headers };
    return { status: 200, headers };
  });
}

export function handleGetEvaluation(request: HttpRequest, family: Family, evaluationId: string, deps: EvaluationApiDeps): Promise<HttpResponseInit> {
  return guarded('reading an evaluation', deps, async () => {
    const record = await deps.store.get(evaluationId);
    if (!record) return notFound(evaluationId);
    if (family === STABLE) return { status: 200, jsonBody: stableEvaluation(record), headers: NO_STORE };
    const query = checkSeriesQuery(request.query, record);
    if (!query.ok) return badRequest(query.field, query.message, 'InvalidRequest');
    return { status: 200, jsonBody: previewEvaluation(record, query.value), headers: NO_STORE };
  });
}

export function handleDeleteEvaluation(evaluationId: string, deps: EvaluationApiDeps): Promise<HttpResponseInit> {
  return guarded('deleting an evaluation', deps, async () => {
    // A job still running finds its document gone and drops its result (EvaluationStore.finish).
    await deps.store.delete(evaluationId);
    return { status: 204, headers: NO_STORE };
  });
}

export async function handleApplyFromEvaluation(request: HttpRequest, deps: EvaluationApiDeps): Promise<HttpResponseInit> {
  const body = await readJsonBody(request, 16 * 1024);
  if (!body.ok) return badRequest('body', body.message, 'InvalidRequest');
  const b = body.value;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return badRequest('body', 'must be a PolicyReferenceContract: {"evaluationId", "policyName"}', 'InvalidRequest');
  const fields = b as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (key !== 'evaluationId' && key !== 'policyName') return badRequest(key, 'is not a PolicyReferenceContract field', 'InvalidRequest');
  for (const key of ['evaluationId', 'policyName']) {
    const v = fields[key];
    if (typeof v !== 'string' || v === '' || v.length > MAX_ID_LENGTH) return badRequest(key, `is required: 1-${MAX_ID_LENGTH} characters`, 'InvalidRequest');
  }
  const evaluationId = fields.evaluationId as string;
  const policyName = fields.policyName as string;
  const now = (deps.now ?? (() => new Date()))();
  return guarded('applying learning settings from an evaluation', deps, async () => {
    const record = await deps.store.get(evaluationId);
    if (!record) return notFound(evaluationId);
    if (!FINISHED_WITH_RESULTS.includes(record.status) || !record.result) {
      return personalizerError(409, 'OperationNotAllowed', `evaluationId: the evaluation is ${record.status}; only a finished evaluation's learning settings can be applied`, 'OperationNotAllowed', 'evaluationId');
    }
    const policy = record.result.policies.find((p) => p.name === policyName) ?? record.result.policies.find((p) => p.name.toLowerCase() === policyName.toLowerCase());
    if (!policy) {
      const names = record.result.policies.map((p) => p.name).join(', ');
      return personalizerError(404, 'ResourceNotFound', `policyName: no learning settings "${policyName}" in the evaluation (${names})`, 'LearningSettingsNotFound', 'policyName');
    }
    if (policy.source === 'Baseline' || policy.source === 'Random') {
      return badRequest('policyName', `"${policy.name}" is a reference the evaluation compares with, not learning settings`, 'InvalidPolicyConfiguration');
    }
    const checked = checkPolicyUpdate({ name: policy.name, arguments: policy.arguments });
    if (!checked.ok) return badRequest('policyName', `its arguments cannot be applied: ${checked.error.message}`, 'InvalidPolicyConfiguration');
    let stored: StoredConfiguration | undefined;
    await deps.configuration.store.update((current) => {
      stored = applyPolicyUpdate(current, checked.value, now);
      return { next: stored, result: undefined };
    }, now);
    // This instance at once; the others within RankingConfigRefreshSeconds (ConfigurationCache).
    deps.configuration.cache.set(stored!);
    deps.log?.(`configuration: learning settings "${policy.name}" (${policy.arguments}) applied from evaluation ${evaluationId}`);
    return { status: 204, headers: NO_STORE };
  });
}
