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
  const ms = parseCanonicalIsoTime(s);
  return ms === ms ? ms : ISO_DATE_TIME.test(s) ? Date.parse(s) : NaN;
}

/**
 * Epoch ms of a valid date-time in toISOString()'s form (`2024-03-04T09:00:00.000Z`, or without
 * milliseconds), or NaN for anything else, valid or not.
 */
export function parseCanonicalIsoTime(s: string): number {
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
  return NaN;
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

// RFC 3339 date-time with a zone, exactly as ajv-formats' "date-time" (full mode) checks it: date
// and time separated by T or white space, seconds required, leap second 23:59:60 UTC, offset Z,
// ±hh, ±hhmm or ±hh:mm. The tracked-event validator uses it for the rules it took over from the
// Ajv schema (test/common/isoTime.test.ts compares the two).
const RFC3339_DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const RFC3339_TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;
const RFC3339_SEPARATOR = /t|\s/i;
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

export function isRfc3339DateTime(s: string): boolean {
  const parts = s.split(RFC3339_SEPARATOR);
  if (parts.length !== 2) return false;
  const d = RFC3339_DATE.exec(parts[0]);
  if (!d) return false;
  const year = +d[1];
  const month = +d[2];
  const day = +d[3];
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month]))) return false;
  const t = RFC3339_TIME.exec(parts[1]);
  if (!t) return false;
  const hour = +t[1];
  const minute = +t[2];
  const second = +t[3];
  const zone = t[4];
  const sign = t[5] === '-' ? -1 : 1;
  const zoneHours = +(t[6] || 0);
  const zoneMinutes = +(t[7] || 0);
  if (zoneHours > 23 || zoneMinutes > 59 || !zone) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  const utcMinute = minute - zoneMinutes * sign;
  const utcHour = hour - zoneHours * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}
