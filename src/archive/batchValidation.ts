// Checks a ReceivedBatch before anything is written, so bad input fails with the field named.
import type { ReceivedBatch, ReceivedEvent } from '../events/receivedBatch';
import { ArchiveInputError } from './archiveInputError';

const PATH_SEGMENT = /^[^/\\?#]+$/;

function pathSegment(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '' || !PATH_SEGMENT.test(value) || value === '.' || value === '..') {
    throw new ArchiveInputError(field, 'must be a non-empty string without / \\ ? #');
  }
}

export function validateEvent(event: unknown, field: string): asserts event is ReceivedEvent {
  if (typeof event !== 'object' || event === null) throw new ArchiveInputError(field, 'must be an object');
  const e = event as Partial<ReceivedEvent>;
  if (typeof e.sequenceNumber !== 'number' || !Number.isSafeInteger(e.sequenceNumber) || e.sequenceNumber < 0) {
    throw new ArchiveInputError(`${field}.sequenceNumber`, 'must be a non-negative integer');
  }
  if (typeof e.offset !== 'string') throw new ArchiveInputError(`${field}.offset`, 'must be a string');
  if (!(e.enqueuedTimeUtc instanceof Date) || Number.isNaN(e.enqueuedTimeUtc.getTime())) {
    throw new ArchiveInputError(`${field}.enqueuedTimeUtc`, 'must be a valid Date');
  }
  if (e.partitionKey !== undefined && e.partitionKey !== null && typeof e.partitionKey !== 'string') {
    throw new ArchiveInputError(`${field}.partitionKey`, 'must be a string when present');
  }
  if (e.properties !== undefined && e.properties !== null && (typeof e.properties !== 'object' || Array.isArray(e.properties))) {
    throw new ArchiveInputError(`${field}.properties`, 'must be an object when present');
  }
}

/** Validates the batch header and every event. */
export function validateBatch(batch: unknown): asserts batch is ReceivedBatch {
  if (typeof batch !== 'object' || batch === null) throw new ArchiveInputError('batch', 'must be an object');
  const b = batch as Partial<ReceivedBatch>;
  if (typeof b.fullyQualifiedNamespace !== 'string' || b.fullyQualifiedNamespace === '') {
    throw new ArchiveInputError('batch.fullyQualifiedNamespace', 'must be a non-empty string');
  }
  pathSegment(b.eventHubName, 'batch.eventHubName');
  pathSegment(b.partitionId, 'batch.partitionId');
  if (!Array.isArray(b.events)) throw new ArchiveInputError('batch.events', 'must be an array');
  b.events.forEach((e, i) => validateEvent(e, `batch.events[${i}]`));
}

/** Capture's {Namespace}: the first label of the namespace's host name. */
export function namespaceName(fullyQualifiedNamespace: string): string {
  const host = fullyQualifiedNamespace.replace(/^[a-z]+:\/\//i, '').split(/[/:]/)[0];
  const label = host.split('.')[0];
  return label.replace(/[^A-Za-z0-9-]/g, '_') || 'namespace';
}
