// The contact options a plan chooses between: 3 channels × 7 days × 3 time slots = 63 combinations.
// A combination's index is (channel·7 + day)·3 + slot, so one lead's 63 scores form a fixed block.

export const CHANNELS = ['email', 'sms', 'call'] as const;
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const TIME_SLOTS = ['morning', 'afternoon', 'evening'] as const;

export type Channel = (typeof CHANNELS)[number];
export type Day = (typeof DAYS)[number];
export type TimeSlot = (typeof TIME_SLOTS)[number];

export interface Combination {
  index: number;
  channel: Channel;
  day: Day;
  timeSlot: TimeSlot;
  /** Indexes into CHANNELS, DAYS and TIME_SLOTS. */
  c: number;
  d: number;
  s: number;
}

export const COMBINATION_COUNT = CHANNELS.length * DAYS.length * TIME_SLOTS.length;

export function combinationIndex(channel: number, day: number, slot: number): number {
  return (channel * DAYS.length + day) * TIME_SLOTS.length + slot;
}

export const COMBINATIONS: readonly Combination[] = CHANNELS.flatMap((channel, c) =>
  DAYS.flatMap((day, d) => TIME_SLOTS.map((timeSlot, s) => ({ index: combinationIndex(c, d, s), channel, day, timeSlot, c, d, s }))),
);

/** Index of the highest of lead i's 63 scores in a [leads × 63] block (the first on ties). */
export function bestCombination(scores: ArrayLike<number>, i: number): number {
  const base = i * COMBINATION_COUNT;
  let best = 0;
  for (let k = 1; k < COMBINATION_COUNT; k++) if (scores[base + k] > scores[base + best]) best = k;
  return best;
}

/** Slot of a local hour: morning before 12:00, afternoon 12:00–16:59, evening from 17:00. */
export function slotOfHour(hour: number): number {
  return hour < 12 ? 0 : hour < 17 ? 1 : 2;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|z|[+-]\d{2}:\d{2})$/;

export interface LocalContactTime {
  /** Index into DAYS. */
  day: number;
  /** Index into TIME_SLOTS. */
  slot: number;
  timeMs: number;
}

/**
 * Day of week and time slot of an ISO 8601 timestamp in ITS OWN offset: "2025-03-03T18:30:00+02:00"
 * is a Monday evening for the lead who got it, whatever the UTC time. Undefined when not a valid
 * date-time with a zone.
 */
export function localContactTime(iso: string): LocalContactTime | undefined {
  const m = LOCAL_TIME.exec(iso);
  if (!m) return undefined;
  const [year, month, dayOfMonth, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const dateMs = Date.UTC(year, month - 1, dayOfMonth);
  if (new Date(dateMs).getUTCDate() !== dayOfMonth) return undefined;
  const timeMs = Date.parse(iso);
  if (!Number.isFinite(timeMs)) return undefined;
  // getUTCDay: 0 = Sunday; DAYS starts on Monday.
  return { day: (new Date(dateMs).getUTCDay() + 6) % 7, slot: slotOfHour(hour), timeMs };
}
