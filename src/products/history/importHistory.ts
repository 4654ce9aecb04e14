// `npm run history:import`'s work: read and classify the file, turn baskets into purchase events,
// write them to the archive. Invalid rows stop the import before anything is written, each named
// by its line and column; cancellations, guest checkouts, non-product codes and adjustments are
// counted in the result.
import type { ContainerClient } from '@azure/storage-blob';
import { basketsOf, writeHistoryArchive, type HistoryArchiveResult } from './historyArchive';
import { readHistory, type HistoryCounts, type HistoryIssue } from './readHistory';
import type { HistoryLayout, HistoryLine } from './historyRows';

export class HistoryDataError extends Error {
  constructor(readonly issues: readonly HistoryIssue[], readonly invalid: number) {
    super(
      `${invalid} invalid row(s), nothing imported:\n` +
        issues.map((i) => `  line ${i.line}, column ${i.field}: ${i.message}`).join('\n') +
        (invalid > issues.length ? `\n  … and ${invalid - issues.length} more` : ''),
    );
    this.name = 'HistoryDataError';
  }
}

export interface ImportHistoryOptions {
  source?: string;
  timeZone?: string;
  from?: Date;
  before?: Date;
  guests?: 'basket' | 'skip';
  partitions?: number;
  dryRun?: boolean;
  progress?: (p: { step: string; done: number; total?: number }) => void;
}

export interface ImportHistoryResult {
  layout: HistoryLayout;
  counts: HistoryCounts & { guestBaskets: number; customerBaskets: number; skippedGuestLines: number; customers: number; products: number };
  firstTime?: string;
  lastTime?: string;
  archive?: HistoryArchiveResult;
  /** The kept lines, for a caller that derives the catalog from the same read. */
  lines: HistoryLine[];
}

export async function importHistory(file: string, container: ContainerClient | undefined, opts: ImportHistoryOptions = {}): Promise<ImportHistoryResult> {
  const read = await readHistory(file, { timeZone: opts.timeZone, from: opts.from, before: opts.before, progress: opts.progress });
  if (read.counts.invalid > 0) throw new HistoryDataError(read.issues, read.counts.invalid);
  const source = opts.source ?? 'history';
  const { baskets, skippedGuestLines } = basketsOf(read.lines, { source, guests: opts.guests });
  const customers = new Set<string>();
  const products = new Set<string>();
  for (const line of read.lines) {
    if (line.user !== undefined) customers.add(line.user);
    products.add(line.item);
  }
  const guestBaskets = baskets.filter((b) => b.guest).length;
  const result: ImportHistoryResult = {
    layout: read.layout,
    counts: { ...read.counts, guestBaskets, customerBaskets: baskets.length - guestBaskets, skippedGuestLines, customers: customers.size, products: products.size },
    ...(read.lines.length > 0
      ? { firstTime: new Date(read.lines[0].timeMs).toISOString(), lastTime: new Date(read.lines[read.lines.length - 1].timeMs).toISOString() }
      : {}),
    lines: read.lines,
  };
  if (!opts.dryRun && container) {
    result.archive = await writeHistoryArchive(container, baskets, { source, partitions: opts.partitions, progress: opts.progress });
  }
  return result;
}
