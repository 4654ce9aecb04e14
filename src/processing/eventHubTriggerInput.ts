import { ReceivedBatch, ReceivedEvent } from '../events/receivedBatch';

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const arrayOf = (meta: Json, name: string): unknown[] | undefined => (Array.isArray(meta[name]) ? (meta[name] as unknown[]) : undefined);

function pick(system: Json, ...names: string[]): unknown {
  for (const name of names) if (system[name] !== undefined && system[name] !== null) return system[name];
  return undefined;
}

/**
 * Turns what an Event Hub trigger with cardinality "many" hands a function (the bodies and
 * `context.triggerMetadata`) into a `ReceivedBatch`. The Azure host and the local host both
 * provide `partitionContext` and the per-event arrays; system properties are the fallback.
 */
export function toReceivedBatch(messages: unknown, triggerMetadata: Json | undefined, consumerGroupFallback = '$Default'): ReceivedBatch {
  const bodies = Array.isArray(messages) ? messages : [messages];
  const meta = asObject(triggerMetadata);
  const partition = asObject(meta.partitionContext);
  const systemArray = arrayOf(meta, 'systemPropertiesArray') ?? [];
  const sequenceNumbers = arrayOf(meta, 'sequenceNumberArray');
  const offsets = arrayOf(meta, 'offsetArray');
  const enqueuedTimes = arrayOf(meta, 'enqueuedTimeUtcArray');
  const partitionKeys = arrayOf(meta, 'partitionKeyArray');
  const properties = arrayOf(meta, 'propertiesArray');

  const events: ReceivedEvent[] = bodies.map((body, i) => {
    const system = asObject(systemArray[i]);
    const sequenceNumber = Number(sequenceNumbers?.[i] ?? pick(system, 'sequenceNumber', 'x-opt-sequence-number'));
    const offset = offsets?.[i] ?? pick(system, 'offset', 'x-opt-offset');
    const enqueued = enqueuedTimes?.[i] ?? pick(system, 'enqueuedTimeUtc', 'x-opt-enqueued-time');
    const partitionKey = partitionKeys?.[i] ?? pick(system, 'partitionKey', 'x-opt-partition-key');
    if (!Number.isSafeInteger(sequenceNumber)) {
      throw new Error(`Event Hub trigger metadata: event ${i} has no sequence number`);
    }
    return {
      body,
      sequenceNumber,
      offset: String(offset ?? ''),
      enqueuedTimeUtc: new Date(String(enqueued ?? '')),
      partitionKey: typeof partitionKey === 'string' && partitionKey !== '' ? partitionKey : undefined,
      properties: asObject(properties?.[i]),
    };
  });

  const partitionId = pick(partition, 'partitionId', 'PartitionId');
  if (partitionId === undefined) throw new Error('Event Hub trigger metadata: partitionContext.partitionId is missing');
  const lastEnqueued = asObject(pick(partition, 'lastEnqueuedEventProperties', 'LastEnqueuedEventProperties'));
  const lastSequence = Number(pick(lastEnqueued, 'sequenceNumber', 'SequenceNumber'));
  return {
    ...(Number.isSafeInteger(lastSequence) && lastSequence >= 0 ? { lastEnqueuedSequenceNumber: lastSequence } : {}),
    fullyQualifiedNamespace: String(pick(partition, 'fullyQualifiedNamespace', 'FullyQualifiedNamespace') ?? ''),
    eventHubName: String(pick(partition, 'eventHubName', 'EventHubName') ?? ''),
    consumerGroup: String(pick(partition, 'consumerGroup', 'ConsumerGroup') ?? consumerGroupFallback),
    partitionId: String(partitionId),
    events,
  };
}
