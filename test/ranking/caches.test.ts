// The buffers and caches around the rank path. The publisher here is a recording stand-in
// (Event Hubs delivery itself is covered against the emulator in personalizerApi.test.ts).
import { describe, it, expect } from 'vitest';
import { DecisionLog } from '../../src/ranking/decisionLog';
import { ProfileCache } from '../../src/features/profileCache';
import { ActiveOffers } from '../../src/ranking/catalog/activeOffers';
import { PriorsProvider } from '../../src/features/priorsProvider';
import type { EventPublisher, PublishResult } from '../../src/clients/eventHubPublisher';
import type { TrackedEvent } from '../../src/events/eventSchema';
import type { ProfileView } from '../../src/features/profileView';
import type { StoredOffer } from '../../src/ranking/catalog/catalogStore';

const event = (i: number): TrackedEvent => ({
  id: `e${i}`, type: 'decision', schemaVersion: 1, timestamp: '2025-01-01T00:00:00.000Z', receivedAt: '2025-01-01T00:00:00.000Z', userId: `u${i}`,
});

class RecordingPublisher implements EventPublisher {
  batches: TrackedEvent[][] = [];
  failNext = 0;
  async publish(events: TrackedEvent[]): Promise<PublishResult> {
    if (this.failNext > 0) {
      this.failNext--;
      return { sent: 0, failed: events.map((_, index) => ({ index, reason: 'busy' })), sends: 1 };
    }
    this.batches.push(events);
    return { sent: events.length, failed: [], sends: 1 };
  }
  async close(): Promise<void> {}
}

describe('decision log', () => {
  it('sends queued decisions in batches shortly after rank answers', async () => {
    const publisher = new RecordingPublisher();
    const log = new DecisionLog(publisher, { flushDelayMs: 5, maxBatch: 4 });
    for (let i = 0; i < 10; i++) log.enqueue(event(i));
    expect(publisher.batches).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 50));
    await log.flush();
    expect(publisher.batches.flat().map((e) => e.id)).toEqual(Array.from({ length: 10 }, (_, i) => `e${i}`));
    expect(Math.max(...publisher.batches.map((b) => b.length))).toBeLessThanOrEqual(4);
    expect(log.statistics).toEqual({ queued: 0, sent: 10, dropped: 0 });
  });

  it('retries refused events and drops them after the last attempt, counting them', async () => {
    const publisher = new RecordingPublisher();
    const messages: string[] = [];
    const log = new DecisionLog(publisher, { attempts: 2, log: (m) => messages.push(m) });
    publisher.failNext = 1;
    log.enqueue(event(1));
    await log.flush();
    expect(log.statistics).toMatchObject({ sent: 1, dropped: 0 });
    publisher.failNext = 2;
    log.enqueue(event(2));
    await log.flush();
    expect(log.statistics).toMatchObject({ sent: 1, dropped: 1 });
    expect(messages.some((m) => m.includes('dropped 1 events'))).toBe(true);
  });

  it('refuses events beyond its bound instead of growing without limit', () => {
    const log = new DecisionLog(new RecordingPublisher(), { maxQueued: 3, flushDelayMs: 10_000, maxBatch: 100 });
    const accepted = Array.from({ length: 5 }, (_, i) => log.enqueue(event(i)));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(log.statistics).toMatchObject({ queued: 3, dropped: 2 });
  });
});

describe('profile cache', () => {
  const view = (events: number): ProfileView => ({ events, purchases: 0, totalRevenue: 0, counts: {}, firstSeenMs: null, lastSeenMs: null, categoryAffinity: {}, recentProducts: [] });

  it('reads each user once per TTL, shares concurrent reads and evicts the least recently used', async () => {
    let now = 0;
    const reads: string[] = [];
    const cache = new ProfileCache(async (u) => {
      reads.push(u);
      return u === 'nobody' ? undefined : view(u.length);
    }, { ttlMs: 30_000, maxEntries: 2, now: () => now });
    const [a, b] = await Promise.all([cache.get('alice'), cache.get('alice')]);
    expect(a).toEqual(view(5));
    expect(b).toBe(a);
    expect(await cache.get('nobody')).toBeUndefined();
    expect(await cache.get('nobody')).toBeUndefined();
    expect(reads).toEqual(['alice', 'nobody']);
    await cache.get('alice');
    await cache.get('bob'); // evicts nobody (alice was used more recently)
    await cache.get('alice');
    expect(reads).toEqual(['alice', 'nobody', 'bob']);
    now += 30_001;
    await cache.get('alice');
    expect(reads).toEqual(['alice', 'nobody', 'bob', 'alice']);
  });

  it('takes a profile another reader just read (seed) instead of reading it again', async () => {
    const reads: string[] = [];
    const cache = new ProfileCache(async (u) => {
      reads.push(u);
      return view(0);
    }, { ttlMs: 30_000, maxEntries: 10 });
    cache.seed('carol', view(7));
    cache.seed('nobody', undefined);
    expect(await cache.get('carol')).toEqual(view(7));
    expect(await cache.get('nobody')).toBeUndefined();
    expect(reads).toEqual([]);
  });

  it('ranks a user as unknown when the read fails, and retries after a few seconds', async () => {
    let now = 0;
    let fail = true;
    const cache = new ProfileCache(async () => {
      if (fail) throw new Error('503 from Cosmos');
      return view(1);
    }, { ttlMs: 30_000, maxEntries: 10, errorTtlMs: 5000, now: () => now });
    expect(await cache.get('u')).toBeUndefined();
    fail = false;
    expect(await cache.get('u')).toBeUndefined();
    now += 5001;
    expect(await cache.get('u')).toEqual(view(1));
  });
});

describe('active offers and priors refresh', () => {
  it('serves the last good catalog list when a refresh fails', async () => {
    let now = 0;
    let fail = false;
    const offers = new ActiveOffers(async () => {
      if (fail) throw new Error('down');
      return [{ id: `o-${now}` } as StoredOffer];
    }, { ttlMs: 1000, now: () => now, log: () => {} });
    expect((await offers.get())[0].id).toBe('o-0');
    now = 500;
    expect((await offers.get())[0].id).toBe('o-0');
    now = 1500;
    fail = true;
    expect((await offers.get())[0].id).toBe('o-0');
    fail = false;
    offers.invalidate();
    expect((await offers.get())[0].id).toBe('o-1500');
  });

  it('starts neutral and keeps the last table when the aggregates cannot be read', async () => {
    let fail = false;
    const provider = new PriorsProvider(async () => {
      if (fail) throw new Error('down');
      return [{ offerId: 'a', views: 100, clicks: 50 }];
    }, { refreshMs: 60_000, strength: 10, log: () => {} });
    expect(provider.current.globalRate).toBe(0.5);
    await provider.refresh();
    const table = provider.current;
    expect(table.offers.a).toBeCloseTo((50 + (51 / 102) * 10) / 110, 12);
    fail = true;
    await provider.refresh();
    expect(provider.current).toBe(table);
  });
});
