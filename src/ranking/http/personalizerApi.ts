// Every served operation of Personalizer's two published API definitions, behind one dispatcher:
//   /personalizer/v1.0/<path>                                  (stable v1.0, what the SDKs speak)
//   /personalizer/<path>?api-version=2022-09-01-preview        (adds multi-slot, model import, ...)
// One implementation per operation serves both families; an operation that only the preview
// defines is 404 under v1.0, as it was on Personalizer. Every call needs Ocp-Apim-Subscription-Key.
// The table below is what docs/personalizer-migration.md lists; the contract test walks it.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { API_KEY_HEADER, type ApiKeyCheck } from '../apiKeyAuth';
import { badRequest, personalizerError, unauthorized } from '../personalizerErrors';
import type { Ranker } from '../ranker';
import type { EventCallDeps } from './eventCallDeps';
import { handleRank } from './rankHandler';
import { handleReward } from './rewardHandler';
import { handleActivate } from './activateHandler';
import { handleMultiSlotActivate, handleMultiSlotRank, handleMultiSlotReward } from './multiSlotHandlers';
import {
  handleGetPolicy,
  handleGetServiceConfiguration,
  handleResetPolicy,
  handleUpdatePolicy,
  handleUpdateServiceConfiguration,
  type ConfigurationApiDeps,
} from './configurationHandlers';
import { handleGetModel, handleImportModel, handleModelProperties, handleResetModel, type ModelApiDeps } from './modelHandlers';
import { handleLogDelete, handleLogProperties, type LogApiDeps } from './logHandlers';
import { handleLogInteractions, handleLogObservations, type LogUploadDeps } from './logUploadHandlers';
import {
  handleCreateFeatureImportance,
  handleDeleteFeatureImportance,
  handleGetFeatureImportance,
  handleListFeatureImportances,
  type FeatureImportanceApiDeps,
} from './featureImportanceHandlers';

export const STABLE = 'v1.0';
export const PREVIEW = '2022-09-01-preview';
export type ApiFamily = typeof STABLE | typeof PREVIEW;

/** What the operations need, each part made on first use (model calls need no Event Hubs, ...). */
export interface PersonalizerApiDeps {
  apiKeys: ApiKeyCheck;
  ranker: () => Promise<Ranker>;
  events: () => EventCallDeps;
  configuration: () => ConfigurationApiDeps;
  models: () => ModelApiDeps;
  logs: () => LogApiDeps;
  logUploads: () => LogUploadDeps;
  featureImportances: () => FeatureImportanceApiDeps;
  log?: (message: string) => void;
}

interface Call {
  request: HttpRequest;
  params: Record<string, string>;
  deps: PersonalizerApiDeps;
}

export interface Operation {
  operationId: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Relative to the family's base path; {name} segments are parameters. */
  path: string;
  families: readonly ApiFamily[];
  run: (call: Call) => Promise<HttpResponseInit>;
}

const BOTH = [STABLE, PREVIEW] as const;
const PREVIEW_ONLY = [PREVIEW] as const;

export const OPERATIONS: readonly Operation[] = [
  { operationId: 'Rank', method: 'POST', path: '/rank', families: BOTH, run: ({ request, deps }) => handleRank(request, { apiKeys: deps.apiKeys, ranker: deps.ranker, log: deps.log }) },
  { operationId: 'Events_Reward', method: 'POST', path: '/events/{eventId}/reward', families: BOTH, run: ({ request, params, deps }) => handleReward(request, deps.events(), params.eventId) },
  { operationId: 'Events_Activate', method: 'POST', path: '/events/{eventId}/activate', families: BOTH, run: ({ request, params, deps }) => handleActivate(request, deps.events(), params.eventId) },
  { operationId: 'MultiSlot_Rank', method: 'POST', path: '/multislot/rank', families: PREVIEW_ONLY, run: ({ request, deps }) => handleMultiSlotRank(request, { apiKeys: deps.apiKeys, ranker: deps.ranker, log: deps.log }) },
  { operationId: 'MultiSlotEvents_Reward', method: 'POST', path: '/multislot/events/{eventId}/reward', families: PREVIEW_ONLY, run: ({ request, params, deps }) => handleMultiSlotReward(request, deps.events(), params.eventId) },
  { operationId: 'MultiSlotEvents_Activate', method: 'POST', path: '/multislot/events/{eventId}/activate', families: PREVIEW_ONLY, run: ({ request, params, deps }) => handleMultiSlotActivate(request, deps.events(), params.eventId) },
  { operationId: 'ServiceConfiguration_Get', method: 'GET', path: '/configurations/service', families: BOTH, run: ({ deps }) => handleGetServiceConfiguration(deps.configuration()) },
  { operationId: 'ServiceConfiguration_Update', method: 'PUT', path: '/configurations/service', families: BOTH, run: ({ request, deps }) => handleUpdateServiceConfiguration(request, deps.configuration()) },
  { operationId: 'Policy_Get', method: 'GET', path: '/configurations/policy', families: BOTH, run: ({ deps }) => handleGetPolicy(deps.configuration()) },
  { operationId: 'Policy_Update', method: 'PUT', path: '/configurations/policy', families: BOTH, run: ({ request, deps }) => handleUpdatePolicy(request, deps.configuration()) },
  { operationId: 'Policy_Reset', method: 'DELETE', path: '/configurations/policy', families: BOTH, run: ({ deps }) => handleResetPolicy(deps.configuration()) },
  { operationId: 'Model_Get', method: 'GET', path: '/model', families: BOTH, run: ({ request, deps }) => handleGetModel(request, deps.models()) },
  { operationId: 'Model_Import', method: 'PUT', path: '/model', families: PREVIEW_ONLY, run: ({ request, deps }) => handleImportModel(request, deps.models()) },
  { operationId: 'Model_Reset', method: 'DELETE', path: '/model', families: BOTH, run: ({ deps }) => handleResetModel(deps.models()) },
  { operationId: 'Model_GetProperties', method: 'GET', path: '/model/properties', families: BOTH, run: ({ deps }) => handleModelProperties(deps.models()) },
  { operationId: 'Log_GetProperties', method: 'GET', path: '/logs/properties', families: BOTH, run: ({ deps }) => handleLogProperties(deps.logs()) },
  { operationId: 'Log_Delete', method: 'DELETE', path: '/logs', families: BOTH, run: ({ request, deps }) => handleLogDelete(request, deps.logs()) },
  { operationId: 'Log_Interactions', method: 'POST', path: '/logs/interactions', families: PREVIEW_ONLY, run: ({ request, deps }) => handleLogInteractions(request, deps.logUploads()) },
  { operationId: 'Log_Observations', method: 'POST', path: '/logs/observations', families: PREVIEW_ONLY, run: ({ request, deps }) => handleLogObservations(request, deps.logUploads()) },
  { operationId: 'FeatureImportances_List', method: 'GET', path: '/featureImportances', families: PREVIEW_ONLY, run: ({ request, deps }) => handleListFeatureImportances(request, deps.featureImportances()) },
  { operationId: 'FeatureImportances_Get', method: 'GET', path: '/featureImportances/{featureImportanceId}', families: PREVIEW_ONLY, run: ({ params, deps }) => handleGetFeatureImportance(params.featureImportanceId, deps.featureImportances()) },
  { operationId: 'FeatureImportances_Create', method: 'PUT', path: '/featureImportances/{featureImportanceId}', families: PREVIEW_ONLY, run: ({ request, params, deps }) => handleCreateFeatureImportance(request, params.featureImportanceId, deps.featureImportances()) },
  { operationId: 'FeatureImportances_Delete', method: 'DELETE', path: '/featureImportances/{featureImportanceId}', families: PREVIEW_ONLY, run: ({ params, deps }) => handleDeleteFeatureImportance(params.featureImportanceId, deps.featureImportances()) },
];

/**
 * The operations of the definitions this service leaves out (docs/personalizer-migration.md says
 * why); they answer 404 like any path Personalizer did not have.
 */
export const NOT_SERVED: readonly { operationId: string; method: string; path: string }[] = [
  { operationId: 'Evaluations_List', method: 'GET', path: '/evaluations' },
  { operationId: 'Evaluations_Create', method: 'POST', path: '/evaluations' },
  { operationId: 'Evaluations_Create', method: 'PUT', path: '/evaluations/{evaluationId}' },
  { operationId: 'Evaluations_Get', method: 'GET', path: '/evaluations/{evaluationId}' },
  { operationId: 'Evaluations_Delete', method: 'DELETE', path: '/evaluations/{evaluationId}' },
  { operationId: 'ServiceConfiguration_ApplyFromEvaluation', method: 'POST', path: '/configurations/applyFromEvaluation' },
];

const compiled = OPERATIONS.map((op) => ({ op, segments: op.path.split('/').slice(1) }));

function match(segments: string[], pattern: string[]): Record<string, string> | undefined {
  if (segments.length !== pattern.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith('{')) {
      if (segments[i] === '') return undefined;
      params[p.slice(1, -1)] = segments[i];
    } else if (p.toLowerCase() !== segments[i].toLowerCase()) return undefined;
  }
  return params;
}

const notFound = () => personalizerError(404, 'ResourceNotFound', 'Requested resource does not exist on the server.', 'ResourceNotFound');

/**
 * Serves one call. `path` is what follows /personalizer/ in the URL (the route's catch-all):
 * "v1.0/rank" for the stable family, "rank" (with ?api-version=2022-09-01-preview) for the preview.
 */
export async function handlePersonalizer(request: HttpRequest, path: string, deps: PersonalizerApiDeps): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const all = path.split('/').filter((s, i, a) => s !== '' || i < a.length - 1);
  let family: ApiFamily;
  let segments: string[];
  if (all[0]?.toLowerCase() === 'v1.0') {
    family = STABLE;
    segments = all.slice(1);
  } else {
    const version = request.query.get('api-version');
    if (version === null || version === '') return badRequest('api-version', `is required: ${PREVIEW} (or call /personalizer/v1.0/...)`, 'InvalidRequest');
    if (version !== PREVIEW) return badRequest('api-version', `"${version}" is not supported; use ${PREVIEW} (or call /personalizer/v1.0/...)`, 'InvalidRequest');
    family = PREVIEW;
    segments = all;
  }
  let pathMatched = false;
  for (const { op, segments: pattern } of compiled) {
    if (!op.families.includes(family)) continue;
    const params = match(segments, pattern);
    if (!params) continue;
    pathMatched = true;
    if (op.method !== request.method.toUpperCase()) continue;
    try {
      return await op.run({ request, params, deps });
    } catch (error) {
      deps.log?.(`${op.operationId} failed: ${(error as Error).stack ?? error}`);
      return personalizerError(500, 'InternalServerError', 'A generic error has occurred on the server.');
    }
  }
  if (pathMatched) return { ...personalizerError(405, 'BadRequest', `${request.method} is not supported on this path.`, 'InvalidRequest'), headers: { 'cache-control': 'no-store' } };
  return notFound();
}
