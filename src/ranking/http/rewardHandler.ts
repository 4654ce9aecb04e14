// POST /personalizer/v1.0/events/{eventId}/reward with {"value": number}: 204, published as a
// `reward` event for the rewardActionId signed into the eventId.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { API_KEY_HEADER } from '../apiKeyAuth';
import { rewardEvent } from '../../events/learningEvents';
import { badRequest, unauthorized } from '../personalizerErrors';
import { publishOne, verifyEvent, type EventCallDeps } from './eventCallDeps';
import { readJsonBody } from '../../common/readJsonBody';

export async function handleReward(request: HttpRequest, deps: EventCallDeps): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const body = await readJsonBody(request, 4096);
  if (!body.ok) return badRequest('body', body.message, 'InvalidRewardRequest');
  const value = typeof body.value === 'object' && body.value !== null && !Array.isArray(body.value) ? (body.value as { value?: unknown }).value : undefined;
  if (value === undefined || value === null) return badRequest('value', 'is required: send {"value": <number>}', 'InvalidRewardRequest');
  if (typeof value !== 'number' || !Number.isFinite(value)) return badRequest('value', 'must be a finite number', 'InvalidRewardRequest');
  if (value < deps.rewardMin || value > deps.rewardMax) {
    return badRequest('value', `must be between ${deps.rewardMin} and ${deps.rewardMax}, got ${value}`, 'InvalidRewardRequest');
  }
  const verified = verifyEvent(request.params.eventId ?? '', deps, 'InvalidRewardRequest');
  if ('response' in verified) return verified.response;
  const c = verified.claims;
  const now = new Date((deps.now ?? Date.now)());
  const failed = await publishOne(
    rewardEvent({ eventId: request.params.eventId, issuedAtMs: c.issuedAtMs, userId: c.userId, anonymous: c.anonymous, rewardActionId: c.rewardActionId, value, ...(c.source ? { source: c.source } : {}) }, now),
    deps,
    'reward',
  );
  return failed ?? { status: 204, headers: { 'cache-control': 'no-store' } };
}
