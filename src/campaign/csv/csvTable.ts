// A CSV file with a header row, checked against the columns a file type declares: every
// required column present, no unknown or repeated column, every record with the header's width.
import type { IssueList } from '../data/dataIssues';
import { CsvSyntaxError, parseCsv } from './parseCsv';

export interface ColumnSpec {
  name: string;
  required: boolean;
}

export interface TableRow {
  line: number;
  /** Value of a column by name ('' when an optional column is absent). */
  get(column: string): string;
}

/** Rows of the file, or undefined when the file cannot be read as a table (issues say why). */
export function readCsvTable(file: string, text: string, columns: readonly ColumnSpec[], issues: IssueList): TableRow[] | undefined {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    issues.add({ file, row: error.line, column: `field ${error.field + 1}`, reason: error.reason });
    return undefined;
  }
  if (records.length === 0) {
    issues.add({ file, row: 0, column: '', reason: `is empty; expected a header row (${columns.map((c) => c.name).join(',')})` });
    return undefined;
  }
  const header = records[0].fields.map((h) => h.trim());
  const index = new Map<string, number>();
  let headerOk = true;
  header.forEach((name, i) => {
    if (!columns.some((c) => c.name === name)) {
      issues.add({ file, row: records[0].line, column: name || `field ${i + 1}`, reason: `is not a known column (known: ${columns.map((c) => c.name).join(', ')})` });
      headerOk = false;
    } else if (index.has(name)) {
      issues.add({ file, row: records[0].line, column: name, reason: 'appears twice in the header' });
      headerOk = false;
    } else index.set(name, i);
  });
  for (const c of columns) {
    if (c.required && !index.has(c.name)) {
      issues.add({ file, row: records[0].line, column: c.name, reason: 'is a required column and is missing from the header' });
      headerOk = false;
    }
  }
  if (!headerOk) return undefined;

  const rows: TableRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const { line, fields } = records[r];
    if (fields.length !== header.length) {
      issues.add({ file, row: line, column: '', reason: `has ${fields.length} fields; the header has ${header.length}` });
      continue;
    }
    rows.push({ line, get: (column) => { const i = index.get(column); return i === undefined ? '' : fields[i]; } });
  }
  if (rows.length === 0 && records.length === 1) issues.add({ file, row: 0, column: '', reason: 'has a header but no rows' });
  return rows;
}
