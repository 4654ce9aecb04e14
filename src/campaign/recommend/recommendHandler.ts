// POST /api/campaigns/recommend: HTTP in, recommendations out. 400 names the bad field, 404 an
// unknown lead or campaign, 503 when no model is loaded or the store is unavailable.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { isTransientError } from '../../common/retry';
import { readJsonBody } from '../../common/readJsonBody';
import { parseRecommendRequest } from './recommendRequest';
import { recommend, RecommendError, type RecommendDeps } from './recommender';

export interface RecommendHandlerDeps extends RecommendDeps {
  maxLeads: number;
  log: (message: string) => void;
}

/** Room for 1,000 inline leads with long ids. */
const MAX_BODY_BYTES = 1024 * 1024;

const json = (status: number, body: unknown): HttpResponseInit => ({ status, jsonBody: body, headers: { 'cache-control': 'no-store' } });

export async function handleRecommend(request: HttpRequest, deps: RecommendHandlerDeps): Promise<HttpResponseInit> {
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  if (!body.ok) return json(body.tooLarge ? 413 : 400, { error: `body: ${body.message}`, field: 'body' });
  const checked = parseRecommendRequest(body.value, deps.maxLeads);
  if (!checked.ok) {
    const first = checked.errors[0];
    return json(400, { error: checked.errors.map((e) => `${e.field}: ${e.message}`).join('; '), field: first.field, errors: checked.errors });
  }
  try {
    return json(200, await recommend(checked.request, deps));
  } catch (error) {
    if (error instanceof RecommendError) return json(error.status, { error: error.field ? `${error.field}: ${error.message}` : error.message, ...(error.field ? { field: error.field } : {}) });
    if (isTransientError(error)) {
      deps.log(`campaign recommend: ${(error as Error).message}`);
      return { ...json(503, { error: 'the leads store is busy or unavailable; try again' }), headers: { 'retry-after': '5', 'cache-control': 'no-store' } };
    }
    deps.log(`campaign recommend failed: ${(error as Error)?.stack ?? String(error)}`);
    return json(500, { error: 'recommend failed' });
  }
}
