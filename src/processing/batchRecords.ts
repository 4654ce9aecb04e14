// The fields every processing record carries about its batch, and the consumer lag the batch
// shows: structured, so dashboards and alerts query them instead of parsing text.
import { recordConsumerLag, type LogFields, type StructuredLog } from '../common/structuredLog';
import type { ReceivedBatch } from '../events/receivedBatch';

/** partition, consumerGroup, eventHub, firstSequenceNumber, lastSequenceNumber, messages. */
export function batchFields(batch: ReceivedBatch): LogFields {
  const first = batch.events[0]?.sequenceNumber;
  const last = batch.events[batch.events.length - 1]?.sequenceNumber;
  return {
    eventHub: batch.eventHubName || undefined,
    consumerGroup: batch.consumerGroup,
    partition: batch.partitionId,
    firstSequenceNumber: first,
    lastSequenceNumber: last,
    messages: batch.events.length,
  };
}

/** Logs `eventhub.consumer_lag` when the trigger told the partition's newest sequence number. */
export function recordBatchLag(batch: ReceivedBatch, log: StructuredLog): void {
  const last = batch.events[batch.events.length - 1]?.sequenceNumber;
  if (batch.lastEnqueuedSequenceNumber === undefined || last === undefined) return;
  recordConsumerLag(log, {
    consumerGroup: batch.consumerGroup,
    partition: batch.partitionId,
    // A newest number below the batch's means the hub restarted its numbering: no lag to tell.
    lag: Math.max(0, batch.lastEnqueuedSequenceNumber - last),
    lastEnqueuedSequenceNumber: batch.lastEnqueuedSequenceNumber,
    lastProcessedSequenceNumber: last,
  });
}
