// Reads the central directory of a zip (and single entries) to verify what packageApp wrote.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { CENTRAL_HEADER, END_OF_CENTRAL_DIRECTORY } from '../../src/common/zipRecords';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  mode: number;
}

export function listZip(file: string): ZipEntry[] {
  const buffer = fs.readFileSync(file);
  const searchFrom = Math.max(0, buffer.length - 0xffff - 22);
  let eocd = -1;
  for (let i = buffer.length - 22; i >= searchFrom; i--) {
    if (buffer.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buffer.readUInt16LE(eocd + 10);
  let pos = buffer.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(pos) !== CENTRAL_HEADER) throw new Error(`${file}: bad central directory record ${i}`);
    const nameLength = buffer.readUInt16LE(pos + 28);
    const extraLength = buffer.readUInt16LE(pos + 30);
    const commentLength = buffer.readUInt16LE(pos + 32);
    entries.push({
      method: buffer.readUInt16LE(pos + 10),
      crc: buffer.readUInt32LE(pos + 16),
      compressedSize: buffer.readUInt32LE(pos + 20),
      size: buffer.readUInt32LE(pos + 24),
      mode: buffer.readUInt32LE(pos + 38) >>> 16,
      offset: buffer.readUInt32LE(pos + 42),
      name: buffer.toString('utf8', pos + 46, pos + 46 + nameLength),
    });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Content of one entry, CRC-checked. */
export function readZipEntry(file: string, entry: ZipEntry): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(30);
    fs.readSync(fd, header, 0, 30, entry.offset);
    const dataStart = entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const raw = Buffer.alloc(entry.compressedSize);
    fs.readSync(fd, raw, 0, raw.length, dataStart);
    const data = entry.method === 8 ? zlib.inflateRawSync(raw) : raw;
    if (zlib.crc32(data) !== entry.crc) throw new Error(`${entry.name}: CRC mismatch`);
    return data;
  } finally {
    fs.closeSync(fd);
  }
}
