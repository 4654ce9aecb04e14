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
export type NoRewardReason = 'malformed' | 'forged' | 'expired' | 'future' | 'otherUser' | 'otherOffer';

export type TrackedRewardResult = { reward: TrackedEvent } | { skipped: NoRewardReason } | undefined;

const REWARDING: ReadonlySet<string> = new Set(REWARDING_EVENT_TYPES);

/**
 * The reward an accepted tracked event gives, `{ skipped }` when its decisionId does not verify
 * (forged, expired, another shopper's), or undefined when it carries none. Pure computation: the
 * signed id says which decision, action and shopper; no lookup.
 */
export function trackedRewardFor(event: TrackedEvent, deps: TrackedRewardDeps, now: Date): TrackedRewardResult {
  const decisionId = event.decisionId;
  const offerClick = event.type === 'offer_click';
  if (decisionId === undefined || !(REWARDING.has(event.type) || offerClick)) return undefined;
  const verified = verifyEventId(decisionId, deps.signingKeys, now.getTime(), deps.rewardWaitSeconds * 1000);
  if (!verified.ok) return { skipped: verified.reason };
  const c = verified.claims;
  // A decision of a known shopper is rewarded only by that shopper's events (a logged-in shopper's
  // events usually carry both ids, so one that was anonymous when recommended still matches).
  if (c.userId !== undefined && event.userId !== c.userId && event.anonymousId !== c.userId) return { skipped: 'otherUser' };
  // A ranking rewards the offer it chose (Personalizer's rewardActionId); a click on another offer is not its reward.
  if (offerClick && event.offerId !== c.rewardActionId) return { skipped: 'otherOffer' };
  // An offer click is a click: valued like a recommended product's (RecommendationClickReward).
  const value = deps.values[offerClick ? 'product_view' : (event.type as RewardingEventType)];
  const reward = trackedRewardEvent(
    { eventId: decisionId, issuedAtMs: c.issuedAtMs, userId: c.userId, anonymous: c.anonymous, rewardActionId: c.rewardActionId, value },
    {
      type: event.type, id: event.id,
      ...(event.productId !== undefined ? { productId: event.productId } : {}),
      ...(event.offerId !== undefined ? { offerId: event.offerId } : {}),
      userKey: event.userId ?? event.anonymousId ?? '',
    },
    now,
  );
  return { reward };
}
