// The recommender reads the archive's product events, whoever wrote them: imported history and
// live capture (views, cart adds, purchases without a basket id), skipping other types.
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobEnv, type BlobEnv } from '../../archive/archiveTestKit';
import { ArchiveWriter } from '../../../src/archive/archiveWriter';
import { importHistory } from '../../../src/products/history/importHistory';
import { readInteractions } from '../../../src/training/products/archiveInteractions';
import { archiveTrackedEvents } from '../../../tools/synthetic/decisions/archiveTrackedEvents';
import type { TrackedEvent } from '../../../src/events/eventSchema';

const SAMPLE = path.join(__dirname, '..', '..', 'products', 'fixtures', 'online-retail-sample.csv');

function live(id: string, type: TrackedEvent['type'], at: string, extra: Partial<TrackedEvent> = {}): TrackedEvent {
  return { id, type, userId: 'shopper-1', timestamp: at, receivedAt: at, schemaVersion: 1, ...extra };
}

describe('interactions from the archive', () => {
  let env: BlobEnv;
  let container: ContainerClient;

  beforeAll(async () => {
    env = await startBlobEnv('product-interactions');
    container = env.container('archive');
    await container.createIfNotExists();
    await importHistory(SAMPLE, container, { source: 'sample' });
    await archiveTrackedEvents(new ArchiveWriter(container, { windowMinutes: 1440 }), [
      live('v1', 'product_view', '2011-10-01T10:00:00.000Z', { productId: '22041', context: { locale: 'de-DE' } }),
      live('c1', 'add_to_cart', '2011-10-01T10:01:00.000Z', { productId: '22041' }),
      live('p1', 'purchase', '2011-10-01T10:02:00.000Z', { productId: '22041', value: 3 }),
      live('o1', 'offer_view', '2011-10-01T10:03:00.000Z', { offerId: 'spring' }),
      // The browser re-sent the purchase (its answer was lost): same id, received again later.
      { ...live('p1', 'purchase', '2011-10-01T10:02:00.000Z', { productId: '22041', value: 3 }), receivedAt: '2011-10-01T10:05:00.000Z' },
    ]);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('reads imported purchases and live product events, one interaction each, a re-sent copy once', async () => {
    const { log, counts } = await readInteractions({ container });
    expect(counts).toMatchObject({ events: 1979, interactions: 1977, otherTypes: 1, invalid: 0, repeatedIds: 1 });
    const shopper = log.users.get('shopper-1')!;
    const kinds: number[] = [];
    const baskets = new Set<string>();
    for (let k = 0; k < log.length; k++) {
      if (log.user[k] !== shopper) continue;
      kinds.push(log.kind[k]);
      baskets.add(log.baskets.ids[log.basket[k]]);
    }
    expect(kinds.sort()).toEqual([0, 1, 2]);
    expect(baskets.size).toBe(1); // one 30-minute session
    expect(log.userSegment[shopper]).toBe('de-DE');
    const imported = log.users.get('12347');
    expect(imported === undefined || log.userSegment[imported] !== undefined).toBe(true);
  });

  it('honours a time range', async () => {
    const { counts } = await readInteractions({ container }, { from: new Date('2011-10-01T00:00:00Z') });
    expect(counts.interactions).toBe(3);
  });
});
