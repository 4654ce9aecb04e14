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
