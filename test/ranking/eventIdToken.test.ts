import { describe, it, expect } from 'vitest';
import crypto from 'node:crypto';
import { signEventId, verifyEventId } from '../../src/ranking/eventIdToken';
import { anonymousKeyOf } from '../../src/events/learningEvents';

const key = crypto.randomBytes(32);
const oldKey = crypto.randomBytes(32);
const now = Date.UTC(2025, 4, 1, 12, 0, 0);
const WAIT = 600_000;

describe('signed event ids', () => {
  it('round-trips the issue time, user and rewardActionId', () => {
    const id = signEventId({ issuedAtMs: now, userId: 'user-42', rewardActionId: 'summer-sale' }, key);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id.length).toBeLessThanOrEqual(256);
    const r = verifyEventId(id, [key], now + 1000, WAIT);
    expect(r).toEqual({ ok: true, claims: { issuedAtMs: now, userId: 'user-42', rewardActionId: 'summer-sale' } });
  });

  it('carries the deciding endpoint inside the signature, and reads ids without one as before', () => {
    for (const source of ['rank', 'offers', 'recommendations'] as const) {
      const id = signEventId({ issuedAtMs: now, userId: 'user-42', anonymous: true, rewardActionId: 'p-1', source }, key);
      expect(verifyEventId(id, [key], now, WAIT)).toEqual({ ok: true, claims: { issuedAtMs: now, userId: 'user-42', anonymous: true, rewardActionId: 'p-1', source } });
    }
    // Changing the source bits breaks the signature: a reward cannot be moved to another source.
    const raw = Buffer.from(signEventId({ issuedAtMs: now, rewardActionId: 'p-1', source: 'recommendations' }, key), 'base64url');
    raw[7] &= ~(3 << 2);
    raw[7] |= 1 << 2;
    expect(verifyEventId(raw.toString('base64url'), [key], now, WAIT)).toEqual({ ok: false, reason: 'forged' });
    const plain = signEventId({ issuedAtMs: now, rewardActionId: 'p-1' }, key);
    expect(verifyEventId(plain, [key], now, WAIT)).toEqual({ ok: true, claims: { issuedAtMs: now, rewardActionId: 'p-1' } });
  });

  it('gives every decision a different id, even with the same claims', () => {
    const a = signEventId({ issuedAtMs: now, rewardActionId: 'x' }, key);
    const b = signEventId({ issuedAtMs: now, rewardActionId: 'x' }, key);
    expect(a).not.toBe(b);
  });

  it('keeps a client eventId visible as the prefix and binds it into the signature', () => {
    const id = signEventId({ clientEventId: 'order-7~retry', issuedAtMs: now, rewardActionId: 'a1' }, key);
    expect(id.startsWith('order-7~retry~')).toBe(true);
    const r = verifyEventId(id, [key], now, WAIT);
    expect(r).toEqual({ ok: true, claims: { clientEventId: 'order-7~retry', issuedAtMs: now, rewardActionId: 'a1' } });
    // The same signature under another client id is refused.
    const forged = `order-8${id.slice('order-7'.length)}`;
    expect(verifyEventId(forged, [key], now, WAIT)).toEqual({ ok: false, reason: 'forged' });
    // A server id dressed up with a client prefix is refused too.
    const plain = signEventId({ issuedAtMs: now, rewardActionId: 'a1' }, key);
    expect(verifyEventId(`mine~${plain}`, [key], now, WAIT).ok).toBe(false);
  });

  it('marks anonymous user keys', () => {
    const id = signEventId({ issuedAtMs: now, userId: 'anon-1', anonymous: true, rewardActionId: 'a' }, key);
    const r = verifyEventId(id, [key], now, WAIT);
    expect(r.ok && r.claims).toEqual({ issuedAtMs: now, userId: 'anon-1', anonymous: true, rewardActionId: 'a' });
  });

  it('refuses every single-character change', () => {
    const id = signEventId({ issuedAtMs: now, userId: 'u', rewardActionId: 'offer-1' }, key);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < id.length; i++) {
      const c = alphabet[(alphabet.indexOf(id[i]) + 17) % alphabet.length];
      const tampered = id.slice(0, i) + c + id.slice(i + 1);
      const r = verifyEventId(tampered, [key], now, WAIT);
      expect(r.ok, `position ${i}`).toBe(false);
    }
  });

  it('refuses ids signed with an unknown key and accepts rotated ones', () => {
    const id = signEventId({ issuedAtMs: now, rewardActionId: 'a' }, oldKey);
    expect(verifyEventId(id, [key], now, WAIT)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyEventId(id, [key, oldKey], now, WAIT).ok).toBe(true);
    expect(verifyEventId(id, [], now, WAIT)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses expired and future ids', () => {
    const id = signEventId({ issuedAtMs: now, rewardActionId: 'a' }, key);
    expect(verifyEventId(id, [key], now + WAIT, WAIT).ok).toBe(true);
    expect(verifyEventId(id, [key], now + WAIT + 1, WAIT)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyEventId(id, [key], now - 120_000, WAIT)).toEqual({ ok: false, reason: 'future' });
  });

  it('refuses malformed ids without throwing', () => {
    for (const bad of ['', 'x', '!!!!', 'a'.repeat(5000), '~', 'abc~', 'A'.repeat(40), '6ZXmhyQHfGt3cK3ypVfI7A']) {
      const r = verifyEventId(bad, [key], now, WAIT);
      expect(r.ok).toBe(false);
    }
  });

  it('derives one stable anonymous key per event id', () => {
    expect(anonymousKeyOf('abc')).toBe(anonymousKeyOf('abc'));
    expect(anonymousKeyOf('abc')).not.toBe(anonymousKeyOf('abd'));
    expect(anonymousKeyOf('abc').length).toBeLessThanOrEqual(128);
  });
});
