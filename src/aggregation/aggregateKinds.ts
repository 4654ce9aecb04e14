// The kinds of windowed aggregate documents: what each counts and how one event adds to it.
import type { EventType, TrackedEvent } from '../events/eventSchema';
import { addMoney, roundMoney } from './money';

export type AggregateKind = 'offer' | 'offerSegment' | 'product' | 'channel' | 'eventType' | 'decisionSource' | 'campaign';
export type Counters = Record<string, number>;

/** Counter fields of each kind, in document order. Money fields are summed at 6 decimals. */
export const COUNTER_FIELDS: Record<AggregateKind, readonly string[]> = {
  offer: ['views', 'clicks', 'decisions', 'rewards', 'rewardSum', 'activations'],
  offerSegment: ['views', 'clicks'],
  product: ['views', 'addToCarts', 'removeFromCarts', 'purchases', 'quantity', 'revenue'],
  channel: [
    'events', 'pageViews', 'productViews', 'addToCarts', 'removeFromCarts', 'purchases',
    'offerViews', 'offerClicks', 'decisions', 'rewards', 'activations', 'revenue',
  ],
  eventType: ['count'],
  decisionSource: ['decisions', 'explored', 'activations', 'rewards', 'positiveRewards', 'rewardSum'],
  // Contacts of a campaign by contact channel, and the responses as they arrive.
  campaign: ['touches', 'emailTouches', 'smsTouches', 'callTouches', 'responses'],
};

export const MONEY_FIELDS = new Set(['rewardSum', 'revenue']);

/**
 * What one reward event adds to the reward counters. A decision's reward counts once however often
 * it is posted (src/aggregation/rewardLedger.ts decides each reward event's share); a reward
 * that names no decision counts as it is.
 */
export interface RewardCredit {
  /** 1 for the reward that first rewards its decision, else 0. */
  rewards: number;
  /** How much the decision's (clamped) reward grows with this event. */
  rewardSum: number;
  /** +1 when the decision's reward turns positive with this event, −1 when it stops being positive. */
  positiveRewards: number;
}

export const NO_REWARD_CREDIT: RewardCredit = Object.freeze({ rewards: 0, rewardSum: 0, positiveRewards: 0 });

/** The credit of a reward event counted as it is (no ledger). */
export function plainRewardCredit(event: TrackedEvent): RewardCredit {
  const value = roundMoney(event.value ?? 0);
  return { rewards: 1, rewardSum: value, positiveRewards: value > 0 ? 1 : 0 };
}

/** The web-channel document's counter for each event type (campaign events are not web traffic: countsForWebChannel). */
const CHANNEL_FIELD: Partial<Record<EventType, string>> = {
  page_view: 'pageViews',
  product_view: 'productViews',
  add_to_cart: 'addToCarts',
  remove_from_cart: 'removeFromCarts',
  purchase: 'purchases',
  offer_view: 'offerViews',
  offer_click: 'offerClicks',
  decision: 'decisions',
  reward: 'rewards',
  activation: 'activations',
};

/** The web channel of an event whose context names none (typed-in address, bookmark). */
export const DEFAULT_CHANNEL = 'direct';

const CAMPAIGN_TYPES = new Set<EventType>(['campaign_touch', 'campaign_response']);

/**
 * Whether an event is web activity for the web-channel documents. Campaign touches and responses
 * happen over a CONTACT channel (email, SMS, call) and carry no web context: counted as web
 * traffic they would all land in `direct`.
 */
export function countsForWebChannel(event: TrackedEvent): boolean {
  return !CAMPAIGN_TYPES.has(event.type);
}

/** The campaign a touch or response belongs to (the `campaign` documents' key). */
export function campaignOf(event: TrackedEvent): string | undefined {
  return CAMPAIGN_TYPES.has(event.type) && typeof event.campaignId === 'string' ? event.campaignId : undefined;
}

const CONTACT_TOUCH_FIELD: Record<string, string> = { email: 'emailTouches', sms: 'smsTouches', call: 'callTouches' };

export function zeroCounters(kind: AggregateKind): Counters {
  const counters: Counters = {};
  for (const field of COUNTER_FIELDS[kind]) counters[field] = 0;
  return counters;
}

const OFFER_TYPES = new Set<EventType>(['offer_view', 'offer_click', 'decision', 'reward', 'activation']);

/**
 * The offer an event is about: its offerId, or for the ranker's events (whose offerId is left
 * out when the action id is too long for it) the decision's rewardActionId.
 */
export function offerOf(event: TrackedEvent): string | undefined {
  if (event.offerId !== undefined) return event.offerId;
  if (event.type === 'offer_view' || event.type === 'offer_click') return undefined;
  const fromDecision = event.decision?.rewardActionId ?? event.decision?.offerId;
  return typeof fromDecision === 'string' && fromDecision !== '' ? fromDecision : undefined;
}
const PRODUCT_TYPES = new Set<EventType>(['product_view', 'add_to_cart', 'remove_from_cart', 'purchase']);

export function countsForOffer(event: TrackedEvent): boolean {
  return OFFER_TYPES.has(event.type);
}

export function countsForProduct(event: TrackedEvent): boolean {
  return PRODUCT_TYPES.has(event.type) && event.productId !== undefined;
}

/**
 * The cold-start segment an offer view or click counts in: the device it came from. (Whether the
 * user was new is not known when the event is aggregated; the ranker falls back from its
 * "device|new" segment to the device.)
 */
export function offerSegmentOf(event: TrackedEvent): string | undefined {
  if (event.type !== 'offer_view' && event.type !== 'offer_click') return undefined;
  return event.context?.device ?? 'unknown';
}

/** The decision sources a `decisionSource` document can be about; 'unknown' for rewards of event ids signed before the source was. */
export const DECISION_SOURCES = ['rank', 'offers', 'recommendations', 'unknown'] as const;

/**
 * The endpoint a decision, reward or activation belongs to (`decision.source`: the decision's own,
 * or the one the signed event id carries into its rewards), for the per-source learning-loop
 * counts; undefined for other events.
 */
export function decisionSourceOf(event: TrackedEvent): string | undefined {
  if (event.type !== 'decision' && event.type !== 'reward' && event.type !== 'activation') return undefined;
  const source = event.decision?.source;
  return typeof source === 'string' && (DECISION_SOURCES as readonly string[]).includes(source) ? source : 'unknown';
}

export function channelOf(event: TrackedEvent): string {
  const channel = event.context?.channel;
  return channel === undefined || channel === '' ? DEFAULT_CHANNEL : channel;
}

/**
 * Adds one event to a document's counters (the event is known to belong to the document). A
 * reward adds its `reward` credit (default: counted as it is).
 */
export function addEventToCounters(kind: AggregateKind, c: Counters, event: TrackedEvent, reward?: RewardCredit): void {
  switch (kind) {
    case 'offer':
      switch (event.type) {
        case 'offer_view': c.views++; break;
        case 'offer_click': c.clicks++; break;
        case 'decision': c.decisions++; break;
        case 'activation': c.activations++; break;
        case 'reward': {
          const r = reward ?? plainRewardCredit(event);
          c.rewards += r.rewards;
          c.rewardSum = addMoney(c.rewardSum, r.rewardSum);
          break;
        }
        default: break;
      }
      return;
    case 'offerSegment':
      if (event.type === 'offer_view') c.views++;
      else if (event.type === 'offer_click') c.clicks++;
      return;
    case 'product':
      switch (event.type) {
        case 'product_view': c.views++; break;
        case 'add_to_cart': c.addToCarts++; break;
        case 'remove_from_cart': c.removeFromCarts++; break;
        case 'purchase':
          c.purchases++;
          c.quantity += event.quantity ?? 1;
          c.revenue = addMoney(c.revenue, roundMoney(event.value ?? 0));
          break;
        default: break;
      }
      return;
    case 'channel':
      c.events++;
      if (event.type === 'reward') c.rewards += (reward ?? plainRewardCredit(event)).rewards;
      else if (CHANNEL_FIELD[event.type]) c[CHANNEL_FIELD[event.type] as string]++;
      if (event.type === 'purchase') c.revenue = addMoney(c.revenue, roundMoney(event.value ?? 0));
      return;
    case 'eventType':
      c.count++;
      return;
    case 'campaign':
      if (event.type === 'campaign_touch') {
        c.touches++;
        // A campaign touch's `channel` is its contact channel (email, sms, call).
        const field = event.channel === undefined ? undefined : CONTACT_TOUCH_FIELD[event.channel];
        if (field) c[field]++;
      } else if (event.type === 'campaign_response') c.responses++;
      return;
    case 'decisionSource':
      switch (event.type) {
        case 'decision':
          c.decisions++;
          if (event.decision?.explored === true) c.explored++;
          break;
        case 'activation': c.activations++; break;
        case 'reward': {
          const r = reward ?? plainRewardCredit(event);
          c.rewards += r.rewards;
          c.positiveRewards += r.positiveRewards;
          c.rewardSum = addMoney(c.rewardSum, r.rewardSum);
          break;
        }
        default: break;
      }
      return;
  }
}

/** Adds `delta` into `target` field by field (both of the same kind). */
export function addCounters(kind: AggregateKind, target: Counters, delta: Counters): void {
  for (const field of COUNTER_FIELDS[kind]) {
    const current = typeof target[field] === 'number' ? target[field] : 0;
    target[field] = MONEY_FIELDS.has(field) ? addMoney(current, delta[field]) : current + delta[field];
  }
}

/** Ratios Power BI would otherwise have to compute, refreshed on every write. */
export function derivedFields(kind: AggregateKind, c: Counters): Record<string, number> {
  if (kind === 'offer' || kind === 'offerSegment') return { clickThroughRate: c.views > 0 ? c.clicks / c.views : 0 };
  if (kind === 'product') return { conversionRate: c.views > 0 ? c.purchases / c.views : 0 };
  // With one reward per clicked decision (value 1, as the docs ask), positiveRewards / decisions is the CTR.
  if (kind === 'campaign') return { responseRate: c.touches > 0 ? c.responses / c.touches : 0 };
  if (kind === 'decisionSource') return { clickThroughRate: c.decisions > 0 ? c.positiveRewards / c.decisions : 0, meanReward: c.decisions > 0 ? c.rewardSum / c.decisions : 0 };
  return {};
}
