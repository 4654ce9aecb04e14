// Reads a purchase-history file into classified, time-ordered invoice lines with the counts of
// everything left out: cancellations, non-product codes, adjustments (quantity or price ≤ 0),
// rows outside the asked time range, and invalid rows, each named by line and column.
import { readCsvFile, HistoryFileError } from './readCsvFile';
import { classifyRow, LocalTimeReader, readHeader, type HistoryLayout, type HistoryLine } from './historyRows';

export interface HistoryIssue {
  line: number;
  field: string;
  message: string;
}

export interface HistoryCounts {
  rows: number;
  /** Purchase lines kept (customers' and guests'). */
  purchases: number;
  customerLines: number;
  guestLines: number;
  cancellations: number;
  nonProduct: number;
  /** Non-product lines per stock code (POST, DOT, M, …). */
  nonProductCodes: Record<string, number>;
  notPositive: number;
  /** Lines above the event schema's largest quantity (10,000). */
  tooLarge: number;
  outsideRange: number;
  invalid: number;
}

export interface HistoryRead {
  layout: HistoryLayout;
  /** Purchase lines by time, then basket, then file order. */
  lines: HistoryLine[];
  counts: HistoryCounts;
  /** The first invalid rows (at most `maxIssues`), each with its line and column. */
  issues: HistoryIssue[];
}

export interface ReadHistoryOptions {
  /** Time zone of local date-times (Online Retail: the shop's, Europe/London). */
  timeZone?: string;
  /** Keep rows at or after this time. */
  from?: Date;
  /** Keep rows before this time. */
  before?: Date;
  maxIssues?: number;
  progress?: (p: { step: string; done: number; total?: number }) => void;
}

export function emptyCounts(): HistoryCounts {
  return { rows: 0, purchases: 0, customerLines: 0, guestLines: 0, cancellations: 0, nonProduct: 0, nonProductCodes: {}, notPositive: 0, tooLarge: 0, outsideRange: 0, invalid: 0 };
}

export async function readHistory(file: string, opts: ReadHistoryOptions = {}): Promise<HistoryRead> {
  let timeZone = opts.timeZone ?? 'Europe/London';
  let times: LocalTimeReader;
  try {
    times = new LocalTimeReader(timeZone);
  } catch {
    throw new HistoryFileError('--time-zone', `is not a time zone: "${timeZone}"`);
  }
  const fromMs = opts.from?.getTime() ?? -Infinity;
  const beforeMs = opts.before?.getTime() ?? Infinity;
  const maxIssues = opts.maxIssues ?? 50;
  const counts = emptyCounts();
  const lines: HistoryLine[] = [];
  const issues: HistoryIssue[] = [];
  let header: ReturnType<typeof readHeader> | undefined;
  for await (const record of readCsvFile(file, (p) => opts.progress?.({ step: 'read history', done: p.bytesRead, total: p.totalBytes }))) {
    if (!header) {
      header = readHeader(record.fields);
      if ('error' in header) throw new HistoryFileError(`${file} line ${record.line}`, header.error);
      continue;
    }
    if ('error' in header) break;
    if (record.fields.length === 1 && record.fields[0].trim() === '') continue; // blank line
    counts.rows++;
    const row = classifyRow(header, record.fields, record.line, times);
    switch (row.kind) {
      case 'purchase':
        if (row.value.timeMs < fromMs || row.value.timeMs >= beforeMs) {
          counts.outsideRange++;
          break;
        }
        lines.push(row.value);
        counts.purchases++;
        if (row.value.user === undefined) counts.guestLines++;
        else counts.customerLines++;
        break;
      case 'cancellation':
        counts.cancellations++;
        break;
      case 'non-product':
        counts.nonProduct++;
        counts.nonProductCodes[row.item] = (counts.nonProductCodes[row.item] ?? 0) + 1;
        break;
      case 'not-positive':
        counts.notPositive++;
        break;
      case 'too-large':
        counts.tooLarge++;
        break;
      case 'invalid':
        counts.invalid++;
        if (issues.length < maxIssues) issues.push({ line: row.line, field: row.field, message: row.message });
        break;
    }
  }
  if (!header) throw new HistoryFileError(file, 'is empty (no header row)');
  if ('error' in header) throw new HistoryFileError(file, header.error);
  lines.sort((a, b) => a.timeMs - b.timeMs || (a.basket < b.basket ? -1 : a.basket > b.basket ? 1 : a.line - b.line));
  timeZone = times.timeZone;
  return { layout: header.layout, lines, counts, issues };
}
