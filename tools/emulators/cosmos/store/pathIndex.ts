// A secondary index on one property path of a container's documents: a hash of primitive value →
// documents for equality, and an ordered list of (value, document) by the service's cross-type
// order (compareValues) for ranges and ORDER BY. Built on first use, then kept up to date by every
// write to the container. Documents without the property are only counted.
import { compareValues, type JsonValue } from '../query';
import { SortedList } from './sortedList';
import type { DocEntry } from './docEntry';

interface IndexEntry {
  v: JsonValue;
  e: DocEntry;
}

export function valueAt(doc: Record<string, unknown>, path: readonly string[]): JsonValue | undefined {
  let v: unknown = doc;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[segment];
  }
  return v as JsonValue | undefined;
}

/** Hash key of a primitive (objects and arrays are not hashed: equality on them uses the ordered list). */
export function primitiveKey(v: JsonValue | undefined): string | undefined {
  switch (typeof v) {
    case 'string':
      return 's' + v;
    case 'number':
      return 'n' + String(v);
    case 'boolean':
      return v ? 'T' : 'F';
    default:
      return v === null ? 'N' : undefined;
  }
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Ties are broken by partition key and id, so the order is the same after a restart. */
const compareEntries = (a: IndexEntry, b: IndexEntry) =>
  compareValues(a.v, b.v) || compareStrings(a.e.pk, b.e.pk) || compareStrings(a.e.id, b.e.id);

export class PathIndex {
  readonly hash = new Map<string, Set<DocEntry>>();
  readonly sorted = new SortedList<IndexEntry>(compareEntries);
  undefinedCount = 0;

  constructor(readonly path: readonly string[]) {}

  add(e: DocEntry): void {
    const v = valueAt(e.doc, this.path);
    if (v === undefined) {
      this.undefinedCount++;
      return;
    }
    this.sorted.insert({ v, e });
    const key = primitiveKey(v);
    if (key !== undefined) {
      let set = this.hash.get(key);
      if (!set) this.hash.set(key, (set = new Set()));
      set.add(e);
    }
  }

  remove(e: DocEntry): void {
    const v = valueAt(e.doc, this.path);
    if (v === undefined) {
      this.undefinedCount--;
      return;
    }
    this.sorted.delete({ v, e });
    const key = primitiveKey(v);
    if (key !== undefined) {
      const set = this.hash.get(key);
      if (set) {
        set.delete(e);
        if (set.size === 0) this.hash.delete(key);
      }
    }
  }

  /** Documents whose value equals one of `values` (primitives via the hash, others via the list). */
  countEqual(values: readonly JsonValue[]): number {
    let n = 0;
    for (const v of values) {
      const key = primitiveKey(v);
      if (key !== undefined) n += this.hash.get(key)?.size ?? 0;
      else n += this.countRange(v, true, v, true);
    }
    return n;
  }

  *equal(values: readonly JsonValue[]): Generator<DocEntry> {
    // Distinct values only, so a document is never produced twice.
    const seen = new Set<string>();
    for (const v of values) {
      const key = primitiveKey(v);
      if (key !== undefined) {
        if (seen.has(key)) continue;
        seen.add(key);
        const set = this.hash.get(key);
        if (set) yield* set;
      } else {
        const canonical = 'o' + JSON.stringify(v);
        if (seen.has(canonical)) continue;
        seen.add(canonical);
        for (const entry of this.range(v, true, v, true, false)) yield entry;
      }
    }
  }

  private lowerProbe(lower: JsonValue | undefined, inclusive: boolean): ((x: IndexEntry) => number) | undefined {
    if (lower === undefined) return undefined;
    return (x) => {
      const c = compareValues(x.v, lower);
      return c !== 0 ? c : inclusive ? 0 : -1;
    };
  }

  countRange(lower: JsonValue | undefined, lowerInclusive: boolean, upper: JsonValue | undefined, upperInclusive: boolean): number {
    const lo = this.lowerProbe(lower, lowerInclusive);
    const start = lo ? this.sorted.rank(lo) : 0;
    const end =
      upper === undefined
        ? this.sorted.size
        : this.sorted.rank((x) => {
            const c = compareValues(x.v, upper);
            return c !== 0 ? c : upperInclusive ? -1 : 0;
          });
    return Math.max(0, end - start);
  }

  /** Entries with lower ≤/< value ≤/< upper, in index order (descending reverses it). */
  *range(
    lower: JsonValue | undefined,
    lowerInclusive: boolean,
    upper: JsonValue | undefined,
    upperInclusive: boolean,
    descending: boolean,
  ): Generator<DocEntry> {
    const aboveUpper = (v: JsonValue) => {
      if (upper === undefined) return false;
      const c = compareValues(v, upper);
      return upperInclusive ? c > 0 : c >= 0;
    };
    const belowLower = (v: JsonValue) => {
      if (lower === undefined) return false;
      const c = compareValues(v, lower);
      return lowerInclusive ? c < 0 : c <= 0;
    };
    if (!descending) {
      for (const x of this.sorted.iterate({ from: this.lowerProbe(lower, lowerInclusive) })) {
        if (aboveUpper(x.v)) return;
        yield x.e;
      }
    } else {
      const from =
        upper === undefined
          ? undefined
          : (x: IndexEntry) => {
              const c = compareValues(x.v, upper);
              return c !== 0 ? c : upperInclusive ? 0 : 1;
            };
      for (const x of this.sorted.iterate({ from, descending: true })) {
        if (belowLower(x.v)) return;
        yield x.e;
      }
    }
  }
}
