// Durable state of the Cosmos DB stand-in: a snapshot plus an append-only journal of the writes
// made since that snapshot. Both are files of JSON lines under the data directory:
//   snapshot.ndjson        first line {"generation": G}, then one record per resource
//   journal-G.ndjson       records appended (synchronously, before the response is sent) since then
// A journal line reaches the OS before the client sees its response, so an acknowledged write
// survives the process being killed; `fsync: true` also makes it survive a machine crash.
import fs from 'node:fs';
import path from 'node:path';

export type StoredResource = Record<string, unknown>;

/** One change to the account, or (in a snapshot) one resource as it stands. */
export type StoreRecord =
  | { t: 'db'; op: 'set'; n: number; d: StoredResource }
  | { t: 'db'; op: 'del'; id: string }
  | { t: 'coll'; db: string; op: 'set'; n: number; d: StoredResource }
  | { t: 'coll'; db: string; op: 'del'; id: string }
  | { t: 'doc'; db: string; coll: string; op: 'set'; n: number; d: StoredResource }
  | { t: 'doc'; db: string; coll: string; op: 'del'; id: string; pk: unknown };

const SNAPSHOT = 'snapshot.ndjson';
const journalName = (generation: number) => `journal-${generation}.ndjson`;

/** Calls `onLine` for each line of a file, reading it in chunks so files of any size work. */
function forEachLine(file: string, onLine: (line: string, isLast: boolean) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let pending = Buffer.alloc(0);
    // The last complete line is held back until we know whether more follow.
    let held: string | undefined;
    let read: number;
    while ((read = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) {
      const data = pending.length > 0 ? Buffer.concat([pending, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      let newline: number;
      while ((newline = data.indexOf(10, start)) >= 0) {
        if (held !== undefined) onLine(held, false);
        held = data.subarray(start, newline).toString('utf8');
        start = newline + 1;
      }
      pending = Buffer.from(data.subarray(start));
    }
    if (pending.length > 0) {
      if (held !== undefined) onLine(held, false);
      held = pending.toString('utf8');
    }
    if (held !== undefined) onLine(held, true);
  } finally {
    fs.closeSync(fd);
  }
}

export class Journal {
  private fd: number | undefined;
  private generation = 0;
  private bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly options: { fsync?: boolean; log?: (line: string) => void } = {},
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** Bytes appended to the journal since the last snapshot. */
  get size(): number {
    return this.bytes;
  }

  /** Replays the snapshot and then the journal, in order, into `apply`. Returns the record count. */
  load(apply: (record: StoreRecord) => void): number {
    let count = 0;
    const snapshot = path.join(this.dir, SNAPSHOT);
    if (fs.existsSync(snapshot)) {
      let header = true;
      forEachLine(snapshot, (line) => {
        if (line === '') return;
        const value = JSON.parse(line) as StoreRecord | { generation: number };
        if (header) {
          this.generation = (value as { generation: number }).generation;
          header = false;
          return;
        }
        apply(value as StoreRecord);
        count++;
      });
    }
    const journal = path.join(this.dir, journalName(this.generation));
    if (fs.existsSync(journal)) {
      forEachLine(journal, (line, isLast) => {
        if (line === '') return;
        let record: StoreRecord;
        try {
          record = JSON.parse(line) as StoreRecord;
        } catch (error) {
          // Only the very last line can be torn (killed mid-write); that write was never acknowledged.
          if (isLast) {
            this.options.log?.(`Cosmos DB stand-in: ignoring a torn last journal line (${line.length} bytes)`);
            return;
          }
          throw new Error(`Corrupt Cosmos DB stand-in journal ${journal}: ${(error as Error).message}`);
        }
        apply(record);
        count++;
      });
    }
    return count;
  }

  /** Appends one record; returns once the OS has it (and the disk, with `fsync`). */
  append(record: StoreRecord): void {
    if (this.fd === undefined) throw new Error('Cosmos DB stand-in journal is not open');
    const line = Buffer.from(JSON.stringify(record) + '\n');
    let written = 0;
    while (written < line.length) written += fs.writeSync(this.fd, line, written);
    if (this.options.fsync) fs.fsyncSync(this.fd);
    this.bytes += line.length;
  }

  /**
   * Writes a new snapshot holding `records` (the whole current state) and starts an empty journal.
   * Crash-safe: the snapshot is renamed into place before the old journal is removed, and the
   * generation number in it says which journal belongs to it.
   */
  compact(records: Iterable<StoreRecord>): void {
    const next = this.generation + 1;
    const tmp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    try {
      let buffer: string[] = [JSON.stringify({ generation: next })];
      let length = 0;
      const flush = () => {
        fs.writeSync(fd, buffer.join('\n') + '\n');
        buffer = [];
        length = 0;
      };
      for (const record of records) {
        const line = JSON.stringify(record);
        buffer.push(line);
        length += line.length;
        if (length > 1 << 20) flush();
      }
      if (buffer.length > 0) flush();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, SNAPSHOT));
    this.fsyncDir();
    this.closeFile();
    const previous = this.generation;
    this.generation = next;
    this.openFile();
    fs.rmSync(path.join(this.dir, journalName(previous)), { force: true });
    this.removeStaleJournals();
  }

  close(): void {
    this.closeFile();
  }

  private openFile(): void {
    this.fd = fs.openSync(path.join(this.dir, journalName(this.generation)), 'a');
    this.bytes = fs.fstatSync(this.fd).size;
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private fsyncDir(): void {
    try {
      const fd = fs.openSync(this.dir, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    } catch {
      // Not supported on every platform; the rename itself is still atomic.
    }
  }

  private removeStaleJournals(): void {
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^journal-(\d+)\.ndjson$/.exec(name);
      if (m && Number(m[1]) !== this.generation) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }
}
