export type CheckKind = 'syntax' | 'symbols' | 'wiring' | 'schema' | 'rules';

/** One finding of the offline validator; `file` is relative to the infra folder. */
export interface Issue {
  check: CheckKind;
  file: string;
  line: number;
  message: string;
}

export function formatIssue(issue: Issue): string {
  return `${issue.file}:${issue.line} [${issue.check}] ${issue.message}`;
}
