// Signed user ids: the shop's backend, which knows who signed in, gives the page a token for that
// user id; capture believes an event's `userId` only with a valid token (docs/web-client.md,
// "Identity"). Layout:
//   token = expiresAtSeconds "." base64url(HMAC-SHA256(key, "pz-user-v1" 0x00 userId 0x00 expiresAtSeconds))
// Keys rotate like RankingSigningKeys: the first key of UserTokenKeys signs, every key verifies.
import crypto from 'node:crypto';

const DOMAIN = 'pz-user-v1\u0000';
const TOKEN = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Anonymous ids live in their own namespace so that no anonymous event can write into a signed
 * user's profile: capture stores every browser anonymousId with this prefix, and no user id with
 * it is ever signed or believed.
 */
export const ANONYMOUS_PREFIX = 'anon-';

function mac(key: Buffer, userId: string, expires: string): Buffer {
  return crypto.createHmac('sha256', key).update(DOMAIN).update(userId, 'utf8').update('\u0000').update(expires).digest();
}

/** A token for `userId` valid until `expiresAtMs` (what the shop's backend does at sign-in). */
export function signUserToken(userId: string, key: Buffer, expiresAtMs: number): string {
  if (userId.startsWith(ANONYMOUS_PREFIX)) throw new RangeError(`user ids starting with "${ANONYMOUS_PREFIX}" are anonymous ids and cannot be signed`);
  const expires = String(Math.floor(expiresAtMs / 1000));
  return `${expires}.${mac(key, userId, expires).toString('base64url')}`;
}

export type UserTokenCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'forged' | 'anonymousId' };

/** Whether `token` was signed for `userId` by one of `keys` and has not expired. */
export function verifyUserToken(token: unknown, userId: string, keys: readonly Buffer[], nowMs: number): UserTokenCheck {
  if (userId.startsWith(ANONYMOUS_PREFIX)) return { ok: false, reason: 'anonymousId' };
  if (token === undefined) return { ok: false, reason: 'missing' };
  const m = typeof token === 'string' ? TOKEN.exec(token) : null;
  if (!m) return { ok: false, reason: 'malformed' };
  if (Number(m[1]) * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  const given = Buffer.from(m[2], 'base64url');
  for (const key of keys) {
    if (crypto.timingSafeEqual(mac(key, userId, m[1]), given)) return { ok: true };
  }
  return { ok: false, reason: 'forged' };
}
