// Built-in scalar functions. Like the service, a function given arguments of the wrong type
// returns undefined rather than failing; non-finite numeric results are undefined too.
import { type JsonValue, type Val, canonicalKey, deepEqual, isObject, T_ARRAY, T_BOOLEAN, T_NULL, T_NUMBER, T_OBJECT, T_STRING, typeRank } from './values';

export interface BuiltIn {
  min: number;
  max: number;
  fn: (args: Val[]) => Val;
  /** False for functions whose result depends on the time of the call. */
  pure?: boolean;
}

const num = (v: Val): v is number => typeof v === 'number';
const str = (v: Val): v is string => typeof v === 'string';
const finite = (v: number): Val => (Number.isFinite(v) ? v : undefined);
const isInt = (v: Val): v is number => typeof v === 'number' && Number.isInteger(v);

function math1(f: (x: number) => number): BuiltIn {
  return { min: 1, max: 1, fn: ([x]) => (num(x) ? finite(f(x)) : undefined) };
}
function test1(f: (x: Val) => boolean): BuiltIn {
  return { min: 1, max: 1, fn: ([x]) => f(x) };
}
/** String predicate with an optional boolean ignore-case third argument. */
function strPred(f: (s: string, t: string) => boolean): BuiltIn {
  return {
    min: 2,
    max: 3,
    fn: ([s, t, ic]) => {
      if (!str(s) || !str(t)) return undefined;
      if (ic !== undefined && typeof ic !== 'boolean') return undefined;
      return ic === true ? f(s.toLowerCase(), t.toLowerCase()) : f(s, t);
    },
  };
}

/** Cosmos ROUND rounds half away from zero. */
function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function toStringValue(v: Val): Val {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function parseJsonOf(v: Val, rank: number): Val {
  if (!str(v)) return undefined;
  try {
    const parsed = JSON.parse(v.trim()) as JsonValue;
    return typeRank(parsed) === rank ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function containsPartial(item: Val, probe: Val): boolean {
  // ARRAY_CONTAINS partial match: an object element matches when it contains every property of the probe object.
  if (!isObject(item) || !isObject(probe)) return deepEqual(item, probe);
  for (const k of Object.keys(probe)) {
    if (!Object.prototype.hasOwnProperty.call(item, k) || !deepEqual(item[k], probe[k])) return false;
  }
  return true;
}

function sliceArgs(length: number, start: number, count: number | undefined): [number, number] {
  let s = start < 0 ? Math.max(0, length + start) : Math.min(start, length);
  s = Math.trunc(s);
  const e = count === undefined ? length : Math.max(s, Math.min(length, s + Math.trunc(count)));
  return [s, e];
}

function pad2(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Cosmos date-time string: `YYYY-MM-DDThh:mm:ss.fffffffZ` (seven fractional digits). */
export function cosmosDateTime(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCFullYear(), 4)}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad2(d.getUTCMilliseconds(), 3)}0000Z`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?Z$/;

/** A Cosmos ISO 8601 UTC date-time string as [milliseconds since the epoch, extra 100 ns ticks (0-9999)]. */
function parseDateTime(v: Val): [number, number] | undefined {
  if (!str(v)) return undefined;
  const m = DATE_TIME.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(ms).getUTCDate() !== d) return undefined;
  const frac = (m[7] ?? '').padEnd(7, '0');
  return [ms + Number(frac.slice(0, 3)), Number(frac.slice(3))];
}

function formatDateTime(ms: number, ticks: number): Val {
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) return undefined;
  return `${pad2(y, 4)}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${pad2(d.getUTCMilliseconds(), 3)}${pad2(ticks, 4)}Z`;
}

const DATE_PARTS: Record<string, string> = {
  year: 'year', yyyy: 'year', yy: 'year', month: 'month', mm: 'month', m: 'month', day: 'day', dd: 'day', d: 'day',
  hour: 'hour', hh: 'hour', minute: 'minute', mi: 'minute', n: 'minute', second: 'second', ss: 'second', s: 'second',
  millisecond: 'millisecond', ms: 'millisecond', microsecond: 'microsecond', mcs: 'microsecond', nanosecond: 'nanosecond', ns: 'nanosecond',
};

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const target = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, target + 1, 0)).getUTCDate();
  return Date.UTC(y, target, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

function dateTimeAdd(partArg: Val, nArg: Val, dt: Val): Val {
  const part = str(partArg) ? DATE_PARTS[partArg.toLowerCase()] : undefined;
  const parsed = parseDateTime(dt);
  if (!part || !parsed || !isInt(nArg)) return undefined;
  let [ms, ticks] = parsed;
  const n = nArg;
  switch (part) {
    case 'year': ms = addMonths(ms, 12 * n); break;
    case 'month': ms = addMonths(ms, n); break;
    case 'day': ms += n * 86_400_000; break;
    case 'hour': ms += n * 3_600_000; break;
    case 'minute': ms += n * 60_000; break;
    case 'second': ms += n * 1000; break;
    case 'millisecond': ms += n; break;
    default: {
      const total = ticks + (part === 'microsecond' ? n * 10 : Math.trunc(n / 100));
      ms += Math.floor(total / 10_000);
      ticks = ((total % 10_000) + 10_000) % 10_000;
    }
  }
  return formatDateTime(ms, ticks);
}

function dateTimePart(partArg: Val, dt: Val): Val {
  const part = str(partArg) ? DATE_PARTS[partArg.toLowerCase()] : undefined;
  const parsed = parseDateTime(dt);
  if (!part || !parsed) return undefined;
  const d = new Date(parsed[0]);
  switch (part) {
    case 'year': return d.getUTCFullYear();
    case 'month': return d.getUTCMonth() + 1;
    case 'day': return d.getUTCDate();
    case 'hour': return d.getUTCHours();
    case 'minute': return d.getUTCMinutes();
    case 'second': return d.getUTCSeconds();
    case 'millisecond': return d.getUTCMilliseconds();
    case 'microsecond': return d.getUTCMilliseconds() * 1000 + Math.trunc(parsed[1] / 10);
    default: return (d.getUTCMilliseconds() * 10_000 + parsed[1]) * 100;
  }
}

export const BUILTINS: Record<string, BuiltIn> = {
  // Type checking
  IS_DEFINED: test1((x) => x !== undefined),
  IS_NULL: test1((x) => x === null),
  IS_BOOL: test1((x) => typeof x === 'boolean'),
  IS_NUMBER: test1((x) => typeof x === 'number'),
  IS_STRING: test1((x) => typeof x === 'string'),
  IS_ARRAY: test1((x) => Array.isArray(x)),
  IS_OBJECT: test1((x) => isObject(x)),
  IS_PRIMITIVE: test1((x) => { const t = typeRank(x); return t === T_NULL || t === T_BOOLEAN || t === T_NUMBER || t === T_STRING; }),
  IS_FINITE_NUMBER: test1((x) => typeof x === 'number' && Number.isFinite(x)),
  IS_INTEGER: test1((x) => isInt(x)),

  // Arrays
  ARRAY_CONTAINS: {
    min: 2,
    max: 3,
    fn: ([arr, item, partial]) => {
      if (!Array.isArray(arr)) return undefined;
      if (partial !== undefined && typeof partial !== 'boolean') return undefined;
      if (partial === true) return arr.some((e) => containsPartial(e, item));
      return arr.some((e) => deepEqual(e, item));
    },
  },
  ARRAY_LENGTH: { min: 1, max: 1, fn: ([a]) => (Array.isArray(a) ? a.length : undefined) },
  ARRAY_SLICE: {
    min: 2,
    max: 3,
    fn: ([a, start, count]) => {
      if (!Array.isArray(a) || !num(start) || (count !== undefined && !num(count))) return undefined;
      const [s, e] = sliceArgs(a.length, start, count);
      return a.slice(s, e);
    },
  },
  ARRAY_CONCAT: {
    min: 2,
    max: Infinity,
    fn: (args) => {
      const out: JsonValue[] = [];
      for (const a of args) {
        if (!Array.isArray(a)) return undefined;
        out.push(...a);
      }
      return out;
    },
  },
  ARRAY_CONTAINS_ANY: {
    min: 2,
    max: Infinity,
    fn: ([a, ...items]) => (Array.isArray(a) ? items.some((i) => a.some((e) => deepEqual(e, i))) : undefined),
  },
  ARRAY_CONTAINS_ALL: {
    min: 2,
    max: Infinity,
    fn: ([a, ...items]) => (Array.isArray(a) ? items.every((i) => a.some((e) => deepEqual(e, i))) : undefined),
  },
  SetIntersect: {
    min: 2,
    max: 2,
    fn: ([a, b]) => {
      if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
      const inB = new Set(b.map(canonicalKey));
      const seen = new Set<string>();
      return a.filter((e) => { const k = canonicalKey(e); if (!inB.has(k) || seen.has(k)) return false; seen.add(k); return true; });
    },
  },
  SetUnion: {
    min: 2,
    max: 2,
    fn: ([a, b]) => {
      if (!Array.isArray(a) || !Array.isArray(b)) return undefined;
      const seen = new Set<string>();
      return [...a, ...b].filter((e) => { const k = canonicalKey(e); if (seen.has(k)) return false; seen.add(k); return true; });
    },
  },

  // Strings
  CONTAINS: strPred((s, t) => s.includes(t)),
  STARTSWITH: strPred((s, t) => s.startsWith(t)),
  ENDSWITH: strPred((s, t) => s.endsWith(t)),
  STRINGEQUALS: strPred((s, t) => s === t),
  LOWER: { min: 1, max: 1, fn: ([s]) => (str(s) ? s.toLowerCase() : undefined) },
  UPPER: { min: 1, max: 1, fn: ([s]) => (str(s) ? s.toUpperCase() : undefined) },
  LENGTH: { min: 1, max: 1, fn: ([s]) => (str(s) ? s.length : undefined) },
  SUBSTRING: {
    min: 3,
    max: 3,
    fn: ([s, start, len]) => {
      if (!str(s) || !num(start) || !num(len)) return undefined;
      const b = Math.max(0, Math.trunc(start));
      const l = Math.max(0, Math.trunc(len));
      return s.substring(b, b + l);
    },
  },
  CONCAT: {
    min: 2,
    max: Infinity,
    fn: (args) => {
      let out = '';
      for (const a of args) {
        if (!str(a)) return undefined;
        out += a;
      }
      return out;
    },
  },
  INDEX_OF: {
    min: 2,
    max: 3,
    fn: ([s, t, start]) => {
      if (!str(s) || !str(t) || (start !== undefined && !num(start))) return undefined;
      return s.indexOf(t, start === undefined ? 0 : Math.max(0, Math.trunc(start)));
    },
  },
  LEFT: { min: 2, max: 2, fn: ([s, n]) => (str(s) && num(n) ? s.substring(0, Math.max(0, Math.trunc(n))) : undefined) },
  RIGHT: { min: 2, max: 2, fn: ([s, n]) => (str(s) && num(n) ? (n <= 0 ? '' : s.substring(Math.max(0, s.length - Math.trunc(n)))) : undefined) },
  LTRIM: { min: 1, max: 1, fn: ([s]) => (str(s) ? s.trimStart() : undefined) },
  RTRIM: { min: 1, max: 1, fn: ([s]) => (str(s) ? s.trimEnd() : undefined) },
  TRIM: { min: 1, max: 1, fn: ([s]) => (str(s) ? s.trim() : undefined) },
  REPLACE: { min: 3, max: 3, fn: ([s, a, b]) => (str(s) && str(a) && str(b) ? (a === '' ? s : s.split(a).join(b)) : undefined) },
  REPLICATE: {
    min: 2,
    max: 2,
    fn: ([s, n]) => (str(s) && num(n) && n >= 0 && s.length * Math.trunc(n) <= 10000 ? s.repeat(Math.trunc(n)) : undefined),
  },
  REVERSE: { min: 1, max: 1, fn: ([s]) => (str(s) ? Array.from(s).reverse().join('') : undefined) },
  TOSTRING: { min: 1, max: 1, fn: ([v]) => toStringValue(v) },
  STRINGTONUMBER: {
    min: 1,
    max: 1,
    fn: ([s]) => {
      const v = parseJsonOf(s, T_NUMBER);
      return v;
    },
  },
  STRINGTOBOOLEAN: { min: 1, max: 1, fn: ([s]) => parseJsonOf(s, T_BOOLEAN) },
  STRINGTONULL: { min: 1, max: 1, fn: ([s]) => parseJsonOf(s, T_NULL) },
  STRINGTOARRAY: { min: 1, max: 1, fn: ([s]) => parseJsonOf(s, T_ARRAY) },
  STRINGTOOBJECT: { min: 1, max: 1, fn: ([s]) => parseJsonOf(s, T_OBJECT) },

  // Math
  ABS: math1(Math.abs),
  CEILING: math1(Math.ceil),
  FLOOR: math1(Math.floor),
  ROUND: math1(roundHalfAway),
  TRUNC: math1(Math.trunc),
  SQRT: math1(Math.sqrt),
  SQUARE: math1((x) => x * x),
  EXP: math1(Math.exp),
  LOG10: math1(Math.log10),
  SIGN: math1(Math.sign),
  SIN: math1(Math.sin),
  COS: math1(Math.cos),
  TAN: math1(Math.tan),
  COT: math1((x) => 1 / Math.tan(x)),
  ASIN: math1(Math.asin),
  ACOS: math1(Math.acos),
  ATAN: math1(Math.atan),
  DEGREES: math1((x) => (x * 180) / Math.PI),
  RADIANS: math1((x) => (x * Math.PI) / 180),
  PI: { min: 0, max: 0, fn: () => Math.PI },
  POWER: { min: 2, max: 2, fn: ([x, y]) => (num(x) && num(y) ? finite(Math.pow(x, y)) : undefined) },
  ATN2: { min: 2, max: 2, fn: ([y, x]) => (num(y) && num(x) ? finite(Math.atan2(x, y)) : undefined) },
  LOG: {
    min: 1,
    max: 2,
    fn: ([x, b]) => {
      if (!num(x) || (b !== undefined && !num(b))) return undefined;
      return finite(b === undefined ? Math.log(x) : Math.log(x) / Math.log(b));
    },
  },

  // Date and time (the values are fixed when the query is compiled, as the service fixes them per query)
  DATETIMEADD: { min: 3, max: 3, fn: ([p, n, dt]) => dateTimeAdd(p, n, dt) },
  DATETIMEPART: { min: 2, max: 2, fn: ([p, dt]) => dateTimePart(p, dt) },
  DATETIMETOTIMESTAMP: { min: 1, max: 1, fn: ([dt]) => parseDateTime(dt)?.[0] },
  TIMESTAMPTODATETIME: { min: 1, max: 1, fn: ([ms]) => (num(ms) ? formatDateTime(Math.trunc(ms), 0) : undefined) },
  GETCURRENTDATETIME: { min: 0, max: 0, fn: () => cosmosDateTime(Date.now()), pure: false },
  GETCURRENTTIMESTAMP: { min: 0, max: 0, fn: () => Date.now(), pure: false },
  GETCURRENTTICKS: { min: 0, max: 0, fn: () => Date.now() * 10000 + 621355968000000000, pure: false },
};

// Case-insensitive lookup.
const BY_UPPER = new Map<string, BuiltIn>(Object.entries(BUILTINS).map(([k, v]) => [k.toUpperCase(), v]));

export function lookupBuiltIn(name: string): BuiltIn | undefined {
  return BY_UPPER.get(name.toUpperCase());
}

export const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);

export function isAggregateName(name: string): boolean {
  return AGGREGATES.has(name.toUpperCase());
}
