// POST …/events/{eventId}/reward with {"value": number}: 204, published as a `reward` event. For
// an id this service signed, the reward names the decision's action and user; for any other id
// (a client's own) it names only the id (eventCallDeps.ts).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { API_KEY_HEADER } from '../apiKeyAuth';
import { rewardEvent } from '../../events/learningEvents';
import { badRequest, unauthorized } from '../personalizerErrors';
import { publishOne, resolveEvent, type EventCallDeps } from './eventCallDeps';
import { readJsonBody } from '../../common/readJsonBody';

/** The reward value of a body, or the 400 naming the field. */
export function rewardValue(body: unknown, field: string, deps: Pick<EventCallDeps, 'rewardMin' | 'rewardMax'>): { value: number } | { response: HttpResponseInit } {
  const value = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { value?: unknown }).value : undefined;
  if (value === undefined || value === null) return { response: badRequest(field, 'is required: send {"value": <number>}', 'InvalidRewardRequest') };
  if (typeof value !== 'number' || !Number.isFinite(value)) return { response: badRequest(field, 'must be a finite number', 'InvalidRewardRequest') };
  if (value < deps.rewardMin || value > deps.rewardMax) {
    return { response: badRequest(field, `must be between ${deps.rewardMin} and ${deps.rewardMax}, got ${value}`, 'InvalidRewardRequest') };
  }
  return { value };
}

export async function handleReward(request: HttpRequest, deps: EventCallDeps, eventId = request.params.eventId ?? ''): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const body = await readJsonBody(request, 4096);
  if (!body.ok) return badRequest('body', body.message, 'InvalidRewardRequest');
  const checked = rewardValue(body.value, 'value', deps);
  if ('response' in checked) return checked.response;
  const resolved = resolveEvent(eventId, deps, 'InvalidRewardRequest');
  if ('response' in resolved) return resolved.response;
  const c = resolved.claims;
  const now = new Date((deps.now ?? Date.now)());
  const failed = await publishOne(
    rewardEvent(
      c
        ? { eventId, issuedAtMs: c.issuedAtMs, userId: c.userId, anonymous: c.anonymous, rewardActionId: c.rewardActionId, value: checked.value, ...(c.source ? { source: c.source } : {}) }
        : { eventId, value: checked.value },
      now,
    ),
    deps,
    'reward',
  );
  return failed ?? { status: 204, headers: { 'cache-control': 'no-store' } };
}
