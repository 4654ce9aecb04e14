import { EventHubProducerClient } from '@azure/event-hubs';
import { envelopeMessages } from '../events/eventEnvelope';
import { partitionIndexForKey } from '../events/partitionKeyHash';
import { TrackedEvent, partitionKeyOf } from '../events/eventSchema';
import { PartitionSender } from './partitionSender';
import { activeTraceParent, traceProperties } from '../common/traceContext';

export interface PublishResult {
  /** Events the service acknowledged. */
  sent: number;
  /** Indexes (in the input) of events that could not be sent, with the reason. */
  failed: { index: number; reason: string }[];
  /** Number of messages (envelopes) the events travelled in. */
  sends: number;
}

export interface EventPublisher {
  /**
   * `traceParents[i]`: the W3C trace context event i was made in (the decision log queues events
   * and sends them later, outside their request); default: the caller's active context.
   */
  publish(events: TrackedEvent[], traceParents?: readonly (string | undefined)[]): Promise<PublishResult>;
  close(): Promise<void>;
}

export interface EventHubPublisherOptions {
  /** Largest envelope, in bytes of JSON. Under the Basic tier's 256 KB message limit. */
  maxEnvelopeBytes?: number;
  /** How long a send may take, the SDK's retries included, before its events are reported failed. */
  sendTimeoutMs?: number;
}

const DEFAULT_ENVELOPE_BYTES = 192 * 1024;
const DEFAULT_SEND_TIMEOUT_MS = 10_000;

/**
 * Sends events keyed by user, so each user's events stay ordered in one partition. A request's
 * events of one user travel as one envelope message (see src/events/eventEnvelope.ts). The
 * partition is chosen here with the service's own key hash, so that messages of different
 * users bound for one partition share a batch (PartitionSender); the events themselves carry
 * the user, which is all the consumers key on.
 */
export class EventHubPublisher implements EventPublisher {
  private partitionIds?: Promise<string[]>;
  private readonly senders = new Map<string, PartitionSender>();
  private readonly maxEnvelopeBytes: number;
  private readonly sendTimeoutMs: number;

  constructor(private readonly producer: EventHubProducerClient, options: EventHubPublisherOptions = {}) {
    this.maxEnvelopeBytes = options.maxEnvelopeBytes ?? DEFAULT_ENVELOPE_BYTES;
    this.sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  }

  async publish(events: TrackedEvent[], traceParents?: readonly (string | undefined)[]): Promise<PublishResult> {
    const callerTrace = activeTraceParent();
    const traceOf = (index: number) => traceParents?.[index] ?? callerTrace;
    const result: PublishResult = { sent: 0, failed: [], sends: 0 };
    const fail = (indexes: number[], reason: string) => {
      for (const index of indexes) result.failed.push({ index, reason });
    };
    let partitionIds: string[];
    try {
      partitionIds = await this.partitions();
    } catch (error) {
      fail(events.map((_, i) => i), (error as Error).message ?? String(error));
      return result;
    }
    // One envelope per user and trace context: each message carries the context of the request
    // its events came from (traceparent / Diagnostic-Id), even when many requests share a batch.
    const byKey = new Map<string, { key: string; traceparent: string | undefined; indexes: number[] }>();
    events.forEach((event, index) => {
      const key = partitionKeyOf(event);
      const traceparent = traceOf(index);
      const groupKey = `${key}\u0000${traceparent ?? ''}`;
      const group = byKey.get(groupKey);
      if (group) group.indexes.push(index);
      else byKey.set(groupKey, { key, traceparent, indexes: [index] });
    });
    const sends: Promise<void>[] = [];
    for (const { key, traceparent, indexes } of byKey.values()) {
      const sender = this.sender(partitionIds[partitionIndexForKey(key, partitionIds.length)]);
      const properties = traceProperties(traceparent);
      for (const envelope of envelopeMessages(indexes.map((i) => events[i]), this.maxEnvelopeBytes)) {
        const members = envelope.members.map((m) => indexes[m]);
        result.sends++;
        sends.push(
          sender.send({ body: envelope.body, contentType: 'application/json', ...(traceparent ? { properties } : {}) }).then(
            () => void (result.sent += members.length),
            (error: unknown) => fail(members, error instanceof Error ? error.message : String(error)),
          ),
        );
      }
    }
    await Promise.all(sends);
    result.failed.sort((a, b) => a.index - b.index);
    return result;
  }

  /** The hub's partition ids, asked once; asked again after a failure. */
  private partitions(): Promise<string[]> {
    if (!this.partitionIds) {
      const asked = this.producer.getPartitionIds({ abortSignal: AbortSignal.timeout(this.sendTimeoutMs) });
      this.partitionIds = asked;
      asked.catch(() => {
        if (this.partitionIds === asked) this.partitionIds = undefined;
      });
    }
    return this.partitionIds;
  }

  private sender(partitionId: string): PartitionSender {
    let sender = this.senders.get(partitionId);
    if (!sender) this.senders.set(partitionId, (sender = new PartitionSender(this.producer, partitionId, this.sendTimeoutMs)));
    return sender;
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
