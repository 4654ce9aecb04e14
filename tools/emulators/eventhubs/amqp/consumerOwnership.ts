import { AmqpErrorInfo, linkStolen, quotaExceeded } from './amqpErrors';

/** A receive link as the ownership rules see it. */
export interface OwnedReceiver {
  readonly name: string;
  /** Owner level from link property `com.microsoft:epoch`, if given. */
  readonly epoch: number | undefined;
  /** Detaches the link with this error (it lost the partition). */
  disconnect(error: AmqpErrorInfo): void;
}

/** The service's limit on receivers without owner level per partition and consumer group. */
export const MAX_NON_EPOCH_RECEIVERS = 5;

/**
 * Owner-level (epoch) rules per hub/consumer group/partition, as the service applies them:
 * a receiver with owner level E disconnects every receiver with a level <= E and every
 * receiver without one; it is refused while a receiver with a higher level exists. A receiver
 * without owner level is refused while any receiver with one exists.
 */
export class ConsumerOwnership {
  private readonly byPartition = new Map<string, Set<OwnedReceiver>>();

  /** Registers `receiver`, disconnecting those it takes over; returns an error if refused. */
  admit(key: string, receiver: OwnedReceiver): AmqpErrorInfo | undefined {
    const current = this.byPartition.get(key) ?? new Set<OwnedReceiver>();
    const epochs = [...current].filter((r) => r.epoch !== undefined);
    if (receiver.epoch === undefined) {
      if (epochs.length > 0) {
        const top = Math.max(...epochs.map((r) => r.epoch!));
        return linkStolen(`Receiver '${receiver.name}' without owner level cannot be created because a receiver with owner level '${top}' exists on ${key}.`);
      }
      if (current.size >= MAX_NON_EPOCH_RECEIVERS) {
        return quotaExceeded(`Exceeded the maximum number of allowed receivers per partition in a consumer group which is ${MAX_NON_EPOCH_RECEIVERS} (${key}).`);
      }
    } else {
      const higher = epochs.find((r) => r.epoch! > receiver.epoch!);
      if (higher) {
        return linkStolen(`Receiver '${receiver.name}' with owner level '${receiver.epoch}' cannot be created because receiver '${higher.name}' with higher owner level '${higher.epoch}' exists on ${key}.`);
      }
      for (const old of [...current]) {
        current.delete(old);
        old.disconnect(
          linkStolen(`New receiver '${receiver.name}' with higher epoch of '${receiver.epoch}' is created hence current receiver '${old.name}' with epoch '${old.epoch ?? 'none'}' is getting disconnected (${key}).`),
        );
      }
    }
    current.add(receiver);
    this.byPartition.set(key, current);
    return undefined;
  }

  release(key: string, receiver: OwnedReceiver): void {
    const current = this.byPartition.get(key);
    if (!current) return;
    current.delete(receiver);
    if (current.size === 0) this.byPartition.delete(key);
  }
}
