// Parsing event timestamps is on the per-event hot path, and Date.parse costs ~250 ns; the
// server writes timestamps with toISOString(), which this reads directly (anything else falls
// back to Date.parse after a format check).
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Epoch ms of an ISO 8601 date-time with a zone (Z or ±hh:mm), or NaN. */
export function parseIsoTime(s: string): number {
  const length = s.length;
  if (
    (length === 24 || length === 20) && s.charCodeAt(length - 1) === 90 /* Z */ &&
    s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58 && (length === 20 || s.charCodeAt(19) === 46)
  ) {
    const year = digits(s, 0, 4);
    const month = digits(s, 5, 2);
    const day = digits(s, 8, 2);
    const hour = digits(s, 11, 2);
    const minute = digits(s, 14, 2);
    const second = digits(s, 17, 2);
    const ms = length === 24 ? digits(s, 20, 3) : 0;
    if (
      year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1] &&
      hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60 && ms >= 0
    ) {
      if (month !== 2 || day < 29 || year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) {
        return Date.UTC(year, month - 1, day, hour, minute, second, ms);
      }
    }
  }
  return ISO_DATE_TIME.test(s) ? Date.parse(s) : NaN;
}

/**
 * The canonical toISOString() form of `timeMs`, reusing `text` (the string `timeMs` was parsed
 * from) when it already has that form, which saves formatting a date on the hot path.
 */
export function isoString(text: unknown, timeMs: number): string {
  return typeof text === 'string' && text.length === 24 && text.charCodeAt(23) === 90 && text.charCodeAt(19) === 46 &&
    text.charCodeAt(10) === 84 && text.charCodeAt(4) === 45
    ? text
    : new Date(timeMs).toISOString();
}

// Instants accepted in query strings: a UTC day (2024-05-01) or a date-time with its offset
// (2024-05-01T10:00Z, 2024-05-01T12:00:00.000+02:00). A time without an offset is refused, so a
// range never silently depends on the server's time zone.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Epoch milliseconds, or undefined when `text` is not such an instant (including 2024-02-30). */
export function parseInstant(text: string): number | undefined {
  const m = ISO_INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return undefined;
  const ms = Date.parse(m[4] === undefined ? `${m[1]}-${m[2]}-${m[3]}T00:00:00Z` : text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
