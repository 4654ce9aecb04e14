// A minimal ZIP archive of uncompressed ("stored") entries: what the model export writes and the
// model import reads (our own archives; the reader refuses anything it did not write the way it
// writes: compression, encryption, data descriptors, ZIP64).
import zlib from 'node:zlib';
import { CENTRAL_HEADER, END_OF_CENTRAL_DIRECTORY, LOCAL_HEADER, centralHeader, endOfCentralDirectory, localHeader, type ZipRecord } from './zipRecords';

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** 1980-01-01 00:00 in DOS time: the archive's bytes depend only on its entries. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export function writeStoredZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const record: ZipRecord = { name: Buffer.from(e.name, 'utf8'), method: 0, crc: zlib.crc32(e.data), compressedSize: e.data.length, size: e.data.length, offset, dosDate: DOS_DATE, dosTime: 0 };
    const local = localHeader(record);
    locals.push(local, e.data);
    centrals.push(centralHeader(record));
    offset += local.length + e.data.length;
  }
  const centralSize = centrals.reduce((s, b) => s + b.length, 0);
  return Buffer.concat([...locals, ...centrals, endOfCentralDirectory(entries.length, centralSize, offset)]);
}

export class ZipFormatError extends Error {}

/** The entries of an archive writeStoredZip made; ZipFormatError for anything else. */
export function readStoredZip(zip: Buffer): ZipEntry[] {
  if (zip.length < 22) throw new ZipFormatError('is not a ZIP archive');
  const endAt = zip.length - 22; // no archive comment
  if (zip.readUInt32LE(endAt) !== END_OF_CENTRAL_DIRECTORY) throw new ZipFormatError('is not a ZIP archive (no end record)');
  const count = zip.readUInt16LE(endAt + 10);
  let at = zip.readUInt32LE(endAt + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new ZipFormatError('has a damaged directory');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (method !== 0) throw new ZipFormatError(`${name}: is compressed; only stored entries are read`);
    if (localAt + 30 > zip.length || zip.readUInt32LE(localAt) !== LOCAL_HEADER) throw new ZipFormatError(`${name}: has a damaged header`);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    if (dataAt + size > zip.length) throw new ZipFormatError(`${name}: is truncated`);
    const data = Buffer.from(zip.subarray(dataAt, dataAt + size));
    if (zlib.crc32(data) !== crc) throw new ZipFormatError(`${name}: fails its CRC check`);
    entries.push({ name, data });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}
