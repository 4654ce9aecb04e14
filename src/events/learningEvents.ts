// The server-written events of the learning loop — `decision` (one per rank call), `reward` and
// `activation` — in one place: their wire shape, the builders the ranker writes them with, and the
// parser the trainer reads them back with. The parser's schema is checked against the builders'
// output types at compile time (`writtenDecisionIsReadable` below), so the writer cannot drift
// from the reader. The fields every tracked event has (id, user, timestamp, value, …) are checked
// by the one tracked-event validator (`checkEventValue`); this module checks the `decision` member.
import crypto from 'node:crypto';
import { z } from 'zod';
import { formatPath } from '../common/fieldPath';
import type { RewardAggregation } from '../config/rankingSettings';
import { EVENT_SCHEMA_VERSION, type TrackedEvent } from './eventSchema';
import { checkEventValue } from './eventValidation';

/** The event schema's longest id; longer action ids are kept in `decision` only. */
const MAX_EVENT_ID = 128;

// ---- Wire shape --------------------------------------------------------------------------------

/** A Personalizer feature object, logged as the ranker received it. */
export type FeatureObject = Record<string, unknown>;

/** How the training join turns an event's rewards into one (the ranking settings at rank time). */
export type RewardPolicy = {
  waitSeconds: number;
  defaultReward: number;
  aggregation: RewardAggregation;
  min: number;
  max: number;
};

/**
 * The user profile the features read at rank time (the feature builder's ProfileView), logged so
 * the trainer rebuilds the same rows.
 */
export type ProfileSnapshot = {
  events: number;
  purchases: number;
  totalRevenue: number;
  counts: Record<string, number>;
  firstSeenMs: number | null;
  lastSeenMs: number | null;
  categoryAffinity: Record<string, number>;
  recentProducts: string[];
};

export type ModelRef = {
  name: string;
  version: string;
  sha256: string;
};

/** One ranked action as the ranker logs it. */
export type DecisionAction = {
  id: string;
  features: FeatureObject[];
  prior: number;
  /** The serving model's score (NaN is written as null). */
  score: number;
  /** Logging policy's probability of putting this action first. */
  probability: number;
  excluded: boolean;
};

/** One slot of a multi-slot decision. */
export type SlotDecision = {
  id: string;
  /** Absent when no action was left for the slot (all excluded or used by earlier slots). */
  rewardActionId?: string;
  /** The logging policy's probability of this slot's choice, given the earlier slots' choices. */
  probability?: number;
  greedyActionId?: string;
  explored: boolean;
  baselineActionId: string;
  excludedActions: string[];
  features: FeatureObject[];
  /** This slot's model scores, in the order of the decision's actions. */
  scores: number[];
};

/** The `decision` member of a decision event. */
export type DecisionPayload = {
  eventId: string;
  clientEventId?: string;
  source: 'rank' | 'offers' | 'recommendations';
  issuedAt: string;
  segment: string;
  /** 'baseline' in Apprentice and LoggingOnly mode: the baseline action was served, with probability 1. */
  policy: 'epsilon-greedy' | 'squarecb' | 'baseline';
  /** SquareCB's γ for this decision (policy 'squarecb'); epsilon is then 0. */
  gamma?: number;
  learningMode?: 'Online' | 'Apprentice' | 'LoggingOnly';
  /** Apprentice mode: what the learner would have chosen. */
  learnerActionId?: string;
  /** Multi-slot decisions: one entry per slot, in request order. */
  slots?: SlotDecision[];
  epsilon: number;
  explored: boolean;
  rewardActionId: string;
  greedyActionId: string;
  probability: number;
  ranking: string[];
  /** Null when ranked by the cold-start priors. */
  model: ModelRef | null;
  activated: boolean;
  reward: RewardPolicy;
  contextFeatures: FeatureObject[];
  actions: DecisionAction[];
  profile: ProfileSnapshot | null;
};

/**
 * The `decision` member of a reward or activation event: the decision it belongs to. A server-signed
 * event id tells the action and issue time without a lookup; a client-supplied (or unverifiable)
 * one does not, so they are left out and `verified` is false: the training join matches such a
 * reward by eventId alone, and one with no logged decision never joins.
 */
export type DecisionRef = {
  eventId: string;
  rewardActionId?: string;
  issuedAt?: string;
  verified?: false;
  /** Multi-slot rewards: the slot the value is for. */
  slotId?: string;
  /** The endpoint that made the decision, from the signed event id (absent for older event ids). */
  source?: DecisionPayload['source'];
};

// ---- Writing (the ranker) ----------------------------------------------------------------------

export interface DecisionRecord {
  eventId: string;
  clientEventId?: string;
  /** 'rank' (Personalizer API), 'offers' (GET /api/offers) or 'recommendations' (GET /api/recommendations, the ranker as last step). */
  source: 'rank' | 'offers' | 'recommendations';
  issuedAtMs: number;
  userId?: string;
  /** userId is an anonymousId (GET /api/offers?anonymousId=…). */
  anonymous?: boolean;
  segment: string;
  contextFeatures: FeatureObject[];
  actions: DecisionAction[];
  ranking: string[];
  rewardActionId: string;
  greedyActionId: string;
  explored: boolean;
  epsilon: number;
  model: ModelRef | null;
  profile: ProfileSnapshot | null;
  activated: boolean;
  reward: RewardPolicy;
  /** Defaults: Online, epsilon-greedy. */
  learningMode?: DecisionPayload['learningMode'];
  /** The Online exploration policy (default epsilon-greedy) and, for SquareCB, its γ. */
  exploration?: 'epsilon-greedy' | 'squarecb';
  gamma?: number;
  learnerActionId?: string;
  slots?: SlotDecision[];
}

export interface RewardRecord {
  eventId: string;
  /** Absent when the event id is not one this service signed (a client's own id): nothing is known of it but the id. */
  issuedAtMs?: number;
  userId?: string;
  anonymous?: boolean;
  rewardActionId?: string;
  slotId?: string;
  value: number;
  /** The decision's endpoint, when the event id carries it: lets the aggregation count rewards per source. */
  source?: DecisionRecord['source'];
}

/** The anonymous key decision, reward and activation events of an event without a user share (same partition). */
export function anonymousKeyOf(eventId: string): string {
  return `evt-${crypto.createHash('sha256').update(eventId, 'utf8').digest('base64url').slice(0, 27)}`;
}

const digestId = (prefix: string, eventId: string) =>
  `${prefix}-${crypto.createHash('sha256').update(eventId, 'utf8').digest('base64url').slice(0, 32)}`;

function who(eventId: string, userId: string | undefined, anonymous: boolean | undefined): Pick<TrackedEvent, 'userId' | 'anonymousId'> {
  if (userId === undefined) return { anonymousId: anonymousKeyOf(eventId) };
  return anonymous ? { anonymousId: userId } : { userId };
}

const offerIdOf = (actionId: string | undefined) => (actionId !== undefined && actionId.length <= MAX_EVENT_ID ? { offerId: actionId } : {});

function base(id: string, type: TrackedEvent['type'], atMs: number, now: Date): Omit<TrackedEvent, 'userId' | 'anonymousId'> {
  return { id, type, schemaVersion: EVENT_SCHEMA_VERSION, timestamp: new Date(atMs).toISOString(), receivedAt: now.toISOString() };
}

/** The decision event; its id is derived from the eventId, so a re-sent decision is recognisably the same. */
export function decisionEvent(d: DecisionRecord, now: Date): TrackedEvent {
  const chosen = d.actions.find((a) => a.id === d.rewardActionId);
  const decision: DecisionPayload = {
    eventId: d.eventId,
    ...(d.clientEventId !== undefined ? { clientEventId: d.clientEventId } : {}),
    source: d.source,
    issuedAt: new Date(d.issuedAtMs).toISOString(),
    segment: d.segment,
    policy: d.learningMode === undefined || d.learningMode === 'Online' ? (d.exploration ?? 'epsilon-greedy') : 'baseline',
    ...(d.gamma !== undefined ? { gamma: d.gamma } : {}),
    ...(d.learningMode !== undefined ? { learningMode: d.learningMode } : {}),
    ...(d.learnerActionId !== undefined ? { learnerActionId: d.learnerActionId } : {}),
    ...(d.slots !== undefined ? { slots: d.slots } : {}),
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
  };
  return {
    ...base(digestId('dec', d.eventId), 'decision', d.issuedAtMs, now),
    ...who(d.eventId, d.userId, d.anonymous),
    ...offerIdOf(d.rewardActionId),
    decision,
  };
}

function decisionRef(r: Omit<RewardRecord, 'value'>): DecisionRef {
  return {
    eventId: r.eventId,
    ...(r.rewardActionId !== undefined ? { rewardActionId: r.rewardActionId } : {}),
    ...(r.issuedAtMs !== undefined ? { issuedAt: new Date(r.issuedAtMs).toISOString() } : { verified: false as const }),
    ...(r.slotId !== undefined ? { slotId: r.slotId } : {}),
    ...(r.source !== undefined ? { source: r.source } : {}),
  };
}

/** One reward; several per event are kept, the training join combines them (sum or earliest). */
export function rewardEvent(r: RewardRecord, now: Date): TrackedEvent {
  return {
    ...base(`rwd-${crypto.randomUUID()}`, 'reward', now.getTime(), now),
    ...who(r.eventId, r.userId, r.anonymous),
    ...offerIdOf(r.rewardActionId),
    value: r.value,
    decision: { ...decisionRef(r) },
  };
}

/** What a tracked product event that carries a decisionId adds to its reward (`decision.cause`). */
export interface RewardCause {
  /** The tracked event's type (product_view, add_to_cart, purchase) and id. */
  type: string;
  id: string;
  productId?: string;
  /** offer_click: the clicked offer (the ranking's rewardActionId). */
  offerId?: string;
}

/**
 * The reward a tracked product event gives the decision it names (its `decisionId`). Its id is
 * derived from the tracked event's user and id and the decision, so a re-sent copy of the tracked
 * event makes the same reward, which the trainer reads once.
 */
export function trackedRewardEvent(r: RewardRecord, cause: RewardCause & { userKey: string }, now: Date): TrackedEvent {
  const { userKey, ...why } = cause;
  return {
    ...base(digestId('rwt', `${userKey}\u0000${cause.id}\u0000${r.eventId}`), 'reward', now.getTime(), now),
    ...who(r.eventId, r.userId, r.anonymous),
    ...offerIdOf(r.rewardActionId),
    value: r.value,
    decision: { ...decisionRef(r), cause: why },
  };
}

export function activationEvent(r: Omit<RewardRecord, 'value'>, now: Date): TrackedEvent {
  return {
    ...base(digestId('act', r.eventId), 'activation', now.getTime(), now),
    ...who(r.eventId, r.userId, r.anonymous),
    ...offerIdOf(r.rewardActionId),
    decision: { ...decisionRef(r) },
  };
}

// ---- Reading (the trainer) ---------------------------------------------------------------------

export interface LoggedAction {
  id: string;
  /** Personalizer feature objects, as the ranker received them. */
  features: unknown[];
  prior: number;
  /** Logging policy's probability of putting this action first. */
  probability: number;
  excluded: boolean;
  /** The serving model's score (null when it was NaN or the priors ranked). */
  score: number | null;
}

export interface LoggedDecision {
  eventId: string;
  issuedAtMs: number;
  contextFeatures: unknown[];
  actions: LoggedAction[];
  rewardActionId: string;
  /** Index of rewardActionId in actions. */
  chosen: number;
  greedyActionId?: string;
  epsilon?: number;
  /** SquareCB decisions: their γ (the policy evaluation re-derives the deployed probabilities with it). */
  gamma?: number;
  learningMode?: DecisionPayload['learningMode'];
  /** Apprentice mode: the learner's choice (rewardActionId is the baseline served). */
  learnerActionId?: string;
  activated: boolean;
  profile: ProfileSnapshot | null;
  reward: RewardPolicy;
  model: ModelRef | null;
  /** Which endpoint logged it (absent in decisions logged before the field was read). */
  source?: DecisionPayload['source'];
}

export interface LoggedReward {
  /** The reward event's own id (a redelivered copy has the same one). */
  id: string;
  eventId: string;
  /** Absent for rewards sent with a client-supplied event id: they reward whatever the decision chose. */
  rewardActionId?: string;
  value: number;
  /** Server receive time. */
  atMs: number;
}

export interface LoggedActivation {
  id: string;
  eventId: string;
  atMs: number;
}

export type ParsedEvent =
  | { kind: 'decision'; decision: LoggedDecision }
  | { kind: 'reward'; reward: LoggedReward }
  | { kind: 'activation'; activation: LoggedActivation }
  | { kind: 'other' }
  | { kind: 'malformed'; type: 'decision' | 'reward' | 'activation'; error: string };

const num = z.number().finite();
const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO 8601 time');
const numberRecord = z.record(z.string(), num);

const REWARD_AGGREGATIONS = ['earliest', 'sum'] as const satisfies readonly RewardAggregation[];

const profileSchema = z.object({
  events: num,
  purchases: num,
  totalRevenue: num,
  counts: numberRecord,
  firstSeenMs: num.nullable(),
  lastSeenMs: num.nullable(),
  categoryAffinity: numberRecord,
  recentProducts: z.array(z.string()),
});

const rewardPolicySchema = z
  .object({
    waitSeconds: num.positive(),
    defaultReward: num,
    aggregation: z.enum(REWARD_AGGREGATIONS),
    min: num,
    max: num,
  })
  .refine((p) => p.min < p.max, { message: 'min must be below max', path: ['min'] })
  .refine((p) => p.defaultReward >= p.min && p.defaultReward <= p.max, { message: 'must lie between min and max', path: ['defaultReward'] });

const actionSchema = z.object({
  id: z.string().min(1),
  features: z.array(z.unknown()),
  prior: num,
  probability: num.min(0).max(1),
  excluded: z.boolean().optional(),
  score: z.number().nullable().optional(),
});

const decisionPayloadSchema = z
  .object({
    eventId: z.string().min(1),
    issuedAt: isoTime,
    contextFeatures: z.array(z.unknown()),
    actions: z.array(actionSchema).min(1),
    rewardActionId: z.string().min(1),
    greedyActionId: z.string().optional(),
    epsilon: num.min(0).max(1).optional(),
    gamma: num.min(0).optional(),
    learningMode: z.enum(['Online', 'Apprentice', 'LoggingOnly']).optional(),
    learnerActionId: z.string().min(1).optional(),
    source: z.enum(['rank', 'offers', 'recommendations']).optional(),
    activated: z.boolean(),
    profile: profileSchema.nullable(),
    reward: rewardPolicySchema,
    model: z.object({ name: z.string(), version: z.string(), sha256: z.string() }).nullable().optional(),
  })
  .superRefine((d, ctx) => {
    const ids = new Set<string>();
    d.actions.forEach((a, i) => {
      if (ids.has(a.id)) ctx.addIssue({ code: 'custom', path: ['actions', i, 'id'], message: `"${a.id}" appears twice` });
      ids.add(a.id);
    });
    const chosen = d.actions.find((a) => a.id === d.rewardActionId);
    if (!chosen) ctx.addIssue({ code: 'custom', path: ['rewardActionId'], message: `"${d.rewardActionId}" is not among the actions` });
    else if (!(chosen.probability > 0)) ctx.addIssue({ code: 'custom', path: ['actions'], message: `the chosen action ${d.rewardActionId} has probability 0` });
    else if (chosen.excluded) ctx.addIssue({ code: 'custom', path: ['actions'], message: `the chosen action ${d.rewardActionId} is marked excluded` });
  });

const rewardRefSchema = z.object({ eventId: z.string().min(1), rewardActionId: z.string().min(1).optional() });
const activationRefSchema = z.object({ eventId: z.string().min(1) });

// The compile-time link between writer and reader: what the builders write must be what the
// parser accepts. Renaming, dropping or retyping a field the reader needs fails `tsc` here.
const writtenDecisionIsReadable = (p: DecisionPayload): z.input<typeof decisionPayloadSchema> => p;
const writtenRefIsReadable = (r: DecisionRef): z.input<typeof rewardRefSchema> & z.input<typeof activationRefSchema> => r;
void writtenDecisionIsReadable;
void writtenRefIsReadable;

type LoopEventType = 'decision' | 'reward' | 'activation';

function malformed(type: LoopEventType, id: unknown, where: string, message: string): ParsedEvent {
  return { kind: 'malformed', type, error: `${type} event${typeof id === 'string' ? ` ${id}` : ''}: ${where}: ${message}` };
}

function firstIssue(type: LoopEventType, id: unknown, error: z.ZodError): ParsedEvent {
  const issue = error.issues[0];
  return malformed(type, id, formatPath(['decision', ...issue.path]), issue.message);
}

/**
 * Classifies one parsed JSON body. Client events and unknown shapes are 'other'. A decision, reward
 * or activation event must be a valid tracked event (the one validator every reader uses) whose
 * `decision` member has the shape its type writes; a bad one is reported with the path of its
 * first offending field.
 */
export function parseLoggedEvent(value: unknown): ParsedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'other' };
  const type = (value as { type?: unknown }).type;
  const id = (value as { id?: unknown }).id;
  if (type !== 'decision' && type !== 'reward' && type !== 'activation') return { kind: 'other' };
  const checked = checkEventValue(value);
  if (!checked.ok) return malformed(type, id, checked.errors[0].field || '(event)', checked.errors[0].message);
  const event = checked.event;
  if (event.decision === undefined) return malformed(type, id, 'decision', 'is required');
  // Multi-slot decisions and their per-slot rewards: the offer trainer does not learn from them yet.
  if (event.decision.slots !== undefined || event.decision.slotId !== undefined) return { kind: 'other' };
  // Server receive time: receivedAt, else timestamp.
  const atMs = Date.parse(event.receivedAt ?? event.timestamp);
  if (type === 'decision') {
    const parsed = decisionPayloadSchema.safeParse(event.decision);
    if (!parsed.success) return firstIssue(type, id, parsed.error);
    const d = parsed.data;
    return {
      kind: 'decision',
      decision: {
        eventId: d.eventId,
        issuedAtMs: Date.parse(d.issuedAt),
        contextFeatures: d.contextFeatures,
        actions: d.actions.map((a) => ({
          id: a.id,
          features: a.features,
          prior: a.prior,
          probability: a.probability,
          excluded: a.excluded ?? false,
          score: typeof a.score === 'number' ? a.score : null,
        })),
        rewardActionId: d.rewardActionId,
        chosen: d.actions.findIndex((a) => a.id === d.rewardActionId),
        ...(d.greedyActionId !== undefined ? { greedyActionId: d.greedyActionId } : {}),
        ...(d.epsilon !== undefined ? { epsilon: d.epsilon } : {}),
        ...(d.gamma !== undefined ? { gamma: d.gamma } : {}),
        ...(d.learningMode !== undefined ? { learningMode: d.learningMode } : {}),
        ...(d.learnerActionId !== undefined ? { learnerActionId: d.learnerActionId } : {}),
        ...(d.source !== undefined ? { source: d.source } : {}),
        activated: d.activated,
        profile: d.profile,
        reward: d.reward,
        model: d.model ?? null,
      },
    };
  }
  if (type === 'reward') {
    const parsed = rewardRefSchema.safeParse(event.decision);
    if (!parsed.success) return firstIssue(type, id, parsed.error);
    if (event.value === undefined) return malformed(type, id, 'value', 'is required');
    return {
      kind: 'reward',
      reward: { id: event.id, eventId: parsed.data.eventId, ...(parsed.data.rewardActionId !== undefined ? { rewardActionId: parsed.data.rewardActionId } : {}), value: event.value, atMs },
    };
  }
  const parsed = activationRefSchema.safeParse(event.decision);
  if (!parsed.success) return firstIssue(type, id, parsed.error);
  return { kind: 'activation', activation: { id: event.id, eventId: parsed.data.eventId, atMs } };
}
