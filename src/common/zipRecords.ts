// The ZIP format's records (PKWARE's APPNOTE): local file header, central directory header and end
// of central directory, without ZIP64, encryption or data descriptors, entry names in UTF-8. One
// layout for both ZIP writers: the model export's stored archives (storedZip.ts) and the
// deployment package (tools/package/zipWriter.ts).

export const LOCAL_HEADER = 0x04034b50;
export const CENTRAL_HEADER = 0x02014b50;
export const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const UTF8_NAMES = 0x0800;
const VERSION = 20;
const MADE_BY_UNIX = 3 << 8;

export interface ZipRecord {
  /** The entry's name, UTF-8. */
  name: Buffer;
  /** 0: stored, 8: deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where the entry's local header starts in the archive. */
  offset: number;
  /** The entry's DOS date and time (both writers fix them, so the bytes depend only on the content). */
  dosDate: number;
  dosTime: number;
  /** A Unix file mode: the central header then says "made by Unix" and carries it in the external attributes. */
  mode?: number;
}

/** What the local and the central header both hold, in the same order: version needed to extract … the name's length. */
function writeEntryFields(b: Buffer, at: number, r: ZipRecord): void {
  b.writeUInt16LE(VERSION, at);
  b.writeUInt16LE(UTF8_NAMES, at + 2);
  b.writeUInt16LE(r.method, at + 4);
  b.writeUInt16LE(r.dosTime, at + 6);
  b.writeUInt16LE(r.dosDate, at + 8);
  b.writeUInt32LE(r.crc, at + 10);
  b.writeUInt32LE(r.compressedSize, at + 14);
  b.writeUInt32LE(r.size, at + 18);
  b.writeUInt16LE(r.name.length, at + 22);
}

/** The local file header with the name after it; the entry's data follows. */
export function localHeader(r: ZipRecord): Buffer {
  const b = Buffer.alloc(30); // the extra field's length (28) stays 0
  b.writeUInt32LE(LOCAL_HEADER, 0);
  writeEntryFields(b, 4, r);
  return Buffer.concat([b, r.name]);
}

/** The entry's central directory header with the name after it. */
export function centralHeader(r: ZipRecord): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(CENTRAL_HEADER, 0);
  b.writeUInt16LE(r.mode !== undefined ? MADE_BY_UNIX | VERSION : VERSION, 4);
  writeEntryFields(b, 6, r);
  // 30-37: extra field and comment lengths, disk number, internal attributes: all 0.
  if (r.mode !== undefined) b.writeUInt32LE(((0o100000 | (r.mode & 0o777)) << 16) >>> 0, 38); // a regular file
  b.writeUInt32LE(r.offset, 42);
  return Buffer.concat([b, r.name]);
}

/** The end record of an archive of `count` entries whose central directory (`size` bytes) starts at `offset`. */
export function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(size, 12);
  b.writeUInt32LE(offset, 16);
  return b;
}
