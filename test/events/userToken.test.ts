import { describe, expect, it } from 'vitest';
import { ANONYMOUS_PREFIX, signUserToken, verifyUserToken } from '../../src/events/userToken';

const oldKey = Buffer.alloc(32, 1);
const newKey = Buffer.alloc(32, 2);
const now = Date.parse('2026-12-01T10:00:00Z');

describe('signed user ids', () => {
  it('verify for the user they were signed for, until they expire', () => {
    const token = signUserToken('u-42', newKey, now + 3600_000);
    expect(verifyUserToken(token, 'u-42', [newKey], now)).toEqual({ ok: true });
    expect(verifyUserToken(token, 'u-43', [newKey], now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyUserToken(token, 'u-42', [newKey], now + 3600_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rotate: a token signed with the old key verifies while both keys are listed, not after', () => {
    const token = signUserToken('u-42', oldKey, now + 60_000);
    expect(verifyUserToken(token, 'u-42', [newKey, oldKey], now).ok).toBe(true);
    expect(verifyUserToken(token, 'u-42', [newKey], now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuse missing, malformed and tampered tokens, and never sign or believe an anonymous id', () => {
    const token = signUserToken('u-42', newKey, now + 60_000);
    expect(verifyUserToken(undefined, 'u-42', [newKey], now).ok).toBe(false);
    expect(verifyUserToken(42, 'u-42', [newKey], now)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyUserToken(`${token}x`, 'u-42', [newKey], now)).toEqual({ ok: false, reason: 'malformed' });
    const later = `${Number(token.split('.')[0]) + 999}.${token.split('.')[1]}`;
    expect(verifyUserToken(later, 'u-42', [newKey], now)).toEqual({ ok: false, reason: 'forged' });
    expect(() => signUserToken(`${ANONYMOUS_PREFIX}x`, newKey, now + 1)).toThrow(/anonymous/);
    expect(verifyUserToken(token, `${ANONYMOUS_PREFIX}x`, [newKey], now)).toEqual({ ok: false, reason: 'anonymousId' });
  });
});
