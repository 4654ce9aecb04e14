// Signed event ids: a reward or activation is checked by recomputing an HMAC, with no database
// lookup. Layout (docs/ranking.md):
//   eventId = [clientEventId "~"] base64url(payload ‖ mac)
//   payload = version(1) ‖ issuedAtMs(6, big-endian) ‖ flags(1: 1 = user, 2 = anonymous user,
//             bits 2-3 = the endpoint that decided: 0 not recorded, 1 rank, 2 offers, 3 recommendations)
//             ‖ [nonce(8) if no clientEventId]
//             ‖ [userLen(1) ‖ userId if flags & HAS_USER] ‖ actionLen(2) ‖ rewardActionId   (UTF-8)
//   mac     = first 16 bytes of HMAC-SHA256(key, "pzr-event-v1" 0x00 clientEventId 0x00 payload)
import crypto from 'node:crypto';

const VERSION = 1;
const HAS_USER = 1;
const ANONYMOUS_USER = 2;
/** Bits 2-3 of flags: the decision's source, so a reward can be counted per endpoint without a lookup. */
const SOURCES = ['rank', 'offers', 'recommendations'] as const;
export type DecisionSource = (typeof SOURCES)[number];
const SOURCE_SHIFT = 2;
const SOURCE_MASK = 3 << SOURCE_SHIFT;
const MAC_BYTES = 16;
const NONCE_BYTES = 8;
const DOMAIN = Buffer.from('pzr-event-v1\u0000', 'utf8');
const MAX_TOKEN_CHARS = 4096;

export interface EventClaims {
  /** The eventId the client passed to rank, if any. */
  clientEventId?: string;
  issuedAtMs: number;
  /** The user key: a userId, or an anonymousId when `anonymous`. */
  userId?: string;
  anonymous?: boolean;
  rewardActionId: string;
  /** The endpoint that made the decision (absent in event ids issued before it was signed in). */
  source?: DecisionSource;
}

export type VerifyResult =
  | { ok: true; claims: EventClaims }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'future' };

function mac(key: Buffer, clientEventId: string, payload: Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(DOMAIN).update(clientEventId, 'utf8').update('\u0000').update(payload).digest().subarray(0, MAC_BYTES);
}

export function signEventId(claims: EventClaims, key: Buffer): string {
  const user = claims.userId !== undefined ? Buffer.from(claims.userId, 'utf8') : undefined;
  const action = Buffer.from(claims.rewardActionId, 'utf8');
  if (user && user.length > 255) throw new RangeError('userId is longer than 255 bytes');
  if (action.length > 65_535) throw new RangeError('rewardActionId is too long');
  const nonce = claims.clientEventId === undefined ? crypto.randomBytes(NONCE_BYTES) : undefined;
  const head = Buffer.alloc(8);
  head[0] = VERSION;
  head.writeUIntBE(Math.floor(claims.issuedAtMs), 1, 6);
  const source = claims.source !== undefined ? SOURCES.indexOf(claims.source) + 1 : 0;
  head[7] = (user ? HAS_USER : 0) | (user && claims.anonymous ? ANONYMOUS_USER : 0) | (source << SOURCE_SHIFT);
  const parts = [head];
  if (nonce) parts.push(nonce);
  if (user) parts.push(Buffer.from([user.length]), user);
  const actionLen = Buffer.alloc(2);
  actionLen.writeUInt16BE(action.length);
  parts.push(actionLen, action);
  const payload = Buffer.concat(parts);
  const token = Buffer.concat([payload, mac(key, claims.clientEventId ?? '', payload)]).toString('base64url');
  return claims.clientEventId === undefined ? token : `${claims.clientEventId}~${token}`;
}

function decode(payload: Buffer, hasClientId: boolean): Omit<EventClaims, 'clientEventId'> | undefined {
  if (payload.length < 8 || payload[0] !== VERSION) return undefined;
  const issuedAtMs = payload.readUIntBE(1, 6);
  const flags = payload[7];
  let at = 8 + (hasClientId ? 0 : NONCE_BYTES);
  let userId: string | undefined;
  if (flags & HAS_USER) {
    if (at >= payload.length) return undefined;
    const len = payload[at++];
    if (at + len > payload.length) return undefined;
    userId = payload.subarray(at, at + len).toString('utf8');
    at += len;
  }
  if (at + 2 > payload.length) return undefined;
  const actionLen = payload.readUInt16BE(at);
  at += 2;
  if (at + actionLen !== payload.length || actionLen === 0) return undefined;
  const anonymous = userId !== undefined && (flags & ANONYMOUS_USER) !== 0;
  const source = (flags & SOURCE_MASK) >> SOURCE_SHIFT;
  return { issuedAtMs, userId, ...(anonymous ? { anonymous } : {}), rewardActionId: payload.subarray(at).toString('utf8'), ...(source > 0 ? { source: SOURCES[source - 1] } : {}) };
}

/**
 * Accepts an event id signed with any of `keys` and issued at most `maxAgeMs` before `nowMs`
 * (and not more than `skewMs` after it, for clocks of other instances).
 */
export function verifyEventId(eventId: string, keys: readonly Buffer[], nowMs: number, maxAgeMs: number, skewMs = 60_000): VerifyResult {
  if (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
  const sep = eventId.lastIndexOf('~');
  const clientEventId = sep >= 0 ? eventId.slice(0, sep) : undefined;
  const encoded = sep >= 0 ? eventId.slice(sep + 1) : eventId;
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return { ok: false, reason: 'malformed' };
  const raw = Buffer.from(encoded, 'base64url');
  // Only the canonical encoding: no second spelling of the same event id.
  if (raw.length <= MAC_BYTES + 8 || raw.toString('base64url') !== encoded) return { ok: false, reason: 'malformed' };
  const payload = raw.subarray(0, raw.length - MAC_BYTES);
  const presented = raw.subarray(raw.length - MAC_BYTES);
  let valid = false;
  for (const key of keys) valid = crypto.timingSafeEqual(presented, mac(key, clientEventId ?? '', payload)) || valid;
  if (!valid) return { ok: false, reason: 'forged' };
  const claims = decode(payload, clientEventId !== undefined);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (claims.issuedAtMs > nowMs + skewMs) return { ok: false, reason: 'future' };
  if (nowMs - claims.issuedAtMs > maxAgeMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { ...claims, ...(clientEventId !== undefined ? { clientEventId } : {}) } };
}
