// An ordered multiset as a two-level B-tree: a sorted array of leaves, each a sorted array of at
// most LEAF_MAX entries. Insert/delete: binary search over the leaves' last entries, then within
// one leaf (O(log n) comparisons plus a memmove of at most LEAF_MAX slots); leaves split when full
// and merge with a neighbour when they shrink. Iteration is in order from any seek position and
// survives concurrent modification: a cursor remembers the last entry it yielded and re-seeks
// after it when the list's version changed, so it neither repeats nor skips untouched entries.

const LEAF_MAX = 512;
const LEAF_MIN = 128;

export type Compare<T> = (a: T, b: T) => number;

export class SortedList<T> {
  private leaves: T[][] = [];
  private count = 0;
  /** Bumped on every structural change; cursors re-seek when it moved. */
  version = 0;

  constructor(private readonly compare: Compare<T>) {}

  get size(): number {
    return this.count;
  }

  /** Index of the first leaf whose last entry is >= item (by `cmp`), or leaves.length. */
  private leafFor(probe: (x: T) => number): number {
    let lo = 0;
    let hi = this.leaves.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const leaf = this.leaves[mid];
      if (probe(leaf[leaf.length - 1]) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position in `leaf` whose entry is >= (probe >= 0). */
  private static lowerIn<T>(leaf: T[], probe: (x: T) => number): number {
    let lo = 0;
    let hi = leaf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (probe(leaf[mid]) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(item: T): void {
    this.version++;
    this.count++;
    if (this.leaves.length === 0) {
      this.leaves.push([item]);
      return;
    }
    const probe = (x: T) => this.compare(x, item);
    let li = this.leafFor(probe);
    if (li === this.leaves.length) li--;
    const leaf = this.leaves[li];
    leaf.splice(SortedList.lowerIn(leaf, probe), 0, item);
    if (leaf.length > LEAF_MAX) this.leaves.splice(li + 1, 0, leaf.splice(LEAF_MAX >>> 1));
  }

  /** Removes the entry equal (compare === 0) to `item`; returns whether one was found. */
  delete(item: T): boolean {
    const probe = (x: T) => this.compare(x, item);
    const li = this.leafFor(probe);
    if (li === this.leaves.length) return false;
    const leaf = this.leaves[li];
    const pos = SortedList.lowerIn(leaf, probe);
    if (pos >= leaf.length || this.compare(leaf[pos], item) !== 0) return false;
    leaf.splice(pos, 1);
    this.version++;
    this.count--;
    if (leaf.length === 0) this.leaves.splice(li, 1);
    else if (leaf.length < LEAF_MIN && this.leaves.length > 1) {
      const ni = li + 1 < this.leaves.length ? li + 1 : li - 1;
      const [a, b] = ni > li ? [li, ni] : [ni, li];
      if (this.leaves[a].length + this.leaves[b].length <= LEAF_MAX) {
        this.leaves[a] = this.leaves[a].concat(this.leaves[b]);
        this.leaves.splice(b, 1);
      }
    }
    return true;
  }

  /** Number of entries e with probe(e) < 0 (the rank of the probe's lower bound). */
  rank(probe: (x: T) => number): number {
    const li = this.leafFor(probe);
    let n = 0;
    for (let i = 0; i < li; i++) n += this.leaves[i].length;
    if (li < this.leaves.length) n += SortedList.lowerIn(this.leaves[li], probe);
    return n;
  }

  /**
   * Entries from the first with probe(e) >= 0 (from the start when `from` is omitted), ascending,
   * or descending from the last with probe(e) <= 0 when `descending`.
   */
  *iterate(options: { from?: (x: T) => number; descending?: boolean } = {}): Generator<T> {
    const descending = options.descending === true;
    let version = this.version;
    let li: number;
    let pos: number;
    let last: T | undefined;
    let started = false;
    const seekFirst = () => {
      if (!descending) {
        if (options.from) {
          li = this.leafFor(options.from);
          pos = li < this.leaves.length ? SortedList.lowerIn(this.leaves[li], options.from) : 0;
        } else {
          li = 0;
          pos = 0;
        }
      } else if (options.from) {
        // last entry with from(e) <= 0: position before the first entry with from(e) > 0
        const after = (x: T) => (options.from!(x) <= 0 ? -1 : 1);
        li = this.leafFor(after);
        if (li === this.leaves.length) {
          li = this.leaves.length - 1;
          pos = li >= 0 ? this.leaves[li].length - 1 : -1;
        } else {
          pos = SortedList.lowerIn(this.leaves[li], after) - 1;
        }
      } else {
        li = this.leaves.length - 1;
        pos = li >= 0 ? this.leaves[li].length - 1 : -1;
      }
    };
    const seekAfterLast = () => {
      const ref = last as T;
      if (!descending) {
        const after = (x: T) => (this.compare(x, ref) <= 0 ? -1 : 1);
        li = this.leafFor(after);
        pos = li < this.leaves.length ? SortedList.lowerIn(this.leaves[li], after) : 0;
      } else {
        const before = (x: T) => (this.compare(x, ref) < 0 ? -1 : 1);
        li = this.leafFor(before);
        if (li === this.leaves.length) {
          li = this.leaves.length - 1;
          pos = li >= 0 ? this.leaves[li].length - 1 : -1;
        } else pos = SortedList.lowerIn(this.leaves[li], before) - 1;
      }
    };
    seekFirst();
    for (;;) {
      if (this.version !== version) {
        version = this.version;
        if (started) seekAfterLast();
        else seekFirst();
      }
      let item: T;
      if (!descending) {
        if (li! >= this.leaves.length) return;
        const leaf = this.leaves[li!];
        if (pos! >= leaf.length) {
          li!++;
          pos = 0;
          continue;
        }
        item = leaf[pos!++];
      } else {
        if (li! < 0) return;
        if (pos! < 0) {
          li!--;
          pos = li! >= 0 ? this.leaves[li!].length - 1 : -1;
          continue;
        }
        item = this.leaves[li!][pos!--];
      }
      last = item;
      started = true;
      yield item;
    }
  }
}
