// POST /personalizer/v1.0/events/{eventId}/activate: 204, published as an `activation` event
// (for decisions ranked with deferActivation=true that the user did get to see).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { API_KEY_HEADER } from '../apiKeyAuth';
import { activationEvent } from '../../events/learningEvents';
import { unauthorized } from '../personalizerErrors';
import { publishOne, verifyEvent, type EventCallDeps } from './eventCallDeps';

export async function handleActivate(request: HttpRequest, deps: EventCallDeps): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const verified = verifyEvent(request.params.eventId ?? '', deps, 'InvalidEventIdToActivate');
  if ('response' in verified) return verified.response;
  const c = verified.claims;
  const now = new Date((deps.now ?? Date.now)());
  const failed = await publishOne(
    activationEvent({ eventId: request.params.eventId, issuedAtMs: c.issuedAtMs, userId: c.userId, anonymous: c.anonymous, rewardActionId: c.rewardActionId, ...(c.source ? { source: c.source } : {}) }, now),
    deps,
    'activation',
  );
  return failed ?? { status: 204, headers: { 'cache-control': 'no-store' } };
}
