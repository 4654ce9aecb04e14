// Campaign touches and responses through the client event schema, and from archived events back
// to training touches.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobServiceClient } from '@azure/storage-blob';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { validateClientEvent } from '../../src/events/eventValidation';
import { ATTRIBUTION_DAYS, campaignEventsFromArchive, touchesFromEvents } from '../../src/campaign/data/archiveTouches';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import { readArchive } from '../../src/archive/archiveReader';
import { startAzurite } from '../../tools/local/services/azurite';

const received = new Date('2025-03-10T12:00:00Z');
const touch = (id: string, extra: Record<string, unknown> = {}) => ({
  id, type: 'campaign_touch', userId: 'u-1', leadId: 'L1', campaignId: 'C1', channel: 'sms', timestamp: '2025-03-03T18:30:00+01:00', ...extra,
});

function accepted(input: unknown): TrackedEvent {
  const result = validateClientEvent(input, received);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.event;
}

describe('campaign events', () => {
  it('accepts a touch and adds the local day and time slot of its timestamp', () => {
    const event = accepted(touch('t-1'));
    expect(event).toMatchObject({ type: 'campaign_touch', leadId: 'L1', campaignId: 'C1', channel: 'sms', day: 'mon', timeSlot: 'evening', timestamp: '2025-03-03T17:30:00.000Z' });
    const response = accepted({ id: 'r-1', type: 'campaign_response', userId: 'u-1', leadId: 'L1', campaignId: 'C1', touchId: 't-1', timestamp: '2025-03-04T09:00:00+01:00' });
    expect(response).toMatchObject({ day: 'tue', timeSlot: 'morning' });
  });

  it('names the missing or bad fields', () => {
    const result = validateClientEvent({ id: 'x', type: 'campaign_touch', userId: 'u', channel: 'fax' }, received);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byField = Object.fromEntries(result.errors.map((e) => [e.field, e.message]));
    expect(byField).toMatchObject({
      leadId: 'is required for type campaign_touch',
      campaignId: 'is required for type campaign_touch',
      timestamp: 'is required for type campaign_touch',
      channel: 'must be one of email, sms, call',
    });
    const noDay = validateClientEvent({ ...touch('y'), day: 'mon' }, received);
    expect(noDay.ok ? [] : noDay.errors).toEqual([{ field: 'day', message: 'is not a known field' }]);
  });

  it('turns archived touches and responses into training touches', () => {
    const events = [
      accepted(touch('t-1')),
      accepted(touch('t-2', { channel: 'email', timestamp: '2025-03-05T09:00:00Z' })),
      accepted(touch('t-3', { leadId: 'L2', channel: 'call', timestamp: '2025-03-06T15:00:00Z' })),
      // Names its touch.
      accepted({ id: 'r-1', type: 'campaign_response', userId: 'u-1', leadId: 'L1', campaignId: 'C1', touchId: 't-1', timestamp: '2025-03-07T10:00:00Z' }),
      // No touchId: the latest earlier touch of L2 in C1.
      accepted({ id: 'r-2', type: 'campaign_response', userId: 'u-2', leadId: 'L2', campaignId: 'C1', timestamp: '2025-03-08T10:00:00Z' }),
      // A campaign with no touch of this lead: unmatched.
      accepted({ id: 'r-3', type: 'campaign_response', userId: 'u-1', leadId: 'L1', campaignId: 'C9', timestamp: '2025-03-08T10:00:00Z' }),
      accepted({ id: 'p', type: 'page_view', userId: 'u-1' }),
    ];
    // The archive stores the JSON bodies; read them back as the reader would.
    const { touches, stats } = touchesFromEvents(events.map((e) => JSON.parse(JSON.stringify(e))));
    expect(touches.map((t) => [t.touchId, t.channel, t.day, t.slot, t.converted])).toEqual([
      ['t-1', 'sms', 0, 2, true],
      ['t-2', 'email', 2, 0, false],
      ['t-3', 'call', 3, 1, true],
    ]);
    expect(stats).toEqual({ touchEvents: 3, responseEvents: 3, unmatchedResponses: 1, skipped: 0 });
  });

  it('attributes a response without touchId only within the attribution window', () => {
    const old = accepted(touch('t-old', { timestamp: '2025-01-01T10:00:00Z' }));
    const late = accepted({ id: 'r', type: 'campaign_response', userId: 'u-1', leadId: 'L1', campaignId: 'C1', timestamp: new Date(Date.parse('2025-01-01T10:00:00Z') + (ATTRIBUTION_DAYS + 1) * 86_400_000).toISOString() });
    const { touches, stats } = touchesFromEvents([old, late]);
    expect(touches[0].converted).toBe(false);
    expect(stats.unmatchedResponses).toBe(1);
  });
});

describe('campaign events in the archive', () => {
  it('reads back from Capture-format Avro blobs as training touches', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-archive-'));
    const azurite = await startAzurite({ dataDir: dir, port: 0 });
    try {
      const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('archive');
      await container.createIfNotExists();
      const bodies: unknown[] = [
        accepted(touch('t-1')),
        accepted({ id: 'p-1', type: 'page_view', userId: 'u-1' }),
        accepted({ id: 'r-1', type: 'campaign_response', userId: 'u-1', leadId: 'L1', campaignId: 'C1', touchId: 't-1', timestamp: '2025-03-04T08:00:00Z' }),
        accepted(touch('t-2', { channel: 'call', timestamp: '2025-03-08T19:00:00-05:00' })),
      ];
      const enqueued = Date.UTC(2025, 2, 10, 12, 0, 0);
      await new ArchiveWriter(container).write({
        fullyQualifiedNamespace: 'ns.servicebus.windows.net', eventHubName: 'events', consumerGroup: 'archive', partitionId: '0',
        events: bodies.map((body, i) => ({ body, sequenceNumber: i, offset: String(i * 100), enqueuedTimeUtc: new Date(enqueued + i), properties: {} })),
      });
      const events = await campaignEventsFromArchive(readArchive(container));
      expect(events).toHaveLength(3);
      const { touches, stats } = touchesFromEvents(events);
      expect(touches.map((t) => [t.touchId, t.channel, t.day, t.slot, t.converted])).toEqual([['t-1', 'sms', 0, 2, true], ['t-2', 'call', 5, 2, false]]);
      expect(stats).toMatchObject({ touchEvents: 2, responseEvents: 1, unmatchedResponses: 0 });
    } finally {
      await azurite.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
