// JSON value model of the query engine: type ranks, Cosmos ORDER BY order, equality and the
// canonical keys used by DISTINCT and GROUP BY.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
/** A query value: any JSON value, or undefined (Cosmos's "no value"). */
export type Val = JsonValue | undefined;

export const T_UNDEFINED = 0;
export const T_NULL = 1;
export const T_BOOLEAN = 2;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_ARRAY = 5;
export const T_OBJECT = 6;

/** Rank of a value's type in Cosmos's cross-type order: undefined < null < boolean < number < string < array < object. */
export function typeRank(v: Val): number {
  switch (typeof v) {
    case 'undefined': return T_UNDEFINED;
    case 'boolean': return T_BOOLEAN;
    case 'number': return T_NUMBER;
    case 'string': return T_STRING;
    case 'object': return v === null ? T_NULL : Array.isArray(v) ? T_ARRAY : T_OBJECT;
    default: return T_UNDEFINED;
  }
}

export function isObject(v: Val): v is { [k: string]: JsonValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Total order used by ORDER BY (and exported for the server's sorted indexes): first by type
 * (undefined < null < false < true < numbers < strings < arrays < objects), then within the type.
 * Strings compare ordinally (UTF-16 code units). Cosmos orders arrays and objects by an internal
 * hash; the emulator instead orders arrays element by element (then by length) and objects by
 * their sorted property names and values, which is deterministic.
 */
export function compareValues(a: Val, b: Val): number {
  const ta = typeRank(a);
  const tb = typeRank(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case T_NUMBER:
    case T_STRING:
    case T_BOOLEAN:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case T_ARRAY: {
      const x = a as JsonValue[];
      const y = b as JsonValue[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
    }
    case T_OBJECT: {
      const x = a as Record<string, JsonValue>;
      const y = b as Record<string, JsonValue>;
      const kx = Object.keys(x).sort();
      const ky = Object.keys(y).sort();
      const n = Math.min(kx.length, ky.length);
      for (let i = 0; i < n; i++) {
        if (kx[i] !== ky[i]) return kx[i] < ky[i] ? -1 : 1;
        const c = compareValues(x[kx[i]], y[ky[i]]);
        if (c !== 0) return c;
      }
      return kx.length < ky.length ? -1 : kx.length > ky.length ? 1 : 0;
    }
    default:
      return 0; // undefined, null
  }
}

/** Structural equality of two JSON values (object property order does not matter). */
export function deepEqual(a: Val, b: Val): boolean {
  if (a === b) return true;
  const ta = typeRank(a);
  if (ta !== typeRank(b)) return false;
  if (ta === T_ARRAY) {
    const x = a as JsonValue[];
    const y = b as JsonValue[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  if (ta === T_OBJECT) {
    const x = a as Record<string, JsonValue>;
    const y = b as Record<string, JsonValue>;
    const kx = Object.keys(x);
    if (kx.length !== Object.keys(y).length) return false;
    for (const k of kx) {
      if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
      if (!deepEqual(x[k], y[k])) return false;
    }
    return true;
  }
  return false; // same primitive type but not ===
}

/** Cosmos `=`: undefined when either side is undefined or the types differ, otherwise a boolean. */
export function sqlEquals(a: Val, b: Val): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  const ta = typeRank(a);
  if (ta !== typeRank(b)) return undefined;
  if (ta < T_ARRAY) return a === b;
  return deepEqual(a, b);
}

/**
 * Cosmos relational comparison (<, <=, >, >=): the sign of the comparison when both values have
 * the same primitive type (null, boolean, number, string), otherwise undefined (mixed types,
 * undefined operands, arrays, objects).
 */
export function sqlCompare(a: Val, b: Val): number | undefined {
  const ta = typeRank(a);
  if (ta === T_UNDEFINED || ta >= T_ARRAY || ta !== typeRank(b)) return undefined;
  return compareValues(a, b);
}

/** Canonical string of a value (sorted object keys, typed), used for DISTINCT and GROUP BY keys. */
export function canonicalKey(v: Val): string {
  switch (typeof v) {
    case 'undefined': return 'u';
    case 'boolean': return v ? 't' : 'f';
    case 'number': return 'n' + (Object.is(v, -0) ? 0 : v);
    case 'string': return 's' + JSON.stringify(v);
    default:
      if (v === null) return 'z';
      if (Array.isArray(v)) return '[' + v.map(canonicalKey).join(',') + ']';
      return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + canonicalKey(v[k])).join(',') + '}';
  }
}

/** Converts a caller-supplied parameter value to a query value (JSON semantics: functions and symbols are dropped). */
export function toQueryValue(v: unknown): Val {
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint' || typeof v === 'function' || typeof v === 'symbol') return undefined;
  // Round-trip anything else through JSON so Dates, class instances and toJSON behave as on the wire.
  const text = JSON.stringify(v);
  return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
}
