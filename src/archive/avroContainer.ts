// Avro object container file framing: header (magic, metadata, sync marker) and data blocks.
// https://avro.apache.org/docs/1.11.1/specification/#object-container-files
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { AvroReader, AvroWriter, AvroDecodeError } from './avroBinary';

export type AvroCodec = 'null' | 'deflate';

export const AVRO_MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1
export const SYNC_SIZE = 16;

/** A sync marker derived from a name, so a file rewritten or appended later keeps the same one. */
export function syncMarkerFor(name: string): Buffer {
  return crypto.createHash('sha256').update(`avro-sync:${name}`).digest().subarray(0, SYNC_SIZE);
}

export function encodeHeader(schemaJson: string, codec: AvroCodec, sync: Buffer): Buffer {
  if (sync.length !== SYNC_SIZE) throw new RangeError(`Avro sync marker must be ${SYNC_SIZE} bytes`);
  const w = new AvroWriter(schemaJson.length + 64);
  w.writeFixed(AVRO_MAGIC);
  w.writeLong(2);
  w.writeString('avro.schema');
  w.writeBytes(Buffer.from(schemaJson, 'utf8'));
  w.writeString('avro.codec');
  w.writeBytes(Buffer.from(codec, 'utf8'));
  w.writeLong(0);
  w.writeFixed(sync);
  return w.toBuffer();
}

/** One data block: record count, byte size, the (compressed) serialized records, sync marker. */
export function encodeBlock(records: Buffer, count: number, codec: AvroCodec, sync: Buffer): Buffer {
  const data = codec === 'deflate' ? zlib.deflateRawSync(records) : records;
  const w = new AvroWriter(data.length + 40);
  w.writeLong(count);
  w.writeLong(data.length);
  w.writeFixed(data);
  w.writeFixed(sync);
  return w.toBuffer();
}

export interface AvroContainer {
  schema: unknown;
  codec: string;
  sync: Buffer;
  metadata: Record<string, Buffer>;
  /** Decompressed serialized records of each block. */
  blocks: { count: number; data: Buffer }[];
}

function decompress(codec: string, data: Buffer, blockIndex: number): Buffer {
  if (codec === 'null') return data;
  if (codec === 'deflate') {
    try {
      return zlib.inflateRawSync(data);
    } catch (error) {
      throw new AvroDecodeError(`Avro block ${blockIndex}: deflate data is corrupt (${(error as Error).message})`);
    }
  }
  throw new AvroDecodeError(`Unsupported Avro codec "${codec}" (supported: null, deflate)`);
}

/** Splits a container file into its header and decompressed blocks, checking every sync marker. */
export function parseContainer(buf: Buffer): AvroContainer {
  if (buf.length < AVRO_MAGIC.length || !buf.subarray(0, AVRO_MAGIC.length).equals(AVRO_MAGIC)) {
    throw new AvroDecodeError('Not an Avro object container file (bad magic bytes)');
  }
  const r = new AvroReader(buf, AVRO_MAGIC.length);
  const metadata: Record<string, Buffer> = {};
  r.readBlocks(() => {
    const key = r.readString();
    metadata[key] = r.readBytes();
  });
  const sync = Buffer.from(r.readFixed(SYNC_SIZE));
  const schemaBytes = metadata['avro.schema'];
  if (!schemaBytes) throw new AvroDecodeError('Avro header has no avro.schema');
  let schema: unknown;
  try {
    schema = JSON.parse(schemaBytes.toString('utf8'));
  } catch {
    throw new AvroDecodeError('Avro header avro.schema is not valid JSON');
  }
  const codec = metadata['avro.codec']?.toString('utf8') || 'null';
  const blocks: { count: number; data: Buffer }[] = [];
  while (r.remaining > 0) {
    const count = r.readLong('block count');
    const size = r.readLong('block size');
    if (count < 0 || size < 0) throw new AvroDecodeError(`Avro block ${blocks.length} has a negative count or size`);
    const raw = r.readFixed(size);
    const marker = r.readFixed(SYNC_SIZE);
    if (!marker.equals(sync)) {
      throw new AvroDecodeError(`Avro block ${blocks.length}: sync marker mismatch at byte ${r.pos - SYNC_SIZE}`);
    }
    blocks.push({ count, data: decompress(codec, raw, blocks.length) });
  }
  return { schema, codec, sync, metadata, blocks };
}
