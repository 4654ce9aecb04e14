// An ordered multiset of (key, seq) → item as a two-level B-tree: a sorted array of leaves of at
// most LEAF_MAX entries, each leaf held as parallel arrays (keys, seqs, items) and the leaves'
// last (key, seq) kept in two arrays of their own, so a search touches contiguous memory rather
// than chasing one object per comparison. Keys are ordered by the service's cross-type order
// (compareKeys), ties by `seq` (a number unique per item).
//
// Insert/delete: two binary searches (over the leaves' last keys, then within one leaf) and a
// shift of at most LEAF_MAX slots; leaves split when full and merge with a neighbour when small.
// Cursors iterate in either direction from any bound and survive concurrent modification: a
// cursor remembers the last (key, seq) it yielded and re-seeks after it when the list changed,
// so it neither repeats an entry nor skips one that was present all along.
import { compareValues, type JsonValue } from '../query';

const LEAF_MAX = 256;
const LEAF_MIN = 64;

/** compareValues, with fast paths for same-type strings and numbers. */
export function compareKeys(x: JsonValue | undefined, y: JsonValue | undefined): number {
  const tx = typeof x;
  if (tx === typeof y) {
    if (tx === 'string' || tx === 'number') return x! < y! ? -1 : x! > y! ? 1 : 0;
    // Composite keys: element by element, then by length (compareValues' array order).
    if (Array.isArray(x) && Array.isArray(y)) {
      const n = x.length < y.length ? x.length : y.length;
      for (let i = 0; i < n; i++) {
        const c = compareKeys(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
    }
  }
  return compareValues(x, y);
}

interface Leaf<T> {
  keys: JsonValue[];
  seqs: number[];
  items: T[];
}

/** Position: leaf index and offset inside it. */
interface Pos {
  li: number;
  i: number;
}

export class SortedList<T> {
  private leaves: Leaf<T>[] = [];
  private lastKeys: JsonValue[] = [];
  private lastSeqs: number[] = [];
  private count = 0;
  /** Bumped on every change; cursors re-seek when it moved. */
  version = 0;

  get size(): number {
    return this.count;
  }

  private static cmp(k1: JsonValue, s1: number, k2: JsonValue, s2: number): number {
    const c = compareKeys(k1, k2);
    return c !== 0 ? c : s1 - s2;
  }

  /** First position whose entry is >= (key, seq); seq may be ±Infinity. */
  private lowerBound(key: JsonValue, seq: number): Pos {
    let lo = 0;
    let hi = this.leaves.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (SortedList.cmp(this.lastKeys[mid], this.lastSeqs[mid], key, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.leaves.length) return { li: lo, i: 0 };
    const leaf = this.leaves[lo];
    let a = 0;
    let b = leaf.keys.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (SortedList.cmp(leaf.keys[mid], leaf.seqs[mid], key, seq) < 0) a = mid + 1;
      else b = mid;
    }
    return { li: lo, i: a };
  }

  private refreshLast(li: number): void {
    const leaf = this.leaves[li];
    const n = leaf.keys.length - 1;
    this.lastKeys[li] = leaf.keys[n];
    this.lastSeqs[li] = leaf.seqs[n];
  }

  insert(key: JsonValue, seq: number, item: T): void {
    this.version++;
    this.count++;
    if (this.leaves.length === 0) {
      this.leaves.push({ keys: [key], seqs: [seq], items: [item] });
      this.lastKeys.push(key);
      this.lastSeqs.push(seq);
      return;
    }
    let { li, i } = this.lowerBound(key, seq);
    if (li === this.leaves.length) {
      li--;
      i = this.leaves[li].keys.length;
    }
    const leaf = this.leaves[li];
    const { keys, seqs, items } = leaf;
    keys.push(key);
    seqs.push(seq);
    items.push(item);
    for (let j = keys.length - 1; j > i; j--) {
      keys[j] = keys[j - 1];
      seqs[j] = seqs[j - 1];
      items[j] = items[j - 1];
    }
    keys[i] = key;
    seqs[i] = seq;
    items[i] = item;
    if (keys.length > LEAF_MAX) {
      const half = LEAF_MAX >>> 1;
      const right: Leaf<T> = { keys: keys.splice(half), seqs: seqs.splice(half), items: items.splice(half) };
      this.leaves.splice(li + 1, 0, right);
      this.lastKeys.splice(li + 1, 0, undefined as never);
      this.lastSeqs.splice(li + 1, 0, 0);
      this.refreshLast(li + 1);
    }
    this.refreshLast(li);
  }

  /** Removes the entry (key, seq); returns whether it was there. */
  delete(key: JsonValue, seq: number): boolean {
    const { li, i } = this.lowerBound(key, seq);
    if (li >= this.leaves.length) return false;
    const leaf = this.leaves[li];
    const { keys, seqs, items } = leaf;
    if (i >= keys.length || seqs[i] !== seq || compareKeys(keys[i], key) !== 0) return false;
    for (let j = i; j < keys.length - 1; j++) {
      keys[j] = keys[j + 1];
      seqs[j] = seqs[j + 1];
      items[j] = items[j + 1];
    }
    keys.pop();
    seqs.pop();
    items.pop();
    this.version++;
    this.count--;
    if (keys.length === 0) {
      this.leaves.splice(li, 1);
      this.lastKeys.splice(li, 1);
      this.lastSeqs.splice(li, 1);
      return true;
    }
    this.refreshLast(li);
    if (keys.length < LEAF_MIN && this.leaves.length > 1) {
      const a = li + 1 < this.leaves.length ? li : li - 1;
      const left = this.leaves[a];
      const right = this.leaves[a + 1];
      if (left.keys.length + right.keys.length <= LEAF_MAX) {
        for (let j = 0; j < right.keys.length; j++) {
          left.keys.push(right.keys[j]);
          left.seqs.push(right.seqs[j]);
          left.items.push(right.items[j]);
        }
        this.leaves.splice(a + 1, 1);
        this.lastKeys.splice(a + 1, 1);
        this.lastSeqs.splice(a + 1, 1);
        this.refreshLast(a);
      }
    }
    return true;
  }

  /**
   * Replaces the contents with `entries` (any order): one sort, then full leaves. Much faster
   * than inserting one by one when an index is built or the state is restored.
   */
  build(entries: { k: JsonValue; s: number; item: T }[]): void {
    entries.sort((a, b) => SortedList.cmp(a.k, a.s, b.k, b.s));
    this.leaves = [];
    this.lastKeys = [];
    this.lastSeqs = [];
    const fill = (LEAF_MAX * 3) >>> 2;
    for (let start = 0; start < entries.length; start += fill) {
      const slice = entries.slice(start, start + fill);
      this.leaves.push({ keys: slice.map((e) => e.k), seqs: slice.map((e) => e.s), items: slice.map((e) => e.item) });
      this.lastKeys.push(slice[slice.length - 1].k);
      this.lastSeqs.push(slice[slice.length - 1].s);
    }
    this.count = entries.length;
    this.version++;
  }

  private rankOf(pos: Pos): number {
    let n = 0;
    for (let j = 0; j < pos.li && j < this.leaves.length; j++) n += this.leaves[j].keys.length;
    return n + pos.i;
  }

  /** Number of entries with lower ≤/< key ≤/< upper (undefined bound: open). */
  countRange(lower: JsonValue | undefined, lowerInclusive: boolean, upper: JsonValue | undefined, upperInclusive: boolean): number {
    const start = lower === undefined ? 0 : this.rankOf(this.lowerBound(lower, lowerInclusive ? -Infinity : Infinity));
    const end = upper === undefined ? this.count : this.rankOf(this.lowerBound(upper, upperInclusive ? Infinity : -Infinity));
    return Math.max(0, end - start);
  }

  /**
   * Items with lower ≤/< key ≤/< upper, ascending (or descending), read live: changes made while
   * iterating are seen past the cursor's position and never cause a repeat or a skip.
   */
  *range(
    lower: JsonValue | undefined,
    lowerInclusive: boolean,
    upper: JsonValue | undefined,
    upperInclusive: boolean,
    descending = false,
  ): Generator<T> {
    const lowSeq = lowerInclusive ? -Infinity : Infinity;
    const highSeq = upperInclusive ? Infinity : -Infinity;
    const belowLower = (k: JsonValue, s: number) => lower !== undefined && SortedList.cmp(k, s, lower, lowSeq) < 0;
    const aboveUpper = (k: JsonValue, s: number) => upper !== undefined && SortedList.cmp(k, s, upper, highSeq) >= 0;
    let version = this.version;
    let lastKey: JsonValue | undefined;
    let lastSeq = 0;
    let started = false;
    let pos: Pos;
    const first = (): Pos => {
      if (!descending) return lower === undefined ? { li: 0, i: 0 } : this.lowerBound(lower, lowSeq);
      const p = upper === undefined ? { li: this.leaves.length, i: 0 } : this.lowerBound(upper, highSeq);
      return this.before(p);
    };
    const resume = (): Pos => {
      if (!descending) return this.lowerBound(lastKey as JsonValue, lastSeq + 0.5);
      return this.before(this.lowerBound(lastKey as JsonValue, lastSeq));
    };
    pos = first();
    for (;;) {
      if (this.version !== version) {
        version = this.version;
        pos = started ? resume() : first();
      }
      if (pos.li < 0 || pos.li >= this.leaves.length) return;
      const leaf = this.leaves[pos.li];
      if (pos.i >= leaf.keys.length) {
        pos = { li: pos.li + 1, i: 0 };
        continue;
      }
      if (pos.i < 0) {
        pos = pos.li > 0 ? { li: pos.li - 1, i: this.leaves[pos.li - 1].keys.length - 1 } : { li: -1, i: 0 };
        continue;
      }
      const k = leaf.keys[pos.i];
      const s = leaf.seqs[pos.i];
      if (descending ? belowLower(k, s) : aboveUpper(k, s)) return;
      const item = leaf.items[pos.i];
      pos = { li: pos.li, i: descending ? pos.i - 1 : pos.i + 1 };
      lastKey = k;
      lastSeq = s;
      started = true;
      yield item;
    }
  }

  /** The position just before `p` (li -1 when there is none). */
  private before(p: Pos): Pos {
    if (p.i > 0) return { li: p.li, i: p.i - 1 };
    if (p.li > 0) return { li: p.li - 1, i: this.leaves[p.li - 1].keys.length - 1 };
    return { li: -1, i: 0 };
  }
}
