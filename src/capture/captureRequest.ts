import type { FieldError } from '../common/fieldPath';
import type { TrackedEvent } from '../events/eventSchema';
import { validateClientEvent } from '../events/eventValidation';
import { settleIdentity, type IdentityPolicy } from './eventIdentity';

/** What one capture route accepts. Absent: every client event type, user ids believed. */
export interface CaptureRoute {
  /** Event types this route takes; others are refused naming the route that takes them. */
  types?: ReadonlySet<string>;
  /** Why another type is refused, e.g. "is sent by servers: use POST /api/events/server". */
  otherTypes?: string;
  /** The browser route's identity rules (signed user ids); absent: user ids are believed. */
  identity?: IdentityPolicy;
}

export interface CaptureLimits {
  maxEvents: number;
  maxBytes: number;
}

export interface RejectedEvent {
  index: number;
  errors: FieldError[];
}

export type ParsedCapture =
  | { ok: true; events: TrackedEvent[]; indexes: number[]; rejected: RejectedEvent[] }
  | { ok: false; status: 400 | 413 | 415; error: string; rejected?: RejectedEvent[] };

const ACCEPTED_TYPES = ['application/json', 'text/plain'];

/** The media type without parameters, lower case; empty when absent. */
export function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * Parses and validates a capture request body: one event object or an array of them.
 * With `partial`, valid events are kept and invalid ones reported; otherwise any invalid
 * event rejects the whole request (nothing is sent).
 */
export function parseCaptureBody(
  body: string,
  contentType: string | null | undefined,
  limits: CaptureLimits,
  receivedAt: Date,
  partial: boolean,
  route: CaptureRoute = {},
): ParsedCapture {
  const type = mediaType(contentType);
  // navigator.sendBeacon sends strings as text/plain; some clients send no type at all.
  if (type !== '' && !ACCEPTED_TYPES.includes(type)) {
    return { ok: false, status: 415, error: `content-type: ${type} is not supported; send application/json or text/plain` };
  }
  if (Buffer.byteLength(body, 'utf8') > limits.maxBytes) {
    return { ok: false, status: 413, error: `body: is larger than ${limits.maxBytes} bytes` };
  }
  if (body.trim() === '') return { ok: false, status: 400, error: 'body: is empty; send an event or an array of events' };
  let parsed: unknown;
  let reservedKey = false;
  try {
    // A reviver is slow; only bodies that could spell a reserved key (maybe with \u escapes) pay for it.
    parsed = body.includes('__proto__') || body.includes('\\u')
      ? JSON.parse(body, (key, value: unknown) => {
          if (key === '__proto__') reservedKey = true;
          return value;
        })
      : JSON.parse(body);
  } catch (error) {
    return { ok: false, status: 400, error: `body: is not valid JSON (${(error as Error).message})` };
  }
  if (reservedKey) return { ok: false, status: 400, error: 'body: the key __proto__ is not allowed' };
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (items.length === 0) return { ok: false, status: 400, error: 'body: must contain at least one event' };
  if (items.length > limits.maxEvents) {
    return { ok: false, status: 413, error: `body: must contain at most ${limits.maxEvents} events, got ${items.length}` };
  }
  const events: TrackedEvent[] = [];
  const indexes: number[] = [];
  const rejected: RejectedEvent[] = [];
  const receivedIso = receivedAt.toISOString();
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      rejected.push({ index, errors: [{ field: fieldName(index, '(event)', Array.isArray(parsed)), message: 'must be a JSON object' }] });
      return;
    }
    const result = validateClientEvent(item, receivedAt, receivedIso);
    if (result.ok && route.types && !route.types.has(result.event.type)) {
      rejected.push({ index, errors: [{ field: fieldName(index, 'type', Array.isArray(parsed)), message: `${result.event.type} ${route.otherTypes ?? 'is not accepted here'}` }] });
      return;
    }
    const identityErrors = result.ok ? settleIdentity(result.event, route.identity, receivedAt.getTime()) : undefined;
    if (identityErrors) {
      rejected.push({ index, errors: identityErrors.map((e) => ({ field: fieldName(index, e.field, Array.isArray(parsed)), message: e.message })) });
    } else if (result.ok) {
      events.push(result.event);
      indexes.push(index);
    } else {
      rejected.push({
        index,
        errors: result.errors.map((e) => ({ field: fieldName(index, e.field, Array.isArray(parsed)), message: e.message })),
      });
    }
  });
  if (rejected.length > 0 && (!partial || events.length === 0)) {
    const count = `${rejected.length} of ${items.length} event${items.length === 1 ? ' is' : 's are'} invalid`;
    return { ok: false, status: 400, error: `${count}: ${summarize(rejected)}`, rejected };
  }
  return { ok: true, events, indexes, rejected };
}

function fieldName(index: number, field: string, isArray: boolean): string {
  if (!isArray) return field;
  return field === '(event)' ? `[${index}]` : `[${index}].${field}`;
}

function summarize(rejected: RejectedEvent[]): string {
  const parts = rejected.flatMap((r) => r.errors.map((e) => `${e.field} ${e.message}`));
  return parts.length > 5 ? `${parts.slice(0, 5).join('; ')}; …` : parts.join('; ');
}
