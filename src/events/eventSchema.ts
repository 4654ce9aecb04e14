import { z } from 'zod';

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
] as const;

/** Event types only the server itself writes (the ranker's decision log and rewards). */
export const SERVER_EVENT_TYPES = ['decision', 'reward'] as const;

export type ClientEventType = (typeof CLIENT_EVENT_TYPES)[number];
export type ServerEventType = (typeof SERVER_EVENT_TYPES)[number];
export type EventType = ClientEventType | ServerEventType;

/** How far in the future a client clock may be before an event is refused. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const id = z.string().min(1).max(128);
const shortText = z.string().max(256);

const contextSchema = z
  .object({
    device: z.enum(['desktop', 'mobile', 'tablet', 'tv', 'other']).optional(),
    page: z.string().max(2048).optional(),
    referrer: z.string().max(2048).optional(),
    channel: shortText.optional(),
    locale: z.string().max(35).optional(),
    campaign: shortText.optional(),
    userAgent: z.string().max(1024).optional(),
  })
  .strict();

// Keys that would reach Object.prototype when copied into a plain object.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const propertyValue = z.union([z.string().max(1024), z.number().finite(), z.boolean()]);

const baseEvent = {
  schemaVersion: z.literal(EVENT_SCHEMA_VERSION).optional(),
  id,
  userId: id.optional(),
  anonymousId: id.optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  productId: id.optional(),
  offerId: id.optional(),
  category: shortText.optional(),
  value: z.number().finite().optional(),
  quantity: z.number().int().min(1).max(10_000).optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
  context: contextSchema.optional(),
  properties: z
    .record(
      z.string().max(64).refine((k) => !FORBIDDEN_KEYS.has(k), 'is a reserved name'),
      propertyValue,
    )
    .refine((p) => Object.keys(p).length <= 50, 'must have at most 50 keys')
    .optional(),
};

function requireFields(type: string, fields: ('productId' | 'offerId' | 'value')[]) {
  return (event: Record<string, unknown>, ctx: z.RefinementCtx) => {
    for (const field of fields) {
      if (event[field] === undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `is required for type ${type}` });
      }
    }
  };
}

const REQUIRED_BY_TYPE: Record<ClientEventType, ('productId' | 'offerId' | 'value')[]> = {
  page_view: [],
  product_view: ['productId'],
  add_to_cart: ['productId'],
  remove_from_cart: ['productId'],
  purchase: ['productId', 'value'],
  offer_view: ['offerId'],
  offer_click: ['offerId'],
};

export const clientEventSchema = z
  .object({ ...baseEvent, type: z.enum(CLIENT_EVENT_TYPES) })
  .strict()
  .superRefine((event, ctx) => {
    if (event.userId === undefined && event.anonymousId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId or anonymousId is required' });
    }
    requireFields(event.type, REQUIRED_BY_TYPE[event.type])(event, ctx);
    if (event.type === 'purchase' && event.value !== undefined && event.value < 0) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'must not be negative for a purchase' });
    }
  });

export type ClientEvent = z.infer<typeof clientEventSchema>;

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
}

export interface FieldError {
  field: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export type ValidationResult =
  | { ok: true; event: TrackedEvent }
  | { ok: false; errors: FieldError[] };

/** Validates one client event and stamps it with the server's receive time. */
export function validateClientEvent(input: unknown, receivedAt: Date): ValidationResult {
  const parsed = clientEventSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({
        field:
          issue.code === 'unrecognized_keys'
            ? issue.keys.map((k) => formatPath([...issue.path, k])).join(', ')
            : formatPath(issue.path) || '(event)',
        message: issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message,
      })),
    };
  }
  const event = parsed.data;
  if (event.timestamp !== undefined && Date.parse(event.timestamp) > receivedAt.getTime() + MAX_CLOCK_SKEW_MS) {
    return { ok: false, errors: [{ field: 'timestamp', message: 'is more than 5 minutes in the future' }] };
  }
  const received = receivedAt.toISOString();
  return {
    ok: true,
    event: {
      ...event,
      schemaVersion: EVENT_SCHEMA_VERSION,
      timestamp: event.timestamp !== undefined ? new Date(event.timestamp).toISOString() : received,
      receivedAt: received,
    },
  };
}

/** The partition key of an event: the user, so one user's events stay in order. */
export function partitionKeyOf(event: Pick<TrackedEvent, 'userId' | 'anonymousId'>): string {
  return event.userId ?? event.anonymousId ?? '';
}
