// Rewards through the normal event stream: a tracked product event (product_view = the click,
// add_to_cart, purchase) that carries a recommendation's signed eventId as `decisionId` becomes a
// `reward` event of that decision, published with it, so the shop never calls the reward API for
// recommendations (docs/recommendations.md, "Rewards through the event stream"). The decision is
// rewarded like any other: the training join keeps the earliest reward (or sums them, clamped),
// per RankingRewardAggregation, so repeated clicks do not inflate it.
import { REWARDING_EVENT_TYPES, type RewardingEventType, type TrackedEvent } from '../events/eventSchema';
import { trackedRewardEvent } from '../events/learningEvents';
import { verifyEventId } from './eventIdToken';

export interface TrackedRewardDeps {
  signingKeys: readonly Buffer[];
  /** A decision's rewards count within this time; older decision ids give no reward. */
  rewardWaitSeconds: number;
  values: Readonly<Record<RewardingEventType, number>>;
}

/** Why a decisionId gave no reward (the tracked event itself is stored all the same). */
export type NoRewardReason = 'malformed' | 'forged' | 'expired' | 'future' | 'otherUser';

export type TrackedRewardResult = { reward: TrackedEvent } | { skipped: NoRewardReason } | undefined;

const REWARDING: ReadonlySet<string> = new Set(REWARDING_EVENT_TYPES);

/**
 * The reward an accepted tracked event gives, `{ skipped }` when its decisionId does not verify
 * (forged, expired, another shopper's), or undefined when it carries none. Pure computation: the
 * signed id says which decision, action and shopper; no lookup.
 */
export function trackedRewardFor(event: TrackedEvent, deps: TrackedRewardDeps, now: Date): TrackedRewardResult {
  const decisionId = event.decisionId;
  if (decisionId === undefined || !REWARDING.has(event.type)) return undefined;
  const verified = verifyEventId(decisionId, deps.signingKeys, now.getTime(), deps.rewardWaitSeconds * 1000);
  if (!verified.ok) return { skipped: verified.reason };
  const c = verified.claims;
  // A decision of a known shopper is rewarded only by that shopper's events (a logged-in shopper's
  // events usually carry both ids, so one that was anonymous when recommended still matches).
  if (c.userId !== undefined && event.userId !== c.userId && event.anonymousId !== c.userId) return { skipped: 'otherUser' };
  const reward = trackedRewardEvent(
    { eventId: decisionId, issuedAtMs: c.issuedAtMs, userId: c.userId, anonymous: c.anonymous, rewardActionId: c.rewardActionId, value: deps.values[event.type as RewardingEventType] },
    { type: event.type, id: event.id, ...(event.productId !== undefined ? { productId: event.productId } : {}), userKey: event.userId ?? event.anonymousId ?? '' },
    now,
  );
  return { reward };
}
