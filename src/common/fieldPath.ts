// How validators name the field an error is about: `decision.actions[1].prior`, `[2].offerId`.
// Shared by every validator (events, offers, feature contracts, model manifests), so a caller sees
// one path syntax whatever checked its input.

/** One problem with one field of an input, in words its sender can act on. */
export interface FieldError {
  field: string;
  message: string;
}

/** `['a', 0, 'b']` → `a[0].b`; an empty path is the empty string. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** The parts of a schema library's issue (zod's) that name a field. */
export interface SchemaIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  /** The unknown keys, for an 'unrecognized_keys' issue. */
  keys?: readonly string[];
}

/** Schema issues as FieldErrors; `whole` names the input itself (`(offer)`) when the path is empty. */
export function fieldErrorsOf(issues: readonly SchemaIssue[], whole: string): FieldError[] {
  return issues.map((issue) =>
    issue.code === 'unrecognized_keys'
      ? { field: (issue.keys ?? []).map((k) => formatPath([...issue.path, k])).join(', '), message: 'is not a known field' }
      : { field: formatPath(issue.path) || whole, message: issue.message },
  );
}
