// The server events of the learning loop as the trainer reads them back from the archive:
// `decision` (src/ranking/decisionEvents.ts decisionEvent), `reward` and `activation`. Each is
// checked field by field; a bad one is reported with the path of the first offending field.
import { z } from 'zod';
import { formatPath } from '../common/fieldPath';
import type { ProfileView } from '../features/profileView';
import type { RewardPolicy } from '../ranking/decisionEvents';

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
  activated: boolean;
  profile: ProfileView | null;
  reward: RewardPolicy;
  model: { name: string; version: string; sha256: string } | null;
}

export interface LoggedReward {
  /** The reward event's own id (a redelivered copy has the same one). */
  id: string;
  eventId: string;
  rewardActionId: string;
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
    aggregation: z.enum(['earliest', 'sum']),
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

const decisionSchema = z
  .object({
    eventId: z.string().min(1),
    issuedAt: isoTime,
    contextFeatures: z.array(z.unknown()),
    actions: z.array(actionSchema).min(1),
    rewardActionId: z.string().min(1),
    greedyActionId: z.string().optional(),
    epsilon: num.min(0).max(1).optional(),
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

const eventBase = { id: z.string().min(1), receivedAt: isoTime.optional(), timestamp: isoTime.optional() };

const decisionEventSchema = z.object({ ...eventBase, type: z.literal('decision'), decision: decisionSchema });
const rewardEventSchema = z.object({
  ...eventBase,
  type: z.literal('reward'),
  value: num,
  decision: z.object({ eventId: z.string().min(1), rewardActionId: z.string().min(1) }),
});
const activationEventSchema = z.object({
  ...eventBase,
  type: z.literal('activation'),
  decision: z.object({ eventId: z.string().min(1) }),
});

function firstIssue(error: z.ZodError, what: string, id: unknown): string {
  const issue = error.issues[0];
  const where = formatPath(issue.path) || '(event)';
  return `${what} event${typeof id === 'string' ? ` ${id}` : ''}: ${where}: ${issue.message}`;
}

/** Server receive time of a server event: receivedAt, else timestamp. */
function eventTimeMs(e: { receivedAt?: string; timestamp?: string }): number | undefined {
  const t = e.receivedAt ?? e.timestamp;
  return t === undefined ? undefined : Date.parse(t);
}

/** Classifies one parsed JSON body. Client events and unknown shapes are 'other'. */
export function parseLoggedEvent(value: unknown): ParsedEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'other' };
  const type = (value as { type?: unknown }).type;
  const id = (value as { id?: unknown }).id;
  if (type === 'decision') {
    const parsed = decisionEventSchema.safeParse(value);
    if (!parsed.success) return { kind: 'malformed', type, error: firstIssue(parsed.error, 'decision', id) };
    const d = parsed.data.decision;
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
        activated: d.activated,
        profile: d.profile,
        reward: d.reward,
        model: d.model ?? null,
      },
    };
  }
  if (type === 'reward') {
    const parsed = rewardEventSchema.safeParse(value);
    if (!parsed.success) return { kind: 'malformed', type, error: firstIssue(parsed.error, 'reward', id) };
    const atMs = eventTimeMs(parsed.data);
    if (atMs === undefined) return { kind: 'malformed', type, error: `reward event ${parsed.data.id}: receivedAt: is required` };
    const r = parsed.data;
    return { kind: 'reward', reward: { id: r.id, eventId: r.decision.eventId, rewardActionId: r.decision.rewardActionId, value: r.value, atMs } };
  }
  if (type === 'activation') {
    const parsed = activationEventSchema.safeParse(value);
    if (!parsed.success) return { kind: 'malformed', type, error: firstIssue(parsed.error, 'activation', id) };
    const atMs = eventTimeMs(parsed.data);
    if (atMs === undefined) return { kind: 'malformed', type, error: `activation event ${parsed.data.id}: receivedAt: is required` };
    return { kind: 'activation', activation: { id: parsed.data.id, eventId: parsed.data.decision.eventId, atMs } };
  }
  return { kind: 'other' };
}
