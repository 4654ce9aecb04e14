// Pure encode/decode of whole Capture-format Avro files and single blocks (no Blob involved).
import { AvroReader, AvroWriter, AvroDecodeError } from './avroBinary';
import { AvroCodec, encodeBlock, encodeHeader, parseContainer } from './avroContainer';
import { AvroSchema, compileDecoder } from './avroSchemaDecoder';
import { CAPTURE_SCHEMA_JSON, CaptureRecord, captureRecordFromAvro, encodeCaptureRecord } from './captureSchema';

/** One Avro data block holding `records`, framed with `sync`. */
export function encodeCaptureBlock(records: readonly CaptureRecord[], codec: AvroCodec, sync: Buffer): Buffer {
  const w = new AvroWriter(64 * 1024);
  for (const rec of records) encodeCaptureRecord(w, rec);
  return encodeBlock(w.toBuffer(), records.length, codec, sync);
}

export function encodeCaptureHeader(codec: AvroCodec, sync: Buffer): Buffer {
  return encodeHeader(CAPTURE_SCHEMA_JSON, codec, sync);
}

/** A complete file: header plus one block per entry of `blocks` (empty entries are skipped). */
export function encodeCaptureFile(blocks: readonly (readonly CaptureRecord[])[], codec: AvroCodec, sync: Buffer): Buffer {
  const parts = [encodeCaptureHeader(codec, sync)];
  for (const records of blocks) if (records.length > 0) parts.push(encodeCaptureBlock(records, codec, sync));
  return Buffer.concat(parts);
}

const REQUIRED_FIELDS = ['SequenceNumber', 'Offset', 'EnqueuedTimeUtc', 'Body'];

function checkCaptureSchema(schema: unknown): void {
  const fields = (schema as { fields?: { name?: unknown }[] } | null)?.fields;
  if (!Array.isArray(fields)) throw new AvroDecodeError('Avro schema is not a record schema');
  const names = new Set(fields.map((f) => f.name));
  const missing = REQUIRED_FIELDS.filter((f) => !names.has(f));
  if (missing.length > 0) throw new AvroDecodeError(`Avro schema is not Capture's: missing field(s) ${missing.join(', ')}`);
}

/** Decodes a Capture-format Avro file (ours or Event Hubs Capture's) by the schema it carries. */
export function decodeCaptureAvro(buf: Buffer): { records: CaptureRecord[]; codec: string; schema: object } {
  const container = parseContainer(buf);
  checkCaptureSchema(container.schema);
  const decode = compileDecoder(container.schema as AvroSchema);
  const records: CaptureRecord[] = [];
  container.blocks.forEach((block, b) => {
    const r = new AvroReader(block.data);
    for (let i = 0; i < block.count; i++) {
      try {
        records.push(captureRecordFromAvro(decode(r)));
      } catch (error) {
        throw new AvroDecodeError(`Avro block ${b}, record ${i}: ${(error as Error).message}`);
      }
    }
    if (r.remaining !== 0) throw new AvroDecodeError(`Avro block ${b} has ${r.remaining} bytes after its ${block.count} records`);
  });
  return { records, codec: container.codec, schema: container.schema as object };
}
