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

/**
 * An index on several paths at once: the key is the array of their values (compared element by
 * element), so equalities on the leading paths and a range on the last one are one contiguous
 * range, in the last path's order. Documents lacking any of the paths are not in it.
 */
export class CompositeIndex extends PathIndex {
  constructor(readonly paths: readonly (readonly string[])[]) {
    super(paths[paths.length - 1]);
  }

  protected override keyOf(doc: Record<string, unknown>): JsonValue | undefined {
    const key: JsonValue[] = [];
    for (const p of this.paths) {
      const v = valueAt(doc, p);
      if (v === undefined) return undefined;
      key.push(v);
    }
    return key;
  }
}
