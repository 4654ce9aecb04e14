// The rules for each field of leads, campaigns and touches, shared by the CSV import and the
// recommend API. A rule takes a raw value (CSV text, or JSON when `json` is set) and returns the
// typed value or the reason it is refused.

export type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
export const bad = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
const TOKEN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const show = (raw: unknown) => (typeof raw === 'string' ? `"${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"` : JSON.stringify(raw) ?? String(raw));

export function idField(raw: unknown): FieldResult<string> {
  if (typeof raw !== 'string' || raw === '') return bad('is required');
  if (!ID.test(raw)) return bad(`must be 1-128 letters, digits, _ . : @ - starting with a letter or digit; got ${show(raw)}`);
  return ok(raw);
}

/** A whole number in [min, max]; CSV text or (json) a JSON number. */
export function integerField(raw: unknown, min: number, max: number, json = false): FieldResult<number> {
  if (raw === undefined || raw === null || raw === '') return bad('is required');
  let value: number;
  if (typeof raw === 'number' && json) value = raw;
  else if (typeof raw === 'string' && !json && /^\s*[+-]?\d+(\.0+)?\s*$/.test(raw)) value = Number(raw);
  else return bad(`must be a whole number between ${min} and ${max}; got ${show(raw)}`);
  if (!Number.isInteger(value) || value < min || value > max) return bad(`must be a whole number between ${min} and ${max}; got ${show(raw)}`);
  return ok(value);
}

export function enumField<T extends string>(raw: unknown, allowed: readonly T[]): FieldResult<T> {
  if (raw === undefined || raw === null || raw === '') return bad('is required');
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  const found = allowed.find((a) => a === text);
  return found !== undefined ? ok(found) : bad(`must be one of ${allowed.join(', ')}; got ${show(raw)}`);
}

/** A lower-case token (region, product): letters, digits, _ and -, case folded. */
export function tokenField(raw: unknown): FieldResult<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return bad('is required');
  const text = raw.trim().toLowerCase();
  return TOKEN.test(text) ? ok(text) : bad(`must be 1-64 letters, digits, _ or -; got ${show(raw)}`);
}

export function textField(raw: unknown, maxLength: number): FieldResult<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return bad('is required');
  return raw.length <= maxLength ? ok(raw.trim()) : bad(`must be at most ${maxLength} characters; got ${raw.length}`);
}

/** A calendar date YYYY-MM-DD. */
export function dateField(raw: unknown): FieldResult<string> {
  if (typeof raw !== 'string' || raw === '') return bad('is required');
  const m = DATE.exec(raw.trim());
  if (!m) return bad(`must be a date YYYY-MM-DD; got ${show(raw)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return bad(`is not a real date; got ${show(raw)}`);
  return ok(raw.trim());
}

/** 0/1, true/false, yes/no (CSV) or a JSON boolean / 0 / 1. */
export function flagField(raw: unknown): FieldResult<boolean> {
  if (raw === true || raw === 1) return ok(true);
  if (raw === false || raw === 0) return ok(false);
  if (typeof raw === 'string') {
    const t = raw.trim().toLowerCase();
    if (t === '1' || t === 'true' || t === 'yes') return ok(true);
    if (t === '0' || t === 'false' || t === 'no') return ok(false);
  }
  if (raw === undefined || raw === null || raw === '') return bad('is required');
  return bad(`must be 0 or 1 (or true/false); got ${show(raw)}`);
}
