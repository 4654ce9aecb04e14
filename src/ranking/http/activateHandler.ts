// POST …/events/{eventId}/activate: 204, published as an `activation` event (for decisions ranked
// with deferActivation=true that the user did get to see). Any event id is accepted, as for rewards.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { API_KEY_HEADER } from '../apiKeyAuth';
import { activationEvent } from '../../events/learningEvents';
import { unauthorized } from '../personalizerErrors';
import { publishOne, resolveEvent, type EventCallDeps } from './eventCallDeps';

export async function handleActivate(request: HttpRequest, deps: EventCallDeps, eventId = request.params.eventId ?? ''): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const resolved = resolveEvent(eventId, deps, 'InvalidEventIdToActivate');
  if ('response' in resolved) return resolved.response;
  const c = resolved.claims;
  const now = new Date((deps.now ?? Date.now)());
  const failed = await publishOne(
    activationEvent(
      c ? { eventId, issuedAtMs: c.issuedAtMs, userId: c.userId, anonymous: c.anonymous, rewardActionId: c.rewardActionId, ...(c.source ? { source: c.source } : {}) } : { eventId },
      now,
    ),
    deps,
    'activation',
  );
  return failed ?? { status: 204, headers: { 'cache-control': 'no-store' } };
}
