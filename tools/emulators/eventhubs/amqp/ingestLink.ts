import type rhea from 'rhea';
import type { Hub } from '../hubRegistry';
import { AmqpErrorInfo, argumentError, internalError, messageTooLarge } from './amqpErrors';
import { MalformedMessageError, buildStoredEvent, unpackTransfer } from './messageCodec';

/** Where a producer's link sends: the hub (partition chosen per send) or one partition. */
export interface IngestTarget {
  hub: Hub;
  partitionIndex?: number;
  maxMessageBytes: number;
}

export interface Transfer {
  message?: unknown;
  format?: number;
  delivery?: rhea.Delivery;
}

/**
 * Appends the events of one transfer to one partition and settles it: accepted once the log
 * write has completed, rejected (with an error the SDK translates) otherwise.
 */
export function ingestTransfer(target: IngestTarget, transfer: Transfer): { appended: number; error?: AmqpErrorInfo } {
  const delivery = transfer.delivery;
  const result = append(target, transfer);
  if (delivery) {
    if (result.error) delivery.reject(result.error);
    else delivery.accept();
  }
  return result;
}

function append(target: IngestTarget, transfer: Transfer): { appended: number; error?: AmqpErrorInfo } {
  const tooLarge = (bytes: number) => ({
    appended: 0,
    error: messageTooLarge(`The received message (${bytes} bytes) exceeds the limit (${target.maxMessageBytes} bytes) of ${target.hub.name}.`),
  });
  if (Buffer.isBuffer(transfer.message) && transfer.message.length > target.maxMessageBytes) return tooLarge(transfer.message.length);
  try {
    const { events, partitionKey } = unpackTransfer(transfer.message, transfer.format);
    if (events.length === 0) return { appended: 0 };
    // A plain (format 0) message arrives decoded; its re-encoded size stands in for the transfer size.
    if (!Buffer.isBuffer(transfer.message) && events[0].length > target.maxMessageBytes) return tooLarge(events[0].length);
    const index = target.partitionIndex ?? target.hub.pickPartition(partitionKey);
    const log = target.hub.logs[index];
    log.append(events.map((encoded) => (position) => buildStoredEvent(encoded, position, partitionKey)));
    return { appended: events.length };
  } catch (err) {
    if (err instanceof MalformedMessageError) return { appended: 0, error: argumentError(err.message) };
    return { appended: 0, error: internalError(`could not store the events: ${(err as Error).message}`) };
  }
}
