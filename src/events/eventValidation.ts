// The one validator of tracked events. Capture checks what a frontend sends with it
// (`validateClientEvent`); every reader of the Event Hub or the archive — aggregation, the trainer,
// the campaign import — checks a stored event with it (`checkEventValue`). The rules are capture's
// (docs/events.md) for every field; a stored event additionally carries what the server adds.
//
// Hand-written rather than a compiled JSON Schema: aggregation runs it once per event on its hot
// path, where Ajv with the schema's per-type if/then and two date-time formats cost ~2.3 µs per
// event against ~0.65 µs for these checks (measured on bench/process.ts's events; docs/events.md).
// Each failure names its field (path) and says what is expected.
import { formatPath, type FieldError } from '../common/fieldPath';
import { isRfc3339DateTime, parseCanonicalIsoTime, parseIsoTime } from '../common/isoTime';
import { CHANNELS, DAYS, TIME_SLOTS, localContactTime } from './contactCombinations';
import {
  CLIENT_EVENT_TYPES, DECISION_EVENT_TYPES, DEVICES, EVENT_SCHEMA_VERSION, FORBIDDEN_KEYS, MAX_CLOCK_SKEW_MS, MAX_DECISION_ID, MAX_EVENT_VALUE, SERVER_EVENT_TYPES,
  unusableIdReason,
  type ClientEvent, type TrackedEvent,
} from './eventSchema';

export type ValidationResult =
  | { ok: true; event: TrackedEvent }
  | { ok: false; errors: FieldError[] };

/** A stored event: valid with its timestamp in epoch ms, or the errors and a one-line reason for a dead letter. */
export type EventCheck =
  | { ok: true; event: TrackedEvent; timeMs: number }
  | { ok: false; errors: FieldError[]; reason: string };

type Mode = 'client' | 'stored';

/** One failure. `forType`: the field is required by the event's type. */
interface Issue {
  path: string;
  message: string;
  forType?: string;
}

const MAX_ID = 128;
const TIME_MESSAGE = 'is not an ISO 8601 date-time with a time zone, e.g. 2026-11-23T10:00:00Z';
const CLIENT_TYPES: ReadonlySet<string> = new Set(CLIENT_EVENT_TYPES);
const SERVER_TYPES: ReadonlySet<string> = new Set(SERVER_EVENT_TYPES);
const ALL_TYPES: ReadonlySet<string> = new Set([...CLIENT_EVENT_TYPES, ...SERVER_EVENT_TYPES]);
const CLIENT_TYPE_LIST = `must be one of ${CLIENT_EVENT_TYPES.join(', ')}`;
const ALL_TYPE_LIST = `must be one of ${[...ALL_TYPES].join(', ')}`;
/** Campaign touches and responses feed the campaign model's retraining (docs/campaign.md). */
const CAMPAIGN_TYPES: ReadonlySet<string> = new Set(['campaign_touch', 'campaign_response']);
const FORBIDDEN: ReadonlySet<string> = new Set(FORBIDDEN_KEYS);
const DECISION_TYPES: ReadonlySet<string> = new Set(DECISION_EVENT_TYPES);
/** Signed event ids are base64url, optionally after the client's own event id and "~"; no controls or spaces. */
const DECISION_ID = /^[\x21-\x7e]+$/;

type RequiredField = 'productId' | 'offerId' | 'value' | 'leadId' | 'campaignId' | 'channel' | 'timestamp';

/** Fields an event type needs beyond id, type and a user. */
export const REQUIRED_BY_TYPE: Readonly<Record<string, readonly RequiredField[]>> = {
  product_view: ['productId'],
  add_to_cart: ['productId'],
  remove_from_cart: ['productId'],
  purchase: ['productId', 'value'],
  offer_view: ['offerId'],
  offer_click: ['offerId'],
  // The timestamp's own offset gives the lead's local day and time slot.
  campaign_touch: ['leadId', 'campaignId', 'channel', 'timestamp'],
  campaign_response: ['leadId', 'campaignId', 'timestamp'],
  // The server writes these; the trainer needs a reward's value.
  reward: ['value'],
};

/** Top-level fields a frontend may send. */
export const CLIENT_FIELDS: ReadonlySet<string> = new Set([
  'schemaVersion', 'id', 'type', 'userId', 'anonymousId', 'timestamp', 'productId', 'offerId', 'category', 'value', 'quantity',
  'currency', 'leadId', 'campaignId', 'touchId', 'channel', 'decisionId', 'userToken', 'context', 'properties',
]);
export const CONTEXT_TEXT: Readonly<Record<string, number>> = { page: 2048, referrer: 2048, channel: 256, locale: 35, campaign: 256, userAgent: 1024 };
const CONTEXT_PATHS: Readonly<Record<string, string>> = Object.fromEntries(Object.keys(CONTEXT_TEXT).map((k) => [k, `context.${k}`]));
const DEVICE_SET: ReadonlySet<string> = new Set(DEVICES);
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);
const DAY_SET: ReadonlySet<string> = new Set(DAYS);
const SLOT_SET: ReadonlySet<string> = new Set(TIME_SLOTS);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Length in code points (as JSON Schema's maxLength counts), computed only when it matters. */
function withinLength(s: string, max: number): boolean {
  if (s.length <= max) return true;
  let n = 0;
  for (const _ of s) if (++n > max) return false;
  return true;
}

/** Ids key Cosmos DB documents and partitions: 1–128 UTF-16 units, and usable as a key. */
function checkId(issues: Issue[], event: Record<string, unknown>, field: string): void {
  const value = event[field];
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID) {
    issues.push({ path: field, message: `must be a string of 1-${MAX_ID} characters` });
    return;
  }
  const unusable = unusableIdReason(value);
  if (unusable) issues.push({ path: field, message: unusable });
}

function checkTextId(issues: Issue[], value: unknown, path: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length === 0 || !withinLength(value, MAX_ID)) issues.push({ path, message: `must be a string of 1-${MAX_ID} characters` });
}

function checkText(issues: Issue[], value: unknown, path: string, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !withinLength(value, max)) issues.push({ path, message: `must be a string of at most ${max} characters` });
}

function checkEnum(issues: Issue[], value: unknown, path: string, allowed: ReadonlySet<string>): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !allowed.has(value)) issues.push({ path, message: `must be one of ${[...allowed].join(', ')}` });
}

/** A recommendation's signed event id on a product event (its signature is checked where the reward is made). */
function checkDecisionId(issues: Issue[], value: unknown, typeName: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_DECISION_ID || !DECISION_ID.test(value)) {
    issues.push({ path: 'decisionId', message: `must be the eventId of a recommendation: 1-${MAX_DECISION_ID} printable ASCII characters` });
  } else if (typeName !== '' && !DECISION_TYPES.has(typeName)) {
    issues.push({ path: 'decisionId', message: `is allowed only on ${DECISION_EVENT_TYPES.join(', ')} events` });
  }
}

function checkContext(issues: Issue[], context: unknown): void {
  if (context === undefined) return;
  if (!isRecord(context)) {
    issues.push({ path: 'context', message: 'must be an object' });
    return;
  }
  for (const key in context) {
    const value = context[key];
    if (value === undefined) continue;
    if (key === 'device') checkEnum(issues, value, 'context.device', DEVICE_SET);
    else if (Object.prototype.hasOwnProperty.call(CONTEXT_TEXT, key)) checkText(issues, value, CONTEXT_PATHS[key], CONTEXT_TEXT[key]);
    else issues.push({ path: formatPath(['context', key]), message: 'is not a known field' });
  }
}

function checkProperties(issues: Issue[], properties: unknown): void {
  if (properties === undefined) return;
  if (!isRecord(properties)) {
    issues.push({ path: 'properties', message: 'must be an object' });
    return;
  }
  let count = 0;
  for (const key in properties) {
    count++;
    if (FORBIDDEN.has(key) || !withinLength(key, 64)) {
      issues.push({ path: formatPath(['properties', key]), message: 'is not an allowed property name' });
      continue;
    }
    const value = properties[key];
    if (typeof value === 'string') {
      if (!withinLength(value, 1024)) issues.push({ path: formatPath(['properties', key]), message: 'must be at most 1024 characters' });
    } else if (typeof value !== 'boolean' && !isFiniteNumber(value)) {
      issues.push({ path: formatPath(['properties', key]), message: 'must be a string, number or boolean' });
    }
  }
  if (count > 50) issues.push({ path: 'properties', message: 'must have at most 50 keys' });
}

/**
 * Epoch ms of a valid event time, or NaN. RFC 3339 with a zone for both; a stored time must also
 * be one the hot path reads (`parseIsoTime`: the server stores toISOString()), a client's one that
 * Date can read (capture normalises it to UTC).
 */
function timeOf(value: string, mode: Mode): number {
  // A valid date-time in toISOString()'s form (what the server stores) is RFC 3339: no more to check.
  const canonical = parseCanonicalIsoTime(value);
  if (canonical === canonical) return canonical;
  if (!isRfc3339DateTime(value)) return NaN;
  return mode === 'stored' ? parseIsoTime(value) : Date.parse(value);
}

function issuesOf(input: unknown, mode: Mode, receivedMs: number): { issues: Issue[]; timeMs: number } {
  const issues: Issue[] = [];
  if (!isRecord(input)) return { issues: [{ path: '', message: 'is not a JSON object' }], timeMs: NaN };
  const e = input;
  const stored = mode === 'stored';

  const type = e.type;
  const knownType = typeof type === 'string' && (stored ? ALL_TYPES : CLIENT_TYPES).has(type);
  if (type === undefined) issues.push({ path: 'type', message: 'is required' });
  else if (!knownType) issues.push({ path: 'type', message: stored ? ALL_TYPE_LIST : CLIENT_TYPE_LIST });
  const typeName = knownType ? (type as string) : '';

  if (e.id === undefined) issues.push({ path: 'id', message: 'is required' });
  else checkId(issues, e, 'id');
  if (e.userId === undefined && e.anonymousId === undefined) issues.push({ path: 'userId', message: 'userId or anonymousId is required' });
  checkId(issues, e, 'userId');
  checkId(issues, e, 'anonymousId');

  let timeMs = NaN;
  const timestamp = e.timestamp;
  if (timestamp === undefined) {
    if (stored) issues.push({ path: 'timestamp', message: 'is required' });
  } else if (typeof timestamp !== 'string' || !Number.isFinite((timeMs = timeOf(timestamp, mode)))) {
    issues.push({ path: 'timestamp', message: TIME_MESSAGE });
  }
  let receivedAtMs = receivedMs;
  if (stored && e.receivedAt !== undefined) {
    receivedAtMs = typeof e.receivedAt === 'string' ? timeOf(e.receivedAt, mode) : NaN;
    if (!Number.isFinite(receivedAtMs)) issues.push({ path: 'receivedAt', message: TIME_MESSAGE });
  }
  if (timeMs > receivedAtMs + MAX_CLOCK_SKEW_MS) issues.push({ path: 'timestamp', message: 'is more than 5 minutes in the future' });

  checkId(issues, e, 'productId');
  checkId(issues, e, 'offerId');
  const value = e.value;
  if (value !== undefined && !isFiniteNumber(value)) issues.push({ path: 'value', message: 'must be a finite number' });
  else if (typeof value === 'number' && Math.abs(value) > MAX_EVENT_VALUE) issues.push({ path: 'value', message: `must be between -${MAX_EVENT_VALUE} and ${MAX_EVENT_VALUE}` });
  else if (type === 'purchase' && typeof value === 'number' && value < 0) issues.push({ path: 'value', message: 'must not be negative for a purchase' });
  const quantity = e.quantity;
  if (quantity !== undefined && !(isFiniteNumber(quantity) && Number.isInteger(quantity) && quantity >= 1 && quantity <= 10_000)) {
    issues.push({ path: 'quantity', message: 'must be an integer from 1 to 10000' });
  }
  checkText(issues, e.category, 'category', 256);
  if (e.currency !== undefined && !(typeof e.currency === 'string' && /^[A-Z]{3}$/.test(e.currency))) {
    issues.push({ path: 'currency', message: 'must be an ISO 4217 code such as EUR' });
  }
  // Campaign ids key no document: capture's rule (1–128 characters), not the document-key one.
  checkTextId(issues, e.leadId, 'leadId');
  checkTextId(issues, e.campaignId, 'campaignId');
  checkTextId(issues, e.touchId, 'touchId');
  checkEnum(issues, e.channel, 'channel', CHANNEL_SET);
  checkDecisionId(issues, e.decisionId, typeName);
  checkText(issues, e.userToken, 'userToken', 1024);
  checkContext(issues, e.context);
  checkProperties(issues, e.properties);
  if (e.schemaVersion !== undefined && e.schemaVersion !== EVENT_SCHEMA_VERSION) issues.push({ path: 'schemaVersion', message: `must be ${EVENT_SCHEMA_VERSION}` });

  const required = REQUIRED_BY_TYPE[typeName];
  if (required !== undefined) {
    for (const field of required) if (e[field] === undefined) issues.push({ path: field, message: 'is required', forType: typeName });
  }

  const campaign = CAMPAIGN_TYPES.has(typeName);
  const server = SERVER_TYPES.has(typeName);
  if (stored) {
    if (server && e.decision !== undefined && !isRecord(e.decision)) issues.push({ path: 'decision', message: 'must be an object' });
    if (campaign) {
      checkEnum(issues, e.day, 'day', DAY_SET);
      checkEnum(issues, e.timeSlot, 'timeSlot', SLOT_SET);
    }
  } else if (campaign && typeof timestamp === 'string' && Number.isFinite(timeMs) && !localContactTime(timestamp)) {
    issues.push({ path: 'timestamp', message: 'must be an ISO 8601 date-time with the offset of the lead\'s local time, e.g. 2026-03-02T18:30:00+01:00' });
  }

  for (const key in e) {
    if (CLIENT_FIELDS.has(key) || e[key] === undefined) continue;
    if (stored && (key === 'receivedAt' || (server && key === 'decision') || (campaign && (key === 'day' || key === 'timeSlot')))) continue;
    issues.push({ path: key, message: 'is not a known field' });
  }
  return { issues, timeMs };
}

/** One error per field (the first), as a frontend reads them. */
function fieldErrors(issues: Issue[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const i of issues) {
    const field = i.path || '(event)';
    if (seen.has(field)) continue;
    seen.add(field);
    out.push({ field, message: i.forType ? `${i.message} for type ${i.forType}` : i.message });
  }
  return out;
}

/** The dead-letter reason of a stored event: its first failure (`productId: is required (type product_view)`). */
function reasonOf(issue: Issue): string {
  return `${issue.path || 'body'}: ${issue.message}${issue.forType ? ` (type ${issue.forType})` : ''}`;
}

/**
 * Validates one client event and stamps it with the server's receive time. Pass `receivedIso`
 * (receivedAt.toISOString()) when validating many events received together.
 */
export function validateClientEvent(input: unknown, receivedAt: Date, receivedIso = receivedAt.toISOString()): ValidationResult {
  const { issues, timeMs } = issuesOf(input, 'client', receivedAt.getTime());
  if (issues.length > 0) return { ok: false, errors: fieldErrors(issues) };
  const event = input as ClientEvent;
  const local = CAMPAIGN_TYPES.has(event.type) && event.timestamp !== undefined ? localContactTime(event.timestamp) : undefined;
  return {
    ok: true,
    // Object.assign, not spread: spreading a JSON.parse'd object costs ~6 µs per event in V8,
    // a third of the capture endpoint's budget for a 50-event request.
    event: Object.assign({}, event, {
      schemaVersion: EVENT_SCHEMA_VERSION,
      timestamp: event.timestamp !== undefined ? new Date(timeMs).toISOString() : receivedIso,
      receivedAt: receivedIso,
    }, local ? { day: DAYS[local.day], timeSlot: TIME_SLOTS[local.slot] } : undefined) as TrackedEvent,
  };
}

/**
 * Checks a stored event (a message body's event, an envelope element, an archived event): what
 * capture accepted, the server's own decision / reward / activation events, with the fields the
 * server adds (`receivedAt`, `day` / `timeSlot`, `decision`). The `decision` member's own shape is
 * checked by its reader (learningEvents.ts).
 */
export function checkEventValue(value: unknown): EventCheck {
  const { issues, timeMs } = issuesOf(value, 'stored', NaN);
  if (issues.length > 0) return { ok: false, errors: fieldErrors(issues), reason: reasonOf(issues[0]) };
  return { ok: true, event: value as TrackedEvent, timeMs };
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

/** `checkEventValue` of a message body holding one event (parsed JSON, JSON text or bytes). */
export function checkTrackedEvent(body: unknown): EventCheck {
  const decoded = decodeBody(body);
  if (!decoded.ok) return { ok: false, errors: [{ field: 'body', message: decoded.reason.slice('body: '.length) }], reason: decoded.reason };
  return checkEventValue(decoded.value);
}
