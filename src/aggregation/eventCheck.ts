// Checks that an Event Hub body is a TrackedEvent the aggregation can use. Deliberately a set of
// light hand-written checks rather than a full schema parse: it runs once per event on the hot
// path, and only has to guard the fields aggregation reads. A failure names the field.
import { parseIsoTime } from '../common/isoTime';
import { CLIENT_EVENT_TYPES, SERVER_EVENT_TYPES, unusableIdReason, type EventType, type TrackedEvent } from '../events/eventSchema';

const EVENT_TYPES = new Set<string>([...CLIENT_EVENT_TYPES, ...SERVER_EVENT_TYPES]);
const NEEDS_PRODUCT = new Set<string>(['product_view', 'add_to_cart', 'remove_from_cart', 'purchase']);
const NEEDS_OFFER = new Set<string>(['offer_view', 'offer_click']);
const MAX_ID = 128;

export type EventCheck = { ok: true; event: TrackedEvent; timeMs: number } | { ok: false; reason: string };

const fail = (reason: string): EventCheck => ({ ok: false, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Turns a delivered body (parsed JSON, JSON text or bytes) into a value, or explains why not. */
export function decodeBody(body: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, reason: 'body: is not valid JSON' };
    }
  }
  return { ok: true, value: body };
}

function checkId(event: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = event[field];
  if (value === undefined) return required ? `${field}: is required` : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID) {
    return `${field}: must be a string of 1-${MAX_ID} characters`;
  }
  const unusable = unusableIdReason(value);
  return unusable ? `${field}: ${unusable}` : undefined;
}

export function checkTrackedEvent(body: unknown): EventCheck {
  const decoded = decodeBody(body);
  if (!decoded.ok) return fail(decoded.reason);
  return checkEventValue(decoded.value);
}

/** Checks an already decoded event (a message body, or one element of an envelope). */
export function checkEventValue(event: unknown): EventCheck {
  if (!isRecord(event)) return fail('body: is not a JSON object');

  const type = event.type;
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) {
    return fail(`type: must be one of ${[...EVENT_TYPES].join(', ')}`);
  }
  const idError = checkId(event, 'id', true);
  if (idError) return fail(idError);
  if (event.userId === undefined && event.anonymousId === undefined) return fail('userId: userId or anonymousId is required');
  const userError = checkId(event, 'userId', false) ?? checkId(event, 'anonymousId', false);
  if (userError) return fail(userError);

  const timestamp = event.timestamp;
  if (typeof timestamp !== 'string') return fail('timestamp: is required (ISO 8601 date-time)');
  const timeMs = parseIsoTime(timestamp);
  if (!Number.isFinite(timeMs)) return fail('timestamp: is not an ISO 8601 date-time');

  const productError = checkId(event, 'productId', NEEDS_PRODUCT.has(type));
  if (productError) return fail(`${productError} (type ${type})`);
  const offerError = checkId(event, 'offerId', NEEDS_OFFER.has(type));
  if (offerError) return fail(`${offerError} (type ${type})`);

  const value = event.value;
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return fail('value: must be a finite number');
  if (type === 'purchase' && (value === undefined || (value as number) < 0)) {
    return fail('value: is required and must not be negative for a purchase');
  }
  const quantity = event.quantity;
  if (quantity !== undefined && (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1)) {
    return fail('quantity: must be a positive integer');
  }
  if (event.category !== undefined && typeof event.category !== 'string') return fail('category: must be a string');
  if (event.currency !== undefined && typeof event.currency !== 'string') return fail('currency: must be a string');
  const context = event.context;
  if (context !== undefined) {
    if (!isRecord(context)) return fail('context: must be an object');
    if (context.channel !== undefined && typeof context.channel !== 'string') return fail('context.channel: must be a string');
  }
  if (event.decision !== undefined && !isRecord(event.decision)) return fail('decision: must be an object');
  return { ok: true, event: event as unknown as TrackedEvent, timeMs };
}

export function isEventType(value: string): value is EventType {
  return EVENT_TYPES.has(value);
}
