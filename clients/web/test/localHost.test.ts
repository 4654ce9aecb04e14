// The library against the real local host (npm start's runtime, built app): events delivered in
// batches reach the archive once each with their client-made ids; a signed sign-in keeps the
// user id, a forged one is stored as anonymous and no token is stored; the browser route refuses
// server-to-server types (purchases, campaign touches), naming the type, and the keyed route takes them.
import { describe, expect, it } from 'vitest';
import { signUserToken } from '../../../src/events/userToken';
import { createPersonalization } from '../src/index';
import { MemoryStore } from './fakes';
import { useLocalHost, waitForArchived } from './localHostFixture';

describe('browser library against the local host', () => {
  const host = useLocalHost('host', { overrides: { UnverifiedUserIds: 'anonymous' } });

  it('delivers every event once with its id; believes only the signed user id; stores no token', async () => {
    const runtime = host();
    const errors: string[] = [];
    const p = createPersonalization({ endpoint: runtime.url, consent: true, storage: new MemoryStore(), batchSize: 5, flushIntervalMs: 50, onError: (m) => errors.push(m) });
    const ids: string[] = [];
    ids.push(p.track('product_view', { productId: '85123A', category: 'home' })!);
    ids.push(p.track('add_to_cart', { productId: '85123A', quantity: 2 })!);
    const key = Buffer.from(runtime.env.UserTokenKeys.split(',')[0], 'base64');
    p.identify('shopper-1', signUserToken('shopper-1', key, Date.now() + 3600_000));
    const signed = p.track('add_to_cart', { productId: '85123A', quantity: 1 })!;
    p.identify('shopper-2', signUserToken('shopper-2', Buffer.alloc(32, 9), Date.now() + 3600_000));
    const forged = p.track('add_to_cart', { productId: '85123A', quantity: 9 })!;
    ids.push(signed, forged);
    await p.flush();
    expect(errors).toEqual([]);

    const all = [...ids, 'page_view'];
    const events = await waitForArchived(runtime, (e) => e.anonymousId === p.anonymousId || e.userId === 'shopper-1', all.length, Date.now() + 45_000);
    // The automatic page_view, then each tracked event, once each.
    expect(events.map((e) => e.type).sort()).toEqual(['add_to_cart', 'add_to_cart', 'add_to_cart', 'page_view', 'product_view']);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const id of ids) expect(events.filter((e) => e.id === id)).toHaveLength(1);
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(byId.get(signed)).toMatchObject({ userId: 'shopper-1', anonymousId: p.anonymousId });
    expect(byId.get(forged)!.userId).toBeUndefined();
    expect(byId.get(forged)!.anonymousId).toBe(p.anonymousId);
    expect(events.some((e) => 'userToken' in e)).toBe(false);
  });

  it('refuses purchases and campaign events on the browser route, naming the type, and takes them on the keyed route', async () => {
    const runtime = host();
    const purchase = { id: 'buy-1', type: 'purchase', anonymousId: 'anon-1', productId: '85123A', value: 5.1, currency: 'GBP' };
    const refused = await fetch(`${runtime.url}/api/events?partial=true`, { method: 'POST', body: JSON.stringify([purchase, { id: 'view-1', type: 'page_view', anonymousId: 'anon-1' }]) });
    expect(refused.status).toBe(202); // partial (what the library sends): the page view is kept, the purchase listed
    expect(await refused.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, errors: [{ field: '[0].type', message: 'purchase is sent by servers: use POST /api/events/server with a function key' }] }] });
    const alone = await fetch(`${runtime.url}/api/events`, { method: 'POST', body: JSON.stringify(purchase) });
    expect(alone.status).toBe(400);
    expect(((await alone.json()) as { error: string }).error).toContain('type purchase is sent by servers');
    const bought = await fetch(`${runtime.url}/api/events/server`, { method: 'POST', body: JSON.stringify(purchase), headers: { 'x-functions-key': runtime.keys.functionKey } });
    expect(bought.status).toBe(202);
    const touch = { id: 'touch-1', type: 'campaign_touch', userId: 'lead-1', leadId: 'L1', campaignId: 'C1', channel: 'sms', timestamp: '2026-11-20T18:30:00+01:00' };
    const browser = await fetch(`${runtime.url}/api/events`, { method: 'POST', body: JSON.stringify(touch) });
    expect(browser.status).toBe(400);
    expect(((await browser.json()) as { error: string }).error).toContain('use POST /api/events/server');
    const keyless = await fetch(`${runtime.url}/api/events/server`, { method: 'POST', body: JSON.stringify(touch) });
    expect(keyless.status).toBe(401);
    const keyed = await fetch(`${runtime.url}/api/events/server`, { method: 'POST', body: JSON.stringify(touch), headers: { 'x-functions-key': runtime.keys.functionKey } });
    expect(keyed.status).toBe(202);
  });
});
