// Turns a delivered event into the Capture record that holds it.
import type { ReceivedEvent } from '../events/receivedBatch';
import { ArchiveInputError } from './archiveInputError';
import type { CaptureMapValue, CaptureRecord } from './captureSchema';
import { formatCaptureTime } from './captureTime';

const MIN_LONG = -(1n << 63n);
const MAX_LONG = (1n << 63n) - 1n;

/**
 * The raw body bytes: a parsed JSON value is re-serialised, bytes are kept, strings are UTF-8.
 * `undefined` means no body (Avro null).
 */
export function bodyBytes(body: unknown, field: string): Buffer | null {
  if (body === undefined) return null;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    throw new ArchiveInputError(field, `cannot be serialised as JSON: ${(error as Error).message}`);
  }
  if (text === undefined) throw new ArchiveInputError(field, 'cannot be serialised as JSON');
  return Buffer.from(text, 'utf8');
}

/**
 * Capture's maps hold long, double, string, bytes or null. Booleans become "true"/"false",
 * dates ISO strings, other objects JSON text.
 */
export function toCaptureValue(value: unknown, field: string): CaptureMapValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') {
    if (value < MIN_LONG || value > MAX_LONG) throw new ArchiveInputError(field, 'is outside the 64-bit long range');
    return value;
  }
  if (typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ArchiveInputError(field, 'is an invalid Date');
    return value.toISOString();
  }
  try {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error('not representable');
    return text;
  } catch (error) {
    throw new ArchiveInputError(field, `cannot be stored: ${(error as Error).message}`);
  }
}

export function captureRecordFromEvent(event: ReceivedEvent, field: string): CaptureRecord {
  const enqueuedMs = event.enqueuedTimeUtc.getTime();
  const systemProperties: Record<string, CaptureMapValue> = {
    'x-opt-sequence-number': event.sequenceNumber,
    'x-opt-offset': event.offset,
    'x-opt-enqueued-time': enqueuedMs,
  };
  if (event.partitionKey) systemProperties['x-opt-partition-key'] = event.partitionKey;
  const properties: Record<string, CaptureMapValue> = {};
  for (const [key, value] of Object.entries(event.properties ?? {})) {
    properties[key] = toCaptureValue(value, `${field}.properties.${key}`);
  }
  return {
    sequenceNumber: event.sequenceNumber,
    offset: event.offset,
    enqueuedTimeUtc: formatCaptureTime(event.enqueuedTimeUtc),
    systemProperties,
    properties,
    body: bodyBytes(event.body, `${field}.body`),
  };
}
