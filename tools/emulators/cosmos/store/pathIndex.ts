// A secondary index on one property path of a container's documents: (value, document) ordered
// by the service's cross-type order (compareValues), ties by the document's _rid counter. It
// answers equality (a range [v, v]), IN (several), ranges and ORDER BY. Built on first use, then
// kept up to date by every write to the container. Documents without the property are counted
// only (a query whose WHERE does not exclude them cannot be served presorted from here).
import type { JsonValue } from '../query';
import { SortedList, compareKeys } from './sortedList';
import type { DocEntry } from './docEntry';

export { compareKeys };

export function valueAt(doc: Record<string, unknown>, path: readonly string[]): JsonValue | undefined {
  let v: unknown = doc;
  for (const segment of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[segment];
  }
  return v as JsonValue | undefined;
}

export class PathIndex {
  readonly sorted = new SortedList<DocEntry>();
  undefinedCount = 0;

  constructor(readonly path: readonly string[]) {}

  /** The indexed value of a document (undefined: not in the index). */
  protected keyOf(doc: Record<string, unknown>): JsonValue | undefined {
    return valueAt(doc, this.path);
  }

  /** Builds the index over `entries` at once (sort, then fill). */
  build(entries: Iterable<DocEntry>): void {
    const keyed: { k: JsonValue; s: number; item: DocEntry }[] = [];
    this.undefinedCount = 0;
    for (const e of entries) {
      const v = this.keyOf(e.doc);
      if (v === undefined) this.undefinedCount++;
      else keyed.push({ k: v, s: e.seq, item: e });
    }
    this.sorted.build(keyed);
  }

  add(e: DocEntry): void {
    const v = this.keyOf(e.doc);
    if (v === undefined) this.undefinedCount++;
    else this.sorted.insert(v, e.seq, e);
  }

  remove(e: DocEntry): void {
    const v = this.keyOf(e.doc);
    if (v === undefined) this.undefinedCount--;
    else this.sorted.delete(v, e.seq);
  }

  /** Distinct values, in index order (so IN lists are answered in order and without repeats). */
  private static distinct(values: readonly JsonValue[]): JsonValue[] {
    const sorted = [...values].sort(compareKeys);
    return sorted.filter((v, i) => i === 0 || compareKeys(sorted[i - 1], v) !== 0);
  }

  countEqual(values: readonly JsonValue[]): number {
    let n = 0;
    for (const v of PathIndex.distinct(values)) n += this.sorted.countRange(v, true, v, true);
    return n;
  }

  *equal(values: readonly JsonValue[], descending = false): Generator<DocEntry> {
    const distinct = PathIndex.distinct(values);
    if (descending) distinct.reverse();
    for (const v of distinct) yield* this.sorted.range(v, true, v, true, descending);
  }

  countRange(lower: JsonValue | undefined, lowerInclusive: boolean, upper: JsonValue | undefined, upperInclusive: boolean): number {
    return this.sorted.countRange(lower, lowerInclusive, upper, upperInclusive);
  }

  range(lower: JsonValue | undefined, lowerInclusive: boolean, upper: JsonValue | undefined, upperInclusive: boolean, descending: boolean): Generator<DocEntry> {
    return this.sorted.range(lower, lowerInclusive, upper, upperInclusive, descending);
  }
}

const numberView = new DataView(new ArrayBuffer(8));

/**
 * One component of a composite key as a string that sorts (by UTF-16 code units) like
 * compareValues orders the values: a type tag in the service's type order, then an
 * order-preserving body. Numbers: IEEE bits made unsigned-comparable, 16 hex digits; strings:
 * \0 escaped as \0\1 and terminated by \0\0 (so a prefix sorts first). `[]` (tag only) sorts
 * after every number and string: the open end of a range. Objects and non-empty arrays have no
 * encoding (undefined).
 */
export function encodeComponent(v: JsonValue): string | undefined {
  switch (typeof v) {
    case 'number': {
      numberView.setFloat64(0, v === 0 ? 0 : v); // -0 and 0 are equal
      let hi = numberView.getUint32(0);
      let lo = numberView.getUint32(4);
      if (hi & 0x80000000) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      } else hi = (hi | 0x80000000) >>> 0;
      return 'D' + hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
    }
    case 'string':
      return 'E' + (v.includes('\0') ? v.replace(/\0/g, '\0\u0001') : v) + '\0\0';
    case 'boolean':
      return v ? 'C' : 'B';
    default:
      if (v === null) return 'A';
      if (Array.isArray(v) && v.length === 0) return 'F';
      return undefined;
  }
}

/** The encoded key of a list of component values (undefined if one cannot be encoded). */
export function encodeComposite(values: readonly JsonValue[]): string | undefined {
  let key = '';
  for (const v of values) {
    const part = encodeComponent(v);
    if (part === undefined) return undefined;
    key += part;
  }
  return key;
}

/**
 * An index on several paths at once: the key encodes the array of their values so that one string
 * comparison orders keys like compareValues orders the arrays (element by element, a prefix first).
 * Equalities on the leading paths and a range on the last one are then one contiguous range, in
 * the last path's order. Documents lacking a path, or with an object or array there, are not in it
 * (no equality or range predicate of the engine can match those).
 */
export class CompositeIndex extends PathIndex {
  constructor(readonly paths: readonly (readonly string[])[]) {
    super(paths[paths.length - 1]);
  }

  protected override keyOf(doc: Record<string, unknown>): JsonValue | undefined {
    let key = '';
    for (const p of this.paths) {
      const v = valueAt(doc, p);
      if (v === undefined || (v !== null && typeof v === 'object')) return undefined;
      key += encodeComponent(v) as string;
    }
    return key;
  }
}
