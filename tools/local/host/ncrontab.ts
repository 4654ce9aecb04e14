// NCRONTAB schedules as the Functions timer trigger reads them: `{second} {minute} {hour} {day} {month} {day-of-week}`
// (a five-field expression has no seconds). Times are UTC.

const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 6 },
] as const;

const NAMES: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
};

export interface Schedule {
  expression: string;
  /** Allowed values per field, in the order of FIELDS. */
  sets: Set<number>[];
  /** Whether day and day-of-week were both restricted (then either may match, as in cron). */
  dayOrWeekday: boolean;
}

function parseValue(text: string, field: (typeof FIELDS)[number], expression: string): number {
  const lower = text.toLowerCase();
  const value = NAMES[lower] ?? Number(text);
  const v = field.name === 'day-of-week' && value === 7 ? 0 : value;
  if (!Number.isInteger(v) || v < field.min || v > field.max) {
    throw new Error(`Schedule "${expression}": ${field.name} value "${text}" is outside ${field.min}-${field.max}`);
  }
  return v;
}

function parseField(text: string, field: (typeof FIELDS)[number], expression: string): Set<number> {
  const set = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`Schedule "${expression}": bad step "${stepText}" in ${field.name}`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [field.min, field.max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [lo, hi] = [parseValue(a, field, expression), parseValue(b, field, expression)];
    } else {
      lo = parseValue(range, field, expression);
      hi = stepText === undefined ? lo : field.max;
    }
    if (lo > hi) throw new Error(`Schedule "${expression}": range "${range}" in ${field.name} is backwards`);
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return set;
}

export function parseSchedule(expression: string): Schedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6 && parts.length !== 5) {
    throw new Error(`Schedule "${expression}": expected 6 fields (second minute hour day month day-of-week)`);
  }
  const fields = parts.length === 5 ? ['0', ...parts] : parts;
  const sets = fields.map((f, i) => parseField(f, FIELDS[i], expression));
  return { expression, sets, dayOrWeekday: fields[3] !== '*' && fields[5] !== '*' };
}

function dayMatches(s: Schedule, d: Date): boolean {
  const day = s.sets[3].has(d.getUTCDate());
  const weekday = s.sets[5].has(d.getUTCDay());
  return s.dayOrWeekday ? day || weekday : day && weekday;
}

/** The first time strictly after `after` that the schedule fires. */
export function nextOccurrence(s: Schedule, after: Date): Date {
  const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
  const limit = after.getTime() + 5 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!s.sets[4].has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    if (!dayMatches(s, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    if (!s.sets[2].has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
      continue;
    }
    if (!s.sets[1].has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
      continue;
    }
    if (!s.sets[0].has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
      continue;
    }
    return t;
  }
  throw new Error(`Schedule "${s.expression}" never fires`);
}
