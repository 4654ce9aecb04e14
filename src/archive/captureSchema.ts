// The record schema Event Hubs Capture writes, and a fast encoder for exactly that schema.
import { AvroWriter, AvroDecodeError } from './avroBinary';
import type { AvroValue } from './avroSchemaDecoder';

/** Capture's `EventData` schema (current form: Properties values may be null). */
export const CAPTURE_SCHEMA = {
  type: 'record',
  name: 'EventData',
  namespace: 'Microsoft.ServiceBus.Messaging',
  fields: [
    { name: 'SequenceNumber', type: 'long' },
    { name: 'Offset', type: 'string' },
    { name: 'EnqueuedTimeUtc', type: 'string' },
    { name: 'SystemProperties', type: { type: 'map', values: ['long', 'double', 'string', 'bytes'] } },
    { name: 'Properties', type: { type: 'map', values: ['long', 'double', 'string', 'bytes', 'null'] } },
    { name: 'Body', type: ['null', 'bytes'] },
  ],
} as const;

export const CAPTURE_SCHEMA_JSON = JSON.stringify(CAPTURE_SCHEMA);

/** A value the Capture maps can hold: long, double, string, bytes (and null in Properties). */
export type CaptureMapValue = number | bigint | string | Buffer | null;

/** One Capture record. Integral numbers are written as Avro long, others as double. */
export interface CaptureRecord {
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: string;
  systemProperties: Record<string, CaptureMapValue>;
  properties: Record<string, CaptureMapValue>;
  body: Buffer | null;
}

// Union branch indexes in the schema above.
const LONG = 0;
const DOUBLE = 1;
const STRING = 2;
const BYTES = 3;
const NULL_IN_PROPERTIES = 4;

function writeMapValue(w: AvroWriter, value: CaptureMapValue, allowNull: boolean, key: string): void {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      w.writeLong(LONG);
      w.writeLong(value);
    } else {
      w.writeLong(DOUBLE);
      w.writeDouble(value);
    }
  } else if (typeof value === 'bigint') {
    w.writeLong(LONG);
    w.writeBigLong(value);
  } else if (typeof value === 'string') {
    w.writeLong(STRING);
    w.writeString(value);
  } else if (Buffer.isBuffer(value)) {
    w.writeLong(BYTES);
    w.writeBytes(value);
  } else if (value === null && allowNull) {
    w.writeLong(NULL_IN_PROPERTIES);
  } else {
    throw new TypeError(`Map entry "${key}" has a value Capture's schema cannot hold`);
  }
}

function writeMap(w: AvroWriter, map: Record<string, CaptureMapValue>, allowNull: boolean): void {
  const keys = Object.keys(map);
  if (keys.length > 0) {
    w.writeLong(keys.length);
    for (const key of keys) {
      w.writeString(key);
      writeMapValue(w, map[key], allowNull, key);
    }
  }
  w.writeLong(0);
}

/** Appends one record in Capture's schema to `w`. */
export function encodeCaptureRecord(w: AvroWriter, rec: CaptureRecord): void {
  w.writeLong(rec.sequenceNumber);
  w.writeString(rec.offset);
  w.writeString(rec.enqueuedTimeUtc);
  writeMap(w, rec.systemProperties, false);
  writeMap(w, rec.properties, true);
  if (rec.body === null) {
    w.writeLong(0);
  } else {
    w.writeLong(1);
    w.writeBytes(rec.body);
  }
}

function mapField(value: AvroValue | undefined, name: string): Record<string, CaptureMapValue> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Buffer.isBuffer(value) || Array.isArray(value)) {
    throw new AvroDecodeError(`Capture record field ${name} is not a map`);
  }
  const out: Record<string, CaptureMapValue> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' || Buffer.isBuffer(v)) {
      out[k] = v;
    } else if (typeof v === 'boolean') {
      out[k] = String(v);
    } else {
      out[k] = JSON.stringify(v, (_key, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    }
  }
  return out;
}

/** Maps a record decoded by the file's own schema to a CaptureRecord, naming any missing field. */
export function captureRecordFromAvro(value: AvroValue): CaptureRecord {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || Array.isArray(value)) {
    throw new AvroDecodeError('Capture record is not an Avro record');
  }
  const seq = value.SequenceNumber;
  if (typeof seq !== 'number') throw new AvroDecodeError('Capture record field SequenceNumber is missing or not a safe long');
  const offset = value.Offset;
  if (typeof offset !== 'string') throw new AvroDecodeError('Capture record field Offset is missing or not a string');
  const enqueued = value.EnqueuedTimeUtc;
  if (typeof enqueued !== 'string') throw new AvroDecodeError('Capture record field EnqueuedTimeUtc is missing or not a string');
  const body = value.Body;
  if (body !== undefined && body !== null && !Buffer.isBuffer(body)) {
    throw new AvroDecodeError('Capture record field Body is not bytes');
  }
  return {
    sequenceNumber: seq,
    offset,
    enqueuedTimeUtc: enqueued,
    systemProperties: mapField(value.SystemProperties, 'SystemProperties'),
    properties: mapField(value.Properties, 'Properties'),
    body: body ?? null,
  };
}
