// Durable state under the data directory: a snapshot and the journals written since it began.
//   cosmos-snapshot.ndjson       first line {"format":"cosmos-emulator/2","generation":G}, then records
//   cosmos-journal-<N>.ndjson    one JSON record per acknowledged write (a batch is one record)
// Every record is written (write(2), plus fdatasync with `fsync`) before the response is sent.
// Compaction starts journal G+1 at once, then streams the current state into a new snapshot in
// slices (writes go on meanwhile); the snapshot is renamed into place only when complete, and
// older journals are removed after. Start-up replays the snapshot, then every journal numbered
// ≥ its generation in order. Records carry whole documents, so replaying a write the streamed
// snapshot already saw is harmless: the last record for a document wins.
import fs from 'node:fs';
import path from 'node:path';

export const SNAPSHOT_FILE = 'cosmos-snapshot.ndjson';
export const FORMAT = 'cosmos-emulator/2';
const journalName = (g: number) => `cosmos-journal-${g}.ndjson`;
const JOURNAL_RE = /^cosmos-journal-(\d+)\.ndjson$/;

/** Calls `onLine` for each line of a file, reading in 1 MiB chunks; the last line is flagged. */
export function forEachLine(file: string, onLine: (line: string, isLast: boolean) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    let pending: Buffer = Buffer.alloc(0);
    let held: string | undefined;
    let read: number;
    while ((read = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) {
      const data = pending.length > 0 ? Buffer.concat([pending, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      let nl: number;
      while ((nl = data.indexOf(10, start)) >= 0) {
        if (held !== undefined) onLine(held, false);
        held = data.subarray(start, nl).toString('utf8');
        start = nl + 1;
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
  private compacting: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly options: { fsync?: boolean; log?: (line: string) => void } = {},
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  get size(): number {
    return this.bytes;
  }

  get isCompacting(): boolean {
    return this.compacting !== undefined;
  }

  /** Replays the snapshot and the journals after it; opens the newest journal for appending. */
  load(apply: (record: Record<string, unknown>) => void): number {
    let count = 0;
    const snapshot = path.join(this.dir, SNAPSHOT_FILE);
    if (fs.existsSync(snapshot)) {
      let header = true;
      forEachLine(snapshot, (line) => {
        if (line === '') return;
        const value = JSON.parse(line) as Record<string, unknown>;
        if (header) {
          if (value.format !== FORMAT) throw new Error(`${snapshot}: not a ${FORMAT} snapshot`);
          this.generation = Number(value.generation);
          header = false;
          return;
        }
        apply(value);
        count++;
      });
    }
    const journals = this.journalGenerations().filter((g) => g >= this.generation);
    for (const g of journals) {
      const file = path.join(this.dir, journalName(g));
      const isNewest = g === journals[journals.length - 1];
      forEachLine(file, (line, isLast) => {
        if (line === '') return;
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch (error) {
          // Only the newest journal's last line can be torn by a kill; it was never acknowledged.
          if (isLast && isNewest) {
            this.options.log?.(`Cosmos DB emulator: ignoring a torn last journal line (${line.length} bytes)`);
            return;
          }
          throw new Error(`Corrupt Cosmos DB emulator journal ${file}: ${(error as Error).message}`);
        }
        apply(record);
        count++;
      });
    }
    if (journals.length > 0) this.generation = journals[journals.length - 1];
    this.open(this.generation, true);
    return count;
  }

  private journalGenerations(): number[] {
    return fs
      .readdirSync(this.dir)
      .map((f) => JOURNAL_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  private open(generation: number, truncateTorn: boolean): void {
    const file = path.join(this.dir, journalName(generation));
    if (truncateTorn && fs.existsSync(file)) {
      // Cut a torn last line so the next record starts on a line of its own.
      const data = fs.readFileSync(file);
      const end = data.lastIndexOf(10) + 1;
      if (end < data.length) fs.truncateSync(file, end);
    }
    this.fd = fs.openSync(file, 'a');
    this.bytes = fs.fstatSync(this.fd).size;
    this.generation = generation;
  }

  /** Appends one record; returns once the OS has it (and the device, with `fsync`). */
  append(record: unknown): void {
    if (this.fd === undefined) throw new Error('Cosmos DB emulator journal is not open');
    const line = Buffer.from(JSON.stringify(record) + '\n');
    let written = 0;
    while (written < line.length) written += fs.writeSync(this.fd, line, written);
    if (this.options.fsync) fs.fdatasyncSync(this.fd);
    this.bytes += line.length;
  }

  /**
   * Switches to a new journal and streams `records()` (the state, read live) into a new snapshot,
   * yielding to the event loop every slice so requests keep being served. One at a time.
   */
  compact(records: () => Iterable<unknown>): Promise<void> {
    this.compacting ??= this.runCompaction(records).finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  private async runCompaction(records: () => Iterable<unknown>): Promise<void> {
    const next = this.generation + 1;
    // From here on writes go to journal `next`; the snapshot covers everything before it.
    this.closeFile();
    this.open(next, false);
    const tmp = path.join(this.dir, `${SNAPSHOT_FILE}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    try {
      let buffer: string[] = [JSON.stringify({ format: FORMAT, generation: next })];
      let length = 0;
      let sinceYield = 0;
      const flush = () => {
        if (buffer.length === 0) return;
        const data = Buffer.from(buffer.join('\n') + '\n');
        let written = 0;
        while (written < data.length) written += fs.writeSync(fd, data, written);
        buffer = [];
        length = 0;
      };
      for (const record of records()) {
        const line = JSON.stringify(record);
        buffer.push(line);
        length += line.length;
        if (length > 1 << 20) flush();
        if (++sinceYield >= 2000) {
          sinceYield = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      flush();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, SNAPSHOT_FILE));
    this.fsyncDir();
    for (const g of this.journalGenerations()) if (g < next) fs.rmSync(path.join(this.dir, journalName(g)), { force: true });
  }

  /** Waits for a running compaction. */
  async idle(): Promise<void> {
    while (this.compacting) await this.compacting.catch(() => undefined);
  }

  close(): void {
    this.closeFile();
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
      // Not supported everywhere; the rename is still atomic.
    }
  }
}
