// Writes TrackedEvents into a Capture-format archive the way archiveEvents would have: keyed by
// user into partitions, numbered per partition, enqueued at their receive time, in batches.
import type { ArchiveWriter } from '../../../src/archive/archiveWriter';
import { partitionKeyOf, type TrackedEvent } from '../../../src/events/eventSchema';
import type { ReceivedBatch, ReceivedEvent } from '../../../src/events/receivedBatch';
import { fnv1a32 } from '../../../src/features/featureBuilder';

export interface ArchiveTrackedEventsOptions {
  partitions?: number;
  batchSize?: number;
  /** First sequence number per partition (to append to an archive written before). Default 0. */
  firstSequence?: Record<string, number>;
  eventHubName?: string;
  /**
   * Enqueued time of an event; default its receivedAt + 5 ms. Must not decrease in receive-time
   * order (Event Hubs enqueues in sequence order): events appended later, such as re-sent copies,
   * need a time after everything archived before.
   */
  enqueuedAtMs?: (event: TrackedEvent) => number;
}

/** Returns the next free sequence number per partition. */
export async function archiveTrackedEvents(writer: ArchiveWriter, events: readonly TrackedEvent[], opts: ArchiveTrackedEventsOptions = {}): Promise<Record<string, number>> {
  const partitions = opts.partitions ?? 2;
  const batchSize = opts.batchSize ?? 500;
  const next: Record<string, number> = { ...opts.firstSequence };
  const enqueuedAt = opts.enqueuedAtMs ?? ((e: TrackedEvent) => Date.parse(e.receivedAt) + 5);
  const byPartition = new Map<string, ReceivedEvent[]>();
  const sorted = [...events].sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  for (const event of sorted) {
    const key = partitionKeyOf(event);
    const partitionId = String(fnv1a32(key) % partitions);
    const seq = next[partitionId] ?? 0;
    next[partitionId] = seq + 1;
    let list = byPartition.get(partitionId);
    if (!list) byPartition.set(partitionId, (list = []));
    list.push({ body: event, sequenceNumber: seq, offset: String(seq * 1024), enqueuedTimeUtc: new Date(enqueuedAt(event)), partitionKey: key, properties: {} });
  }
  for (const [partitionId, list] of [...byPartition].sort()) {
    for (let i = 0; i < list.length; i += batchSize) {
      const batch: ReceivedBatch = {
        fullyQualifiedNamespace: 'synthetic.servicebus.windows.net',
        eventHubName: opts.eventHubName ?? 'events',
        consumerGroup: 'archive',
        partitionId,
        events: list.slice(i, i + batchSize),
      };
      await writer.write(batch);
    }
  }
  return next;
}
