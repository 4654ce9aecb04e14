// Problems found in input files, each naming the file, row (line) and column, collected so one
// run reports them all (up to a limit) instead of stopping at the first.

export interface DataIssue {
  file: string;
  /** Line of the file where the record starts (the header is line 1); 0 for the whole file. */
  row: number;
  /** Column name, or '' when the problem is the whole row or file. */
  column: string;
  reason: string;
}

export function formatIssue(i: DataIssue): string {
  const where = [i.file, i.row > 0 ? `row ${i.row}` : '', i.column ? `column ${i.column}` : ''].filter(Boolean).join(', ');
  return `${where}: ${i.reason}`;
}

export class IssueList {
  readonly issues: DataIssue[] = [];
  /** Issues beyond the limit are counted, not kept. */
  dropped = 0;

  constructor(readonly limit = 100) {}

  add(issue: DataIssue): void {
    if (this.issues.length < this.limit) this.issues.push(issue);
    else this.dropped++;
  }

  get count(): number {
    return this.issues.length + this.dropped;
  }
}

/** Thrown when input is refused; nothing has been written when it is thrown. */
export class CampaignDataError extends Error {
  constructor(readonly issues: DataIssue[], readonly total: number) {
    const shown = issues.slice(0, 20).map(formatIssue);
    const more = total - shown.length;
    super(`${total} problem${total === 1 ? '' : 's'} in the campaign data; nothing was imported:\n  ${shown.join('\n  ')}${more > 0 ? `\n  … and ${more} more` : ''}`);
    this.name = 'CampaignDataError';
  }

  /** Issues in file order (as first reported), then by row. */
  static from(list: IssueList): CampaignDataError {
    const files = [...new Set(list.issues.map((i) => i.file))];
    const sorted = list.issues.map((issue, at) => ({ issue, at })).sort((a, b) => files.indexOf(a.issue.file) - files.indexOf(b.issue.file) || a.issue.row - b.issue.row || a.at - b.at);
    return new CampaignDataError(sorted.map((s) => s.issue), list.count);
  }
}
