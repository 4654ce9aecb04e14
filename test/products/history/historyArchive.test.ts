// The history import writes the archive function's own blobs: read back with readArchive, every
// imported line is one valid tracked purchase event; importing the file again writes nothing.
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBlobEnv, type BlobEnv } from '../../archive/archiveTestKit';
import { readArchive } from '../../../src/archive/archiveReader';
import { parseBlobName } from '../../../src/archive/archiveLayout';
import { checkTrackedEvent } from '../../../src/events/eventValidation';
import { partitionIndexForKey } from '../../../src/events/partitionKeyHash';
import { importHistory } from '../../../src/products/history/importHistory';

const SAMPLE = path.join(__dirname, '..', 'fixtures', 'online-retail-sample.csv');

describe('history import into the archive', () => {
  let env: BlobEnv;
  let container: ContainerClient;

  beforeAll(async () => {
    env = await startBlobEnv('history-archive');
    container = env.container('archive');
    await container.createIfNotExists();
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('writes every purchase line as a tracked event, a basket per message, keyed and partitioned by shopper', async () => {
    const result = await importHistory(SAMPLE, container, { source: 'sample', partitions: 4 });
    expect(result.archive).toMatchObject({ events: 1974, hubPath: 'history-sample/events', skippedDuplicates: 0 });
    expect(result.counts).toMatchObject({ customerBaskets: 78, guestBaskets: 2, customers: 28 });
    expect(result.archive!.archived).toBe(result.archive!.messages);

    const events = [];
    const messages = new Set<string>();
    for await (const archived of readArchive(container)) {
      const check = checkTrackedEvent(archived.body);
      expect(check.ok, check.ok ? '' : check.reason).toBe(true);
      if (!check.ok) continue;
      const event = check.event;
      const key = event.userId ?? event.anonymousId!;
      expect(archived.partitionKey).toBe(key);
      expect(archived.partitionId).toBe(String(partitionIndexForKey(key, 4)));
      // Enqueued at the basket's time: its first line's (an invoice may span a minute).
      const lag = Date.parse(event.timestamp) - archived.enqueuedTimeUtc.getTime();
      expect(lag >= 0 && lag <= 10 * 60_000).toBe(true);
      expect(parseBlobName(archived.blobName)?.hubPath).toBe('history-sample/events');
      messages.add(`${archived.partitionId}/${archived.sequenceNumber}`);
      events.push(event);
    }
    expect(events).toHaveLength(1974);
    expect(messages.size).toBe(80);
    expect(new Set(events.map((e) => e.id)).size).toBe(1974);
    expect(events.every((e) => e.type === 'purchase' && e.currency === 'GBP' && typeof e.properties?.basketId === 'string')).toBe(true);
    const guest = events.filter((e) => e.anonymousId !== undefined);
    expect(guest).toHaveLength(196);
    expect(guest.every((e) => e.anonymousId === `guest-${e.properties!.basketId}`)).toBe(true);
    const line = events.find((e) => e.id === 'sample:536365:0');
    expect(line).toBeUndefined(); // that invoice is not in the sample; ids are source:invoice:position
    expect(events.some((e) => /^sample:\d+:0$/.test(e.id))).toBe(true);
  });

  it('writes nothing new when the same file is imported again', async () => {
    const again = await importHistory(SAMPLE, container, { source: 'sample', partitions: 4 });
    expect(again.archive!.archived).toBe(0);
    expect(again.archive!.skippedDuplicates).toBe(again.archive!.messages);
  });

  it('leaves guest checkouts out when asked, and counts them', async () => {
    const result = await importHistory(SAMPLE, undefined, { guests: 'skip', dryRun: true });
    expect(result.counts.skippedGuestLines).toBe(196);
    expect(result.counts.guestBaskets).toBe(0);
    expect(result.archive).toBeUndefined();
  });
});
