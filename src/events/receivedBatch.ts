/**
 * One event as delivered by an Event Hub trigger, independent of the host that delivered it
 * (the Azure Functions host or the project's local host).
 */
export interface ReceivedEvent {
  /** The body as the trigger delivered it: a parsed JSON value, a string, or raw bytes. */
  body: unknown;
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: Date;
  partitionKey?: string;
  properties: Record<string, unknown>;
}

/** A batch of events from one partition, in sequence-number order. */
export interface ReceivedBatch {
  fullyQualifiedNamespace: string;
  eventHubName: string;
  consumerGroup: string;
  partitionId: string;
  events: ReceivedEvent[];
  /** The partition's newest sequence number when the batch was received, if the trigger said (for the consumer lag). */
  lastEnqueuedSequenceNumber?: number;
}
