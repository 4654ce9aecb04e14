// The server-written events of the learning loop: decision (one per rank call), reward, activation.
import crypto from 'node:crypto';
import { EVENT_SCHEMA_VERSION, type TrackedEvent } from '../events/eventSchema';
import type { ProfileView } from '../features/profileView';
import type { RewardAggregation } from '../config/rankingSettings';
import type { FeatureObject } from './rankRequest';
import { anonymousKeyOf } from './eventIdToken';

/** The event schema's longest id; longer action ids are kept in `decision` only. */
const MAX_EVENT_ID = 128;

export interface RewardPolicy {
  waitSeconds: number;
  defaultReward: number;
  aggregation: RewardAggregation;
  min: number;
  max: number;
}

export interface LoggedAction {
  id: string;
  features: FeatureObject[];
  prior: number;
  score: number;
  probability: number;
  excluded: boolean;
}

export interface DecisionRecord {
  eventId: string;
  clientEventId?: string;
  /** 'rank' (Personalizer API) or 'offers' (GET /api/offers). */
  source: 'rank' | 'offers';
  issuedAtMs: number;
  userId?: string;
  /** userId is an anonymousId (GET /api/offers?anonymousId=…). */
  anonymous?: boolean;
  segment: string;
  contextFeatures: FeatureObject[];
  actions: LoggedAction[];
  ranking: string[];
  rewardActionId: string;
  greedyActionId: string;
  explored: boolean;
  epsilon: number;
  /** Null when ranked by the cold-start priors. */
  model: { name: string; version: string; sha256: string } | null;
  profile: ProfileView | null;
  activated: boolean;
  reward: RewardPolicy;
}

const digestId = (prefix: string, eventId: string) =>
  `${prefix}-${crypto.createHash('sha256').update(eventId, 'utf8').digest('base64url').slice(0, 32)}`;

function who(eventId: string, userId: string | undefined, anonymous: boolean | undefined): Pick<TrackedEvent, 'userId' | 'anonymousId'> {
  if (userId === undefined) return { anonymousId: anonymousKeyOf(eventId) };
  return anonymous ? { anonymousId: userId } : { userId };
}

const offerIdOf = (actionId: string) => (actionId.length <= MAX_EVENT_ID ? { offerId: actionId } : {});

function base(id: string, type: TrackedEvent['type'], atMs: number, now: Date): Omit<TrackedEvent, 'userId' | 'anonymousId'> {
  return { id, type, schemaVersion: EVENT_SCHEMA_VERSION, timestamp: new Date(atMs).toISOString(), receivedAt: now.toISOString() };
}

/** The decision event; its id is derived from the eventId, so a re-sent decision is recognisably the same. */
export function decisionEvent(d: DecisionRecord, now: Date): TrackedEvent {
  const chosen = d.actions.find((a) => a.id === d.rewardActionId);
  return {
    ...base(digestId('dec', d.eventId), 'decision', d.issuedAtMs, now),
    ...who(d.eventId, d.userId, d.anonymous),
    ...offerIdOf(d.rewardActionId),
    decision: {
      eventId: d.eventId,
      ...(d.clientEventId !== undefined ? { clientEventId: d.clientEventId } : {}),
      source: d.source,
      issuedAt: new Date(d.issuedAtMs).toISOString(),
      segment: d.segment,
      policy: 'epsilon-greedy',
      epsilon: d.epsilon,
      explored: d.explored,
      rewardActionId: d.rewardActionId,
      greedyActionId: d.greedyActionId,
      probability: chosen?.probability ?? 0,
      ranking: d.ranking,
      model: d.model,
      activated: d.activated,
      reward: d.reward,
      contextFeatures: d.contextFeatures,
      actions: d.actions,
      profile: d.profile,
    },
  };
}

export interface RewardRecord {
  eventId: string;
  issuedAtMs: number;
  userId?: string;
  anonymous?: boolean;
  rewardActionId: string;
  value: number;
}

/** One reward; several per event are kept, the training join combines them (sum or earliest). */
export function rewardEvent(r: RewardRecord, now: Date): TrackedEvent {
  return {
    ...base(`rwd-${crypto.randomUUID()}`, 'reward', now.getTime(), now),
    ...who(r.eventId, r.userId, r.anonymous),
    ...offerIdOf(r.rewardActionId),
    value: r.value,
    decision: { eventId: r.eventId, rewardActionId: r.rewardActionId, issuedAt: new Date(r.issuedAtMs).toISOString() },
  };
}

export function activationEvent(r: Omit<RewardRecord, 'value'>, now: Date): TrackedEvent {
  return {
    ...base(digestId('act', r.eventId), 'activation', now.getTime(), now),
    ...who(r.eventId, r.userId, r.anonymous),
    ...offerIdOf(r.rewardActionId),
    decision: { eventId: r.eventId, rewardActionId: r.rewardActionId, issuedAt: new Date(r.issuedAtMs).toISOString() },
  };
}
