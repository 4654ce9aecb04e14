import rhea from 'rhea';
import type { AssignedPosition } from '../storage/partitionLog';

const { types, message } = rhea;

/** Parts of rhea's type system its typings leave out. */
interface RheaTypeInternals {
  Reader: new (buffer: Buffer) => { position: number; remaining(): number; read(): unknown };
  Writer: new () => { write(value: unknown): void; toBuffer(): Buffer };
  Map32(items: unknown[]): unknown;
}
const typeInternals = types as unknown as RheaTypeInternals;

/** message-format of an Event Hubs batch: every data section of the body is an encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

const HEADER = 0x70;
const DELIVERY_ANNOTATIONS = 0x71;
const MESSAGE_ANNOTATIONS = 0x72;

export const PARTITION_KEY_ANNOTATION = 'x-opt-partition-key';
const SYSTEM_ANNOTATIONS = new Set([
  'x-opt-sequence-number',
  'x-opt-offset',
  'x-opt-enqueued-time',
  PARTITION_KEY_ANNOTATION,
]);

/** The minimal shape of rhea's typed values as its Reader returns them. */
interface TypedValue {
  value: unknown;
  descriptor?: { value: unknown };
}

interface SectionSpan {
  code: number;
  start: number;
  end: number;
  value: TypedValue;
}

export class MalformedMessageError extends Error {}

/** Splits an encoded AMQP message into its top-level sections without decoding their contents. */
export function splitSections(encoded: Buffer): SectionSpan[] {
  const reader = new typeInternals.Reader(encoded);
  const sections: SectionSpan[] = [];
  try {
    while (reader.remaining() > 0) {
      const start = reader.position;
      const value = reader.read() as TypedValue;
      const code = Number(value.descriptor?.value);
      if (!Number.isInteger(code)) throw new MalformedMessageError(`section at byte ${start} has no numeric descriptor`);
      sections.push({ code, start, end: reader.position, value });
    }
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    throw new MalformedMessageError(`cannot decode AMQP message: ${(err as Error).message}`);
  }
  return sections;
}

export interface UnpackedTransfer {
  /** Each event as an encoded AMQP message. */
  events: Buffer[];
  partitionKey?: string;
}

/**
 * Turns what a sender link delivered into individual events: a batch (format 0x80013700) is
 * unpacked, a plain message (format 0, which rhea hands over already decoded) is one event.
 */
export function unpackTransfer(delivered: unknown, format: number | undefined): UnpackedTransfer {
  if (Buffer.isBuffer(delivered)) {
    if (format !== BATCH_MESSAGE_FORMAT) throw new MalformedMessageError(`unsupported message-format ${format}`);
    const outer = message.decode(delivered);
    const body = outer.body as { typecode?: number; content?: unknown } | undefined;
    if (!body || body.typecode !== 0x75) throw new MalformedMessageError('a batch message must have data sections');
    const content = body.content;
    const events = (Array.isArray(content) ? content : [content]).map((c, i) => {
      if (!Buffer.isBuffer(c)) throw new MalformedMessageError(`batch data section ${i} is not binary`);
      return c;
    });
    return { events, partitionKey: partitionKeyOf(outer.message_annotations) };
  }
  if (delivered && typeof delivered === 'object') {
    const msg = delivered as rhea.Message;
    return { events: [message.encode(msg)], partitionKey: partitionKeyOf(msg.message_annotations) };
  }
  throw new MalformedMessageError('empty transfer');
}

function partitionKeyOf(annotations: Record<string, unknown> | undefined): string | undefined {
  const key = annotations?.[PARTITION_KEY_ANNOTATION];
  if (key === undefined || key === null) return undefined;
  return String(key);
}

/**
 * Builds the stored form of an event: the sender's message with the service's system
 * annotations merged into its message annotations (keeping any others, with their AMQP
 * types) and its delivery annotations dropped (they are per hop).
 */
export function buildStoredEvent(
  encoded: Buffer,
  position: AssignedPosition,
  partitionKey: string | undefined,
): { payload: Buffer; headerSectionLength: number } {
  const sections = splitSections(encoded);
  const header = sections.find((s) => s.code === HEADER);
  const existing = sections.find((s) => s.code === MESSAGE_ANNOTATIONS);
  const items: unknown[] = [];
  if (existing && Array.isArray(existing.value.value)) {
    const pairs = existing.value.value as TypedValue[];
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      if (!SYSTEM_ANNOTATIONS.has(String(pairs[i].value))) items.push(pairs[i], pairs[i + 1]);
    }
  }
  items.push(types.wrap_symbol('x-opt-sequence-number'), types.wrap_long(position.sequenceNumber));
  items.push(types.wrap_symbol('x-opt-offset'), types.wrap_string(String(position.offset)));
  items.push(types.wrap_symbol('x-opt-enqueued-time'), types.wrap_timestamp(position.enqueuedTimeMs));
  if (partitionKey !== undefined) items.push(types.wrap_symbol(PARTITION_KEY_ANNOTATION), types.wrap_string(partitionKey));
  const annotations = writeDescribed(MESSAGE_ANNOTATIONS, typeInternals.Map32(items));

  const parts: Buffer[] = [];
  if (header) parts.push(encoded.subarray(header.start, header.end));
  parts.push(annotations);
  for (const s of sections) {
    if (s.code > MESSAGE_ANNOTATIONS) parts.push(encoded.subarray(s.start, s.end));
  }
  return { payload: Buffer.concat(parts), headerSectionLength: header ? header.end - header.start : 0 };
}

export interface RuntimeInfo {
  lastSequenceNumber: number;
  lastOffset: string;
  lastEnqueuedTimeMs: number;
  retrievalTimeMs: number;
}

/** The bytes to deliver for a stored event, with the receiver runtime metric when asked for. */
export function deliveryPayload(payload: Buffer, headerSectionLength: number, runtime?: RuntimeInfo): Buffer {
  if (!runtime) return payload;
  const items = [
    types.wrap_symbol('last_enqueued_sequence_number'), types.wrap_long(runtime.lastSequenceNumber),
    types.wrap_symbol('last_enqueued_offset'), types.wrap_string(runtime.lastOffset),
    types.wrap_symbol('last_enqueued_time_utc'), types.wrap_timestamp(runtime.lastEnqueuedTimeMs),
    types.wrap_symbol('runtime_info_retrieval_time_utc'), types.wrap_timestamp(runtime.retrievalTimeMs),
  ];
  const annotations = writeDescribed(DELIVERY_ANNOTATIONS, typeInternals.Map32(items));
  return Buffer.concat([payload.subarray(0, headerSectionLength), annotations, payload.subarray(headerSectionLength)]);
}

function writeDescribed(code: number, value: unknown): Buffer {
  const writer = new typeInternals.Writer();
  writer.write(types.described(types.wrap_ulong(code), value as never));
  return writer.toBuffer();
}
