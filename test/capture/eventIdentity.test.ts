// The browser route's rules: user ids believed only with a signed token, anonymous ids kept in
// their own namespace, the token never stored, server-to-server types refused.
import { describe, expect, it } from 'vitest';
import { parseCaptureBody, type CaptureRoute } from '../../src/capture/captureRequest';
import { BROWSER_EVENT_TYPES } from '../../src/events/eventSchema';
import { signUserToken } from '../../src/events/userToken';
import { readIdentitySettings } from '../../src/config/identitySettings';

const limits = { maxEvents: 500, maxBytes: 1024 * 1024 };
const now = new Date('2026-11-23T10:00:00Z');
const key = Buffer.alloc(32, 7);
const token = signUserToken('u-42', key, now.getTime() + 3600_000);
const browser = (unverified: 'anonymous' | 'refuse'): CaptureRoute => ({
  types: new Set(BROWSER_EVENT_TYPES), otherTypes: 'is sent by servers: use POST /api/events/server', identity: { keys: [key], unverified },
});
const parse = (body: unknown, route: CaptureRoute, partial = false) => parseCaptureBody(JSON.stringify(body), 'text/plain', limits, now, partial, route);

describe('identity on the browser route', () => {
  it('keeps a signed userId and drops the token before the event is stored', () => {
    const r = parse({ id: 'e1', type: 'page_view', userId: 'u-42', userToken: token, anonymousId: 'anon-1' }, browser('anonymous'));
    expect(r.ok && r.events[0]).toMatchObject({ userId: 'u-42', anonymousId: 'anon-1' });
    expect(r.ok && 'userToken' in r.events[0]).toBe(false);
  });

  it('stores an event whose userId has no valid token as anonymous', () => {
    const forged = signUserToken('u-42', Buffer.alloc(32, 8), now.getTime() + 3600_000);
    const r = parse([
      { id: 'e1', type: 'add_to_cart', userId: 'u-42', userToken: forged, anonymousId: 'anon-9', productId: 'p', quantity: 5 },
      { id: 'e2', type: 'page_view', userId: 'u-42' },
      { id: 'e3', type: 'page_view', userId: 'u-43', userToken: token },
    ], browser('anonymous'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => [e.userId, e.anonymousId])).toEqual([[undefined, 'anon-9'], [undefined, 'anon-u-42'], [undefined, 'anon-u-43']]);
  });

  it('refuses such events, naming userToken, when UnverifiedUserIds is refuse', () => {
    const r = parse([{ id: 'e1', type: 'page_view', userId: 'u-42', userToken: 'x' }, { id: 'e2', type: 'page_view', userId: 'u-42', userToken: token }], browser('refuse'), true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => e.id)).toEqual(['e2']);
    expect(r.rejected).toEqual([{ index: 0, errors: [{ field: '[0].userToken', message: expect.stringContaining('malformed') }] }]);
  });

  it('puts anonymous ids in their own namespace, so no anonymous event writes a signed user\'s profile', () => {
    const r = parse({ id: 'e1', type: 'add_to_cart', anonymousId: 'u-42', productId: 'p1' }, browser('anonymous'));
    expect(r.ok && r.events[0].anonymousId).toBe('anon-u-42');
    expect(r.ok && r.events[0].userId).toBeUndefined();
    const again = parse({ id: 'e2', type: 'page_view', anonymousId: 'anon-5' }, browser('anonymous'));
    expect(again.ok && again.events[0].anonymousId).toBe('anon-5');
    const signedAsAnonymous = parse({ id: 'e3', type: 'page_view', userId: 'anon-5', userToken: token }, browser('anonymous'));
    // A token never makes an anonymous id a user: the event stays anonymous (under a third key).
    expect(signedAsAnonymous.ok && signedAsAnonymous.events[0].userId).toBeUndefined();
    expect(signedAsAnonymous.ok && signedAsAnonymous.events[0].anonymousId).toBe('anon-anon-5');
  });

  it('refuses server-to-server types with the route that takes them', () => {
    const r = parse({ id: 't', type: 'campaign_touch', userId: 'u', leadId: 'L', campaignId: 'C', channel: 'sms', timestamp: '2026-11-20T18:30:00+01:00' }, browser('anonymous'));
    expect(r).toMatchObject({ ok: false, status: 400 });
    expect(!r.ok && r.error).toContain('type campaign_touch is sent by servers: use POST /api/events/server');
  });

  it('reads its settings: anonymous by default with keys, trust without; bad values name the setting', () => {
    expect(readIdentitySettings({}).unverifiedUserIds).toBe('trust');
    const k = key.toString('base64');
    expect(readIdentitySettings({ UserTokenKeys: k }).unverifiedUserIds).toBe('anonymous');
    expect(readIdentitySettings({ UserTokenKeys: `${k}, ${Buffer.alloc(32, 1).toString('base64')}`, UnverifiedUserIds: 'refuse' }).userTokenKeys).toHaveLength(2);
    expect(() => readIdentitySettings({ UserTokenKeys: 'c2hvcnQ=' })).toThrow(/UserTokenKeys: key 1 has 5 bytes/);
    expect(() => readIdentitySettings({ UnverifiedUserIds: 'refuse' })).toThrow(/UserTokenKeys is empty/);
    expect(() => readIdentitySettings({ UserTokenKeys: k, UnverifiedUserIds: 'maybe' })).toThrow(/UnverifiedUserIds must be one of/);
    expect(() => readIdentitySettings({ UserTokenKeys: '@Microsoft.KeyVault(SecretUri=x)' })).toThrow(/unresolved Key Vault/);
  });
});

describe('catalog check on the browser route', () => {
  it('refuses offers and products outside a non-empty catalog, and checks nothing while a catalog is empty', async () => {
    const { HttpRequest } = await import('@azure/functions');
    const { handleCaptureRequest } = await import('../../src/capture/captureHandler');
    const sent: unknown[] = [];
    const publisher = { async publish(events: unknown[]) { sent.push(...events); return { sent: events.length, failed: [], sends: 1 }; }, async close() {} };
    const post = (body: unknown, q = '') => new HttpRequest({ method: 'POST', url: `http://localhost/api/events${q}`, body: { string: JSON.stringify(body) } });
    const known = async () => ({ product: (id: string) => id === '85123A', offer: (id: string) => id === 'spring-sale' });
    const batch = [
      { id: 'a', type: 'product_view', anonymousId: 'anon-1', productId: '85123A' },
      { id: 'b', type: 'product_view', anonymousId: 'anon-1', productId: 'made-up-1' },
      { id: 'c', type: 'offer_view', anonymousId: 'anon-1', offerId: 'made-up-offer' },
    ];
    const whole = await handleCaptureRequest(post(batch), { publisher, limits, knownIds: known });
    expect(whole.status).toBe(400);
    expect(sent).toEqual([]);
    const kept = await handleCaptureRequest(post(batch, '?partial=true'), { publisher, limits, knownIds: known });
    expect(kept).toMatchObject({ status: 202, jsonBody: { accepted: 1, rejected: [
      { index: 1, errors: [{ field: '[1].productId', message: 'is not in the product catalog' }] },
      { index: 2, errors: [{ field: '[2].offerId', message: 'is not an offer of the catalog' }] },
    ] } });
    expect(sent.map((e) => (e as { id: string }).id)).toEqual(['a']);
    const empty = await handleCaptureRequest(post(batch), { publisher, limits, knownIds: async () => ({}) });
    expect(empty).toMatchObject({ status: 202, jsonBody: { accepted: 3 } });
  });
});
