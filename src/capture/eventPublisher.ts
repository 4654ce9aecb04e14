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

/** A refused connection comes as an AggregateError with an empty message: say what is inside. */
function describeSendError(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; name?: unknown; errors?: unknown } | null;
  const text = [e?.code, e?.message].filter((x) => typeof x === 'string' && x !== '').join(': ');
  if (text !== '') return text;
  if (Array.isArray(e?.errors) && e.errors.length > 0) return describeSendError(e.errors[0]);
  return String(e?.name ?? error);
}

interface Keyed {
  event: TrackedEvent;
  index: number;
}

export interface EventHubPublisherOptions {
  /** Sends of different keys in flight at once (default 8). */
  maxParallelSends?: number;
  /** One `publish` gives up after this long, the SDK's retries included (default 10 s: room for a cold connection on a busy instance). */
  sendTimeoutMs?: number;
}

/**
 * Sends events keyed by user, so each user's events stay ordered in one partition. Events of
 * one key share `EventDataBatch`es (one send per full batch); different keys go out in parallel.
 * The SDK retries transient send failures itself within `sendTimeoutMs`; what is not acknowledged
 * by then is reported per event (it may still have been stored: the caller asks for a resend,
 * at least once).
 */
export class EventHubPublisher implements EventPublisher {
  private readonly maxParallelSends: number;
  private readonly sendTimeoutMs: number;

  constructor(private readonly producer: EventHubProducerClient, opts: EventHubPublisherOptions = {}) {
    this.maxParallelSends = opts.maxParallelSends ?? 8;
    this.sendTimeoutMs = opts.sendTimeoutMs ?? 10_000;
  }

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
    const deadline = AbortSignal.timeout(this.sendTimeoutMs);
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const [key, items] = groups[next++];
        await this.sendKeyed(key, items, result, deadline);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxParallelSends, groups.length) }, worker));
    result.failed.sort((a, b) => a.index - b.index);
    return result;
  }

  /** Never throws: every item ends up counted in `result.sent` or listed in `result.failed`. */
  private async sendKeyed(partitionKey: string, items: Keyed[], result: PublishResult, deadline: AbortSignal): Promise<void> {
    const fail = (from: number, to: number, reason: string) => {
      for (let i = from; i < to; i++) result.failed.push({ index: items[i].index, reason });
    };
    const reasonOf = (error: unknown) =>
      deadline.aborted ? `Event Hubs did not acknowledge within ${this.sendTimeoutMs / 1000} s` : describeSendError(error);
    // items[0, start) are counted (sent or failed); items[start, i) are in `batch`.
    let start = 0;
    try {
      let batch = await this.producer.createBatch({ partitionKey, abortSignal: deadline });
      const sendBatch = async (end: number) => {
        if (end === start) return;
        try {
          await this.producer.sendBatch(batch, { abortSignal: deadline });
          result.sends++;
          result.sent += end - start;
        } catch (error) {
          fail(start, end, reasonOf(error));
        }
        start = end;
      };
      for (let i = 0; i < items.length; i++) {
        // Serialised here once: the SDK encodes a Buffer body as is, a third cheaper than an object.
        const data: EventData = { body: Buffer.from(JSON.stringify(items[i].event)), contentType: 'application/json' };
        if (batch.tryAdd(data)) continue;
        if (i > start) {
          await sendBatch(i);
          batch = await this.producer.createBatch({ partitionKey, abortSignal: deadline });
          if (batch.tryAdd(data)) continue;
        }
        fail(i, i + 1, 'event is larger than an Event Hubs message allows');
        start = i + 1;
      }
      await sendBatch(items.length);
    } catch (error) {
      // createBatch failed (no link to the hub, or the deadline passed): the rest was not sent.
      fail(start, items.length, reasonOf(error));
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
