// Streams the records of a CSV file, plain or gzip-compressed (told apart by the gzip magic bytes,
// not the file name), with bounded memory: one chunk of text at a time.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { CsvParser, type CsvRecord } from './csvParser';

export class HistoryFileError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'HistoryFileError';
  }
}

function isGzip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const read = fs.readSync(fd, head, 0, 2, 0);
    return read === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    fs.closeSync(fd);
  }
}

export interface CsvFileProgress {
  /** Compressed (or plain) bytes read from the file so far. */
  bytesRead: number;
  totalBytes: number;
}

/** The records of a CSV file, the header row included. */
export async function* readCsvFile(file: string, onProgress?: (p: CsvFileProgress) => void): AsyncGenerator<CsvRecord> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new HistoryFileError('--from', `no such file: ${file}`);
  }
  if (!stat.isFile()) throw new HistoryFileError('--from', `not a file: ${file}`);
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
    onProgress?.({ bytesRead, totalBytes: stat.size });
  });
  const source: AsyncIterable<Buffer> = isGzip(file) ? raw.pipe(zlib.createGunzip()) : raw;
  const decoder = new StringDecoder('utf8');
  const parser = new CsvParser();
  let first = true;
  try {
    for await (const chunk of source) {
      let text = decoder.write(chunk);
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte order mark
        first = false;
      }
      yield* parser.push(text);
    }
    yield* parser.push(decoder.end());
    yield* parser.end();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
      throw new HistoryFileError('--from', `${file} is not a valid gzip file: ${(error as Error).message}`);
    }
    throw error;
  } finally {
    raw.destroy();
  }
}
