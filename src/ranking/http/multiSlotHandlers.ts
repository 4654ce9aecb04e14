// 2022-09-01-preview multi-slot calls:
//   POST /multislot/rank                       201 {slots: [{id, rewardActionId}], eventId}
//   POST /multislot/events/{eventId}/reward    {reward: [{slotId, value}]} → 204, one reward event per slot
//   POST /multislot/events/{eventId}/activate  204
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readJsonBody } from '../../common/readJsonBody';
import { rewardEvent } from '../../events/learningEvents';
import { API_KEY_HEADER, type ApiKeyCheck } from '../apiKeyAuth';
import { parseMultiSlotRankRequest, MAX_SLOTS } from '../multiSlotRequest';
import { badRequest, unauthorized } from '../personalizerErrors';
import type { Ranker } from '../ranker';
import { publishOne, resolveEvent, type EventCallDeps } from './eventCallDeps';
import { answerRankCall, personalizerDecisionInput } from './rankHandler';
import { rewardValue } from './rewardHandler';
import { handleActivate } from './activateHandler';

export interface MultiSlotRankDeps {
  apiKeys: ApiKeyCheck;
  ranker: () => Promise<Ranker>;
  log?: (message: string) => void;
}

export function handleMultiSlotRank(request: HttpRequest, deps: MultiSlotRankDeps): Promise<HttpResponseInit> {
  return answerRankCall(request, deps, {
    label: 'multislot rank',
    parse: parseMultiSlotRankRequest,
    rank: (ranker, r) =>
      ranker.rankSlots({ ...personalizerDecisionInput(r), slots: r.slots }),
    answer: (outcome) => ({ slots: outcome.slots.map((s) => ({ id: s.id, ...(s.rewardActionId !== undefined ? { rewardActionId: s.rewardActionId } : {}) })), eventId: outcome.eventId }),
  });
}

export async function handleMultiSlotReward(request: HttpRequest, deps: EventCallDeps, eventId: string): Promise<HttpResponseInit> {
  if (!deps.apiKeys.accepts(request.headers.get(API_KEY_HEADER))) return unauthorized();
  const body = await readJsonBody(request, 64 * 1024);
  if (!body.ok) return badRequest('body', body.message, 'InvalidRewardRequest');
  const rewards = typeof body.value === 'object' && body.value !== null && !Array.isArray(body.value) ? (body.value as { reward?: unknown }).reward : undefined;
  if (!Array.isArray(rewards) || rewards.length === 0 || rewards.length > MAX_SLOTS) {
    return badRequest('reward', `is required: an array of 1 to ${MAX_SLOTS} {"slotId", "value"} objects`, 'InvalidRewardRequest');
  }
  const checked: { slotId: string; value: number }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rewards.length; i++) {
    const item = rewards[i] as { slotId?: unknown } | null;
    const slotId = typeof item === 'object' && item !== null ? item.slotId : undefined;
    if (typeof slotId !== 'string' || slotId === '' || slotId.length > 256) return badRequest(`reward[${i}].slotId`, 'must be a string of 1-256 characters', 'InvalidRewardRequest');
    if (seen.has(slotId)) return badRequest(`reward[${i}].slotId`, `"${slotId}" is rewarded twice in this request`, 'InvalidRewardRequest');
    seen.add(slotId);
    const value = rewardValue(item, `reward[${i}].value`, deps);
    if ('response' in value) return value.response;
    checked.push({ slotId, value: value.value });
  }
  const resolved = resolveEvent(eventId, deps, 'InvalidRewardRequest');
  if ('response' in resolved) return resolved.response;
  const c = resolved.claims;
  const now = new Date((deps.now ?? Date.now)());
  // The slot's action is in the logged decision (not in the id): the reward names the slot.
  const events = checked.map((r) =>
    rewardEvent(
      c ? { eventId, issuedAtMs: c.issuedAtMs, userId: c.userId, anonymous: c.anonymous, slotId: r.slotId, value: r.value, ...(c.source ? { source: c.source } : {}) } : { eventId, slotId: r.slotId, value: r.value },
      now,
    ),
  );
  const failed = await publishOne(events, deps, 'reward');
  return failed ?? { status: 204, headers: { 'cache-control': 'no-store' } };
}

export function handleMultiSlotActivate(request: HttpRequest, deps: EventCallDeps, eventId: string): Promise<HttpResponseInit> {
  return handleActivate(request, deps, eventId);
}
