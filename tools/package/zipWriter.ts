// Minimal ZIP writer (deflate via zlib, CRC-32 via zlib.crc32): enough for a Functions package.
// Entries get a fixed timestamp so the same input gives the same zip.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ZipInput {
  /** Path inside the zip, forward slashes, no leading slash. */
  name: string;
  /** File to read the content from. */
  sourcePath: string;
}

export interface ZipSummary {
  entries: number;
  bytes: number;
}

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (2020 - 1980) << 9 | 1 << 5 | 1; // 2020-01-01
const UTF8_FLAG = 0x0800;
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;

interface CentralRecord {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  mode: number;
}

function localHeader(r: CentralRecord): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(20, 4);
  b.writeUInt16LE(UTF8_FLAG, 6);
  b.writeUInt16LE(r.method, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(r.crc, 14);
  b.writeUInt32LE(r.compressedSize, 18);
  b.writeUInt32LE(r.size, 22);
  b.writeUInt16LE(r.name.length, 26);
  b.writeUInt16LE(0, 28);
  return Buffer.concat([b, r.name]);
}

function centralHeader(r: CentralRecord): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so external attributes carry the file mode
  b.writeUInt16LE(20, 6);
  b.writeUInt16LE(UTF8_FLAG, 8);
  b.writeUInt16LE(r.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(r.crc, 16);
  b.writeUInt32LE(r.compressedSize, 20);
  b.writeUInt32LE(r.size, 24);
  b.writeUInt16LE(r.name.length, 28);
  b.writeUInt16LE(0, 30);
  b.writeUInt16LE(0, 32);
  b.writeUInt16LE(0, 34);
  b.writeUInt16LE(0, 36);
  b.writeUInt32LE(((0o100000 | (r.mode & 0o777)) << 16) >>> 0, 38);
  b.writeUInt32LE(r.offset, 42);
  return Buffer.concat([b, r.name]);
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(size, 12);
  b.writeUInt32LE(offset, 16);
  return b;
}

export function writeZip(outFile: string, inputs: ZipInput[]): ZipSummary {
  if (inputs.length > MAX_ENTRIES) throw new Error(`zip: ${inputs.length} entries exceed ${MAX_ENTRIES} (no ZIP64 support)`);
  const names = new Set<string>();
  const fd = fs.openSync(outFile, 'w');
  const records: CentralRecord[] = [];
  let offset = 0;
  const write = (buffer: Buffer): void => {
    fs.writeSync(fd, buffer);
    offset += buffer.length;
  };
  try {
    for (const input of inputs) {
      if (!input.name || input.name.startsWith('/') || input.name.includes('\\') || input.name.split('/').includes('..')) {
        throw new Error(`zip: invalid entry name "${input.name}"`);
      }
      if (names.has(input.name)) throw new Error(`zip: duplicate entry "${input.name}"`);
      names.add(input.name);
      const data = fs.readFileSync(input.sourcePath);
      const deflated = zlib.deflateRawSync(data, { level: 9 });
      const stored = deflated.length >= data.length;
      const record: CentralRecord = {
        name: Buffer.from(input.name, 'utf8'),
        method: stored ? 0 : 8,
        crc: zlib.crc32(data),
        compressedSize: stored ? data.length : deflated.length,
        size: data.length,
        offset,
        mode: fs.statSync(input.sourcePath).mode,
      };
      write(localHeader(record));
      write(stored ? data : deflated);
      if (offset > MAX_OFFSET) throw new Error('zip: archive larger than 4 GiB (no ZIP64 support)');
      records.push(record);
    }
    const centralStart = offset;
    for (const record of records) write(centralHeader(record));
    write(endOfCentralDirectory(records.length, offset - centralStart, centralStart));
  } finally {
    fs.closeSync(fd);
  }
  return { entries: records.length, bytes: offset };
}
