// Minimal ZIP writer (deflate via zlib, CRC-32 via zlib.crc32): enough for a Functions package.
// Entries get a fixed timestamp so the same input gives the same zip.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { centralHeader, endOfCentralDirectory, localHeader, type ZipRecord } from '../../src/common/zipRecords';

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
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;

export function writeZip(outFile: string, inputs: ZipInput[]): ZipSummary {
  if (inputs.length > MAX_ENTRIES) throw new Error(`zip: ${inputs.length} entries exceed ${MAX_ENTRIES} (no ZIP64 support)`);
  const names = new Set<string>();
  const fd = fs.openSync(outFile, 'w');
  const records: ZipRecord[] = [];
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
      const record: ZipRecord = {
        name: Buffer.from(input.name, 'utf8'),
        method: stored ? 0 : 8,
        crc: zlib.crc32(data),
        compressedSize: stored ? data.length : deflated.length,
        size: data.length,
        offset,
        dosDate: DOS_DATE,
        dosTime: DOS_TIME,
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
