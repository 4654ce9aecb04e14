// Tumbling-window arithmetic, all in UTC.

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const WEEK_MINUTES = 7 * DAY_MINUTES;
/** 1970-01-05T00:00Z, the first Monday after the Unix epoch (a Thursday). */
const FIRST_MONDAY_MS = 4 * DAY_MINUTES * MINUTE_MS;

/**
 * Start (epoch ms) of the window of `minutes` that holds `timeMs`. Windows that divide a day are
 * aligned to midnight UTC; whole weeks start on Monday 00:00 UTC (ISO weeks); other multi-day
 * windows are aligned to the Unix epoch.
 */
export function windowStartMs(timeMs: number, minutes: number): number {
  const size = minutes * MINUTE_MS;
  const origin = minutes % WEEK_MINUTES === 0 ? FIRST_MONDAY_MS : 0;
  return Math.floor((timeMs - origin) / size) * size + origin;
}

export function windowEndMs(startMs: number, minutes: number): number {
  return startMs + minutes * MINUTE_MS;
}

/** ISO 8601 day of week, 1 = Monday … 7 = Sunday (UTC). */
export function isoDayOfWeek(timeMs: number): number {
  // Day 0 of the epoch was a Thursday (ISO 4).
  const days = Math.floor(timeMs / (DAY_MINUTES * MINUTE_MS));
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

export const DAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export function hourOfDay(timeMs: number): number {
  const day = DAY_MINUTES * MINUTE_MS;
  return Math.floor((((timeMs % day) + day) % day) / (60 * MINUTE_MS));
}

/** Seconds-free compact UTC stamp for document ids: 20240501T1000Z. */
export function compactStamp(timeMs: number): string {
  const iso = new Date(timeMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

export function validateWindows(windowsMinutes: number[]): void {
  if (windowsMinutes.length === 0) throw new Error('windowsMinutes: at least one window size is required');
  for (const m of windowsMinutes) {
    if (!Number.isInteger(m) || m <= 0 || (DAY_MINUTES % m !== 0 && m % DAY_MINUTES !== 0)) {
      throw new Error(`windowsMinutes: ${m} must be a whole number of minutes that divides a day or is whole days`);
    }
  }
}
