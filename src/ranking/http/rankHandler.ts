// POST /personalizer/v1.0/rank: Personalizer's Rank, answered 201 with {ranking, eventId, rewardActionId}.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { API_KEY_HEADER, type ApiKeyCheck } from '../apiKeyAuth';
import { badRequest, personalizerError, serviceUnavailable, unauthorized } from '../personalizerErrors';
import { parseRankRequest, type RankRequest } from '../rankRequest';
import { RankerNotConfiguredError, type DecisionInput, type Ranker } from '../ranker';
import { readJsonBody } from '../../common/readJsonBody';

/** Largest rank body: its decision event (the body plus scores) must fit one 1 MB Event Hubs message. */
export const MAX_RANK_BODY_BYTES = 512 * 1024;

export interface RankHandlerDeps {
  apiKeys: ApiKeyCheck;
  /** The ranker, once its model and priors are loaded. */
  ranker: () => Promise<Ranker>;
  log?: (message: string) => void;
}

type Parsed<R> = { ok: true; request: R } | { ok: false; field: string; message: string };

/**
 * The shape every rank call shares (single- and multi-slot): key, bounded body, parse (400 naming
 * the field), rank, 201 with the model version, 503 while the ranker is not configured, 500 else.
 */
export async function answerRankCall<R, O extends { modelVersion?: string | null }>(
  request: HttpRequest,
  deps: RankHandlerDeps,
  call: { label: string; parse: (body: unknown) => Parsed<R>; rank: (ranker: Ranker, request: R) => Promise<O>; answer: (outcome: O) => unknown },
): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const body = await readJsonBody(request, MAX_RANK_BODY_BYTES);
  if (!body.ok && body.tooLarge) {
    return personalizerError(413, 'BadRequest', `body: Exceeds maximum allowed payload size (${MAX_RANK_BODY_BYTES} bytes).`, 'PayloadSizeExceeded', 'body');
  }
  if (!body.ok) return badRequest('body', body.message, 'InvalidRankRequest');
  const parsed = call.parse(body.value);
  if (!parsed.ok) return badRequest(parsed.field, parsed.message, 'InvalidRankRequest');
  try {
    const outcome = await call.rank(await deps.ranker(), parsed.request);
    return {
      status: 201,
      jsonBody: call.answer(outcome),
      headers: { 'cache-control': 'no-store', ...(outcome.modelVersion ? { 'x-model-version': outcome.modelVersion } : {}) },
    };
  } catch (error) {
    if (error instanceof RankerNotConfiguredError) {
      deps.log?.(`${call.label}: ${error.message}`);
      return serviceUnavailable('Ranking is not configured on this service; see the logs.');
    }
    deps.log?.(`${call.label} failed: ${(error as Error).stack ?? error}`);
    return personalizerError(500, 'InternalServerError', 'A generic error has occurred on the server.', 'RankNullResponse');
  }
}

/** The ranker's input from what a Personalizer rank body (single- or multi-slot) says of every decision: a client's eventId stays theirs. */
export function personalizerDecisionInput(r: Omit<RankRequest, 'excludedActions'>): DecisionInput {
  return { contextFeatures: r.contextFeatures, actions: r.actions, clientEventId: r.eventId, deferActivation: r.deferActivation, userId: r.userId, source: 'rank' };
}

export function handleRank(request: HttpRequest, deps: RankHandlerDeps): Promise<HttpResponseInit> {
  return answerRankCall(request, deps, {
    label: 'rank',
    parse: parseRankRequest,
    rank: (ranker, r) =>
      ranker.rank({ ...personalizerDecisionInput(r), excludedActions: r.excludedActions }),
    answer: (outcome) => ({ ranking: outcome.ranking, eventId: outcome.eventId, rewardActionId: outcome.rewardActionId }),
  });
}
