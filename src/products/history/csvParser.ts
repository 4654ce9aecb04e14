// A streaming RFC 4180 CSV parser: quoted fields may hold commas, doubled quotes and line breaks,
// and a chunk may end anywhere (inside a quoted field, between \r and \n). Records come out as
// arrays of strings; the caller names the columns.

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

export interface CsvRecord {
  fields: string[];
  /** 1-based line of the file where the record starts. */
  line: number;
}

/** Feed text with push(); every call returns the records completed so far; end() flushes the last one. */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  /** The previous character closed a quoted section: a quote now is an escaped quote. */
  private quoteClosed = false;
  private pendingCr = false;
  private line = 1;
  private recordLine = 1;
  private started = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const ch = chunk.charCodeAt(i);
      if (this.pendingCr) {
        this.pendingCr = false;
        if (ch === 10) {
          i++;
          continue;
        }
      }
      if (this.inQuotes) {
        // Copy the run up to the next quote in one slice.
        const q = chunk.indexOf('"', i);
        if (q < 0) {
          this.countLines(chunk, i, n);
          this.field += chunk.slice(i);
          return out;
        }
        this.countLines(chunk, i, q);
        this.field += chunk.slice(i, q);
        this.inQuotes = false;
        this.quoteClosed = true;
        i = q + 1;
        continue;
      }
      if (ch === 34 /* " */) {
        if (this.quoteClosed) this.field += '"';
        else if (this.field.length > 0) throw new CsvSyntaxError(this.line, 'a quote inside an unquoted field');
        this.inQuotes = true;
        this.quoteClosed = false;
        this.started = true;
        i++;
        continue;
      }
      if (ch === 44 /* , */) {
        this.fields.push(this.field);
        this.field = '';
        this.quoteClosed = false;
        this.started = true;
        i++;
        continue;
      }
      if (ch === 10 || ch === 13) {
        if (this.started || this.field.length > 0 || this.fields.length > 0) out.push(this.finishRecord());
        this.line++;
        this.recordLine = this.line;
        if (ch === 13) this.pendingCr = true;
        i++;
        continue;
      }
      if (this.quoteClosed) throw new CsvSyntaxError(this.line, 'text after a closing quote');
      // Copy the run of plain characters in one slice.
      let j = i + 1;
      while (j < n) {
        const c = chunk.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13 || c === 34) break;
        j++;
      }
      this.field += chunk.slice(i, j);
      this.started = true;
      i = j;
    }
    return out;
  }

  end(): CsvRecord[] {
    if (this.inQuotes) throw new CsvSyntaxError(this.recordLine, 'a quoted field is not closed at the end of the file');
    if (this.started || this.field.length > 0 || this.fields.length > 0) return [this.finishRecord()];
    return [];
  }

  private finishRecord(): CsvRecord {
    this.fields.push(this.field);
    const record = { fields: this.fields, line: this.recordLine };
    this.fields = [];
    this.field = '';
    this.quoteClosed = false;
    this.started = false;
    return record;
  }

  private countLines(chunk: string, from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const c = chunk.charCodeAt(k);
      if (c === 10) this.line++;
      else if (c === 13 && chunk.charCodeAt(k + 1) !== 10) this.line++;
    }
  }
}

/** Parses a whole text. */
export function parseCsvText(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}
