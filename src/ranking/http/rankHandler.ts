// POST /personalizer/v1.0/rank: Personalizer's Rank, answered 201 with {ranking, eventId, rewardActionId}.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { API_KEY_HEADER, type ApiKeyCheck } from '../apiKeyAuth';
import { badRequest, personalizerError, serviceUnavailable, unauthorized } from '../personalizerErrors';
import { parseRankRequest } from '../rankRequest';
import { RankerNotConfiguredError, type Ranker } from '../ranker';
import { readJsonBody } from '../../common/readJsonBody';

/** Largest rank body: its decision event (the body plus scores) must fit one 1 MB Event Hubs message. */
export const MAX_RANK_BODY_BYTES = 512 * 1024;

export interface RankHandlerDeps {
  apiKeys: ApiKeyCheck;
  /** The ranker, once its model and priors are loaded. */
  ranker: () => Promise<Ranker>;
  log?: (message: string) => void;
}

export async function handleRank(request: HttpRequest, deps: RankHandlerDeps): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const body = await readJsonBody(request, MAX_RANK_BODY_BYTES);
  if (!body.ok && body.tooLarge) {
    return personalizerError(413, 'BadRequest', `body: Exceeds maximum allowed payload size (${MAX_RANK_BODY_BYTES} bytes).`, 'PayloadSizeExceeded', 'body');
  }
  if (!body.ok) return badRequest('body', body.message, 'InvalidRankRequest');
  const parsed = parseRankRequest(body.value);
  if (!parsed.ok) return badRequest(parsed.field, parsed.message, 'InvalidRankRequest');
  const r = parsed.request;
  try {
    const ranker = await deps.ranker();
    const outcome = await ranker.rank({
      contextFeatures: r.contextFeatures,
      actions: r.actions,
      excludedActions: r.excludedActions,
      clientEventId: r.eventId,
      deferActivation: r.deferActivation,
      userId: r.userId,
      source: 'rank',
    });
    return {
      status: 201,
      jsonBody: { ranking: outcome.ranking, eventId: outcome.eventId, rewardActionId: outcome.rewardActionId },
      headers: { 'cache-control': 'no-store', ...(outcome.modelVersion ? { 'x-model-version': outcome.modelVersion } : {}) },
    };
  } catch (error) {
    if (error instanceof RankerNotConfiguredError) {
      deps.log?.(`rank: ${error.message}`);
      return serviceUnavailable('Ranking is not configured on this service; see the logs.');
    }
    deps.log?.(`rank failed: ${(error as Error).stack ?? error}`);
    return personalizerError(500, 'InternalServerError', 'A generic error has occurred on the server.', 'RankNullResponse');
  }
}
