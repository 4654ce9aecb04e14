// The tracked event: its types and fields (docs/events.md). The one validator of these rules is
// eventValidation.ts; the learning loop's server events are in learningEvents.ts.
import { CHANNELS, DAYS, TIME_SLOTS } from './contactCombinations';

/** Version of the event schema this code writes and understands. Bump on breaking changes. */
export const EVENT_SCHEMA_VERSION = 1;

/** Event types a web frontend may send to POST /api/events. */
export const CLIENT_EVENT_TYPES = [
  'page_view',
  'product_view',
  'add_to_cart',
  'remove_from_cart',
  'purchase',
  'offer_view',
  'offer_click',
  'campaign_touch',
  'campaign_response',
] as const;

/**
 * Event types only a trusted backend may send, through the keyed route POST /api/events/server:
 * purchases the shop's backend confirmed at checkout (they carry revenue, reward recommendations
 * and feed the product model), and the CRM's or campaign tool's touches and responses (they feed
 * the campaign model). A browser could forge any of them, so the browser route refuses them.
 */
export const SERVER_TO_SERVER_EVENT_TYPES = ['purchase', 'campaign_touch', 'campaign_response'] as const;

/** Event types the anonymous browser route POST /api/events accepts. */
export const BROWSER_EVENT_TYPES = CLIENT_EVENT_TYPES.filter(
  (t): t is Exclude<ClientEventType, (typeof SERVER_TO_SERVER_EVENT_TYPES)[number]> => !(SERVER_TO_SERVER_EVENT_TYPES as readonly string[]).includes(t),
);

/** Event types only the server itself writes (the ranker's decision log and rewards). */
export const SERVER_EVENT_TYPES = ['decision', 'reward', 'activation'] as const;

export type ClientEventType = (typeof CLIENT_EVENT_TYPES)[number];
export type ServerEventType = (typeof SERVER_EVENT_TYPES)[number];
export type EventType = ClientEventType | ServerEventType;

/** Product event types that carry a recommendation's `decisionId` and so reward its decision. */
export const REWARDING_EVENT_TYPES = ['product_view', 'add_to_cart', 'purchase'] as const;
export type RewardingEventType = (typeof REWARDING_EVENT_TYPES)[number];
/**
 * Event types that may carry a `decisionId`: the rewarding product events, and the offer events of
 * a GET /api/offers ranking (offer_click rewards it when the clicked offer is the one it chose;
 * offer_view only ties the impression to its decision).
 */
export const DECISION_EVENT_TYPES = [...REWARDING_EVENT_TYPES, 'offer_view', 'offer_click'] as const;
/** Longest `decisionId`: signed event ids are ~40 characters plus the client's own event id (≤ 512 in practice). */
export const MAX_DECISION_ID = 1024;

/**
 * Largest magnitude of an event's `value` (a purchase's amount, a reward). Money totals are summed
 * at 6 decimals and stay exact below ~9e9 (src/aggregation/money.ts); an unbounded value (1e308)
 * would overflow a revenue counter to Infinity, which JSON stores as null.
 */
export const MAX_EVENT_VALUE = 1_000_000;

/** How far in the future a client clock may be before an event is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

// Keys that would reach Object.prototype when copied into a plain object.
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

export const DEVICES = ['desktop', 'mobile', 'tablet', 'tv', 'other'] as const;

export interface ClientEvent {
  schemaVersion?: number;
  id: string;
  type: ClientEventType;
  userId?: string;
  anonymousId?: string;
  timestamp?: string;
  productId?: string;
  offerId?: string;
  category?: string;
  value?: number;
  quantity?: number;
  currency?: string;
  leadId?: string;
  campaignId?: string;
  touchId?: string;
  channel?: (typeof CHANNELS)[number];
  /**
   * The signed `eventId` of the recommendation (GET /api/recommendations) this product event
   * follows: a product_view (the click), add_to_cart or purchase carrying it rewards that decision
   * (docs/recommendations.md, "Rewards").
   */
  decisionId?: string;
  context?: {
    device?: (typeof DEVICES)[number];
    page?: string;
    referrer?: string;
    channel?: string;
    locale?: string;
    campaign?: string;
    userAgent?: string;
  };
  properties?: Record<string, string | number | boolean>;
}

/**
 * The body stored in Event Hubs: the validated event plus what the server adds.
 * `timestamp` is always set (the server's receive time when the client sent none).
 */
export interface TrackedEvent extends Omit<ClientEvent, 'type' | 'timestamp' | 'schemaVersion'> {
  type: EventType;
  schemaVersion: number;
  timestamp: string;
  receivedAt: string;
  /** Present on server-written events (decision log, rewards). */
  decision?: Record<string, unknown>;
  /** Campaign events: local day of week and time slot of the client's timestamp, in its offset. */
  day?: (typeof DAYS)[number];
  timeSlot?: (typeof TIME_SLOTS)[number];
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why an id cannot key a document, or undefined. Ids become Cosmos DB document ids and
 * partition keys: blank, "." / "..", and text with lone UTF-16 surrogates are refused there.
 */
export function unusableIdReason(value: string): string | undefined {
  if (value.trim() === '') return 'must not be blank';
  if (value === '.' || value === '..') return 'must not be "." or ".."';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/** The partition key of an event: the user, so one user's events stay in order. */
export function partitionKeyOf(event: Pick<TrackedEvent, 'userId' | 'anonymousId'>): string {
  return event.userId ?? event.anonymousId ?? '';
}
