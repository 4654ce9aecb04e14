// The documents of one container, in memory: logical partitions (pk → id → entry) for point
// reads and partition-scoped queries, an LSN-ordered list for the change feed, lazily built
// property indexes, and a heap of expiry times for TTL.
import { SortedList } from './sortedList';
import { CompositeIndex, PathIndex, valueAt } from './pathIndex';
import type { DocEntry } from './docEntry';

export type ContainerMeta = Record<string, unknown> & { id: string; _rid: string };

/** "/a/b" → ["a", "b"] (quoted segments like /"a b" are unquoted). */
export function splitPath(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1) : s));
}

class ExpiryHeap {
  private items: { at: number; e: DocEntry }[] = [];
  get size(): number {
    return this.items.length;
  }
  push(at: number, e: DocEntry): void {
    const a = this.items;
    a.push({ at, e });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].at <= a[i].at) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  peek(): { at: number; e: DocEntry } | undefined {
    return this.items[0];
  }
  pop(): void {
    const a = this.items;
    const last = a.pop();
    if (a.length === 0 || !last) return;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && a[l].at < a[m].at) m = l;
      if (r < a.length && a[r].at < a[m].at) m = r;
      if (m === i) break;
      [a[m], a[i]] = [a[i], a[m]];
      i = m;
    }
  }
  clear(): void {
    this.items = [];
  }
}

export class ContainerStore {
  readonly partitions = new Map<string, Map<string, DocEntry>>();
  /** Documents by the LSN of their last write: the change feed. */
  readonly byLsn = new SortedList<DocEntry>();
  readonly indexes = new Map<string, PathIndex>();
  private readonly expiries = new ExpiryHeap();
  count = 0;
  /** Last LSN handed out; survives restarts (journal and snapshot carry it). */
  lsn = 0;
  /** Counter behind document _rids. */
  ridCounter = 0;
  /** Bumped by every change; query cursors compare it. */
  version = 0;
  pkPaths: string[][] = [];

  constructor(public meta: ContainerMeta, public readonly dbId: string) {
    this.setMeta(meta);
  }

  get rid(): string {
    return this.meta._rid;
  }

  setMeta(meta: ContainerMeta): void {
    const oldTtl = this.meta?.defaultTtl;
    this.meta = meta;
    const pk = meta.partitionKey as { paths?: string[] } | undefined;
    this.pkPaths = (pk?.paths ?? []).map(splitPath);
    if (oldTtl !== meta.defaultTtl && this.count > 0) this.recomputeExpiries();
  }

  /** The TTL settings as the service applies them: item ttl only counts when the container has one. */
  expiryOf(doc: Record<string, unknown>, tsMs: number): number | undefined {
    const defaultTtl = this.meta.defaultTtl;
    if (typeof defaultTtl !== 'number') return undefined;
    const itemTtl = doc.ttl;
    const ttl = typeof itemTtl === 'number' && Number.isInteger(itemTtl) && (itemTtl > 0 || itemTtl === -1) ? itemTtl : defaultTtl;
    if (ttl === -1 || ttl <= 0) return undefined;
    return tsMs + ttl * 1000;
  }

  private recomputeExpiries(): void {
    this.expiries.clear();
    for (const partition of this.partitions.values()) {
      for (const e of partition.values()) {
        e.expiresAt = this.expiryOf(e.doc, e.tsMs);
        if (e.expiresAt !== undefined) this.expiries.push(e.expiresAt, e);
      }
    }
  }

  /** Partition key of a document as the JSON of its component array ({} for a missing one). */
  partitionKeyOf(doc: Record<string, unknown>): string {
    return JSON.stringify(
      this.pkPaths.map((p) => {
        const v = valueAt(doc, p);
        return v === undefined ? {} : v;
      }),
    );
  }

  static isLive(e: DocEntry, now: number): boolean {
    return e.expiresAt === undefined || e.expiresAt > now;
  }

  /** The live (unexpired) entry, if any. */
  get(pk: string, id: string, now = Date.now()): DocEntry | undefined {
    const e = this.partitions.get(pk)?.get(id);
    return e && ContainerStore.isLive(e, now) ? e : undefined;
  }

  /** Stores `e`, replacing the entry with the same partition key and id (even an expired one). */
  put(e: DocEntry): void {
    let partition = this.partitions.get(e.pk);
    if (!partition) this.partitions.set(e.pk, (partition = new Map()));
    const old = partition.get(e.id);
    if (old) this.unlink(old);
    else this.count++;
    partition.set(e.id, e);
    if (!this.restoring) this.byLsn.insert(e.lsn, 0, e);
    for (const index of this.indexes.values()) index.add(e);
    if (e.expiresAt !== undefined) this.expiries.push(e.expiresAt, e);
    if (e.lsn > this.lsn) this.lsn = e.lsn;
    this.version++;
  }

  remove(pk: string, id: string): DocEntry | undefined {
    const partition = this.partitions.get(pk);
    const old = partition?.get(id);
    if (!partition || !old) return undefined;
    partition.delete(id);
    if (partition.size === 0) this.partitions.delete(pk);
    this.unlink(old);
    this.count--;
    this.version++;
    return old;
  }

  private unlink(old: DocEntry): void {
    if (!this.restoring) this.byLsn.delete(old.lsn, 0);
    for (const index of this.indexes.values()) index.remove(old);
  }

  /** Removes expired documents (at most `budget`); returns how many. */
  purgeExpired(now: number, budget = 10_000): number {
    let purged = 0;
    for (let top = this.expiries.peek(); top && top.at <= now && purged < budget; top = this.expiries.peek()) {
      this.expiries.pop();
      const current = this.partitions.get(top.e.pk)?.get(top.e.id);
      // Stale heap entries (rewritten or deleted documents) are skipped.
      if (current === top.e && current.expiresAt !== undefined && current.expiresAt <= now) {
        this.remove(current.pk, current.id);
        purged++;
      }
    }
    return purged;
  }

  /** The index on `path`, built now if this is the first query to need it. */
  index(path: readonly string[]): PathIndex {
    const key = JSON.stringify(path);
    let index = this.indexes.get(key);
    if (!index) {
      index = new PathIndex(path);
      index.build(this.allEntries());
      this.indexes.set(key, index);
    }
    return index;
  }

  /** Every stored entry, expired or not. */
  *allEntries(): Generator<DocEntry> {
    for (const partition of this.partitions.values()) yield* partition.values();
  }

  /**
   * While restoring, the LSN order is not maintained write by write (the snapshot is not in LSN
   * order); endRestore() builds it once.
   */
  restoring = false;

  endRestore(): void {
    if (!this.restoring) return;
    this.restoring = false;
    const entries: { k: number; s: number; item: DocEntry }[] = [];
    for (const e of this.allEntries()) entries.push({ k: e.lsn, s: 0, item: e });
    this.byLsn.build(entries);
  }

  /** The composite index on `paths` (built now if new); undefined once MAX_COMPOSITES exist. */
  compositeIndex(paths: readonly (readonly string[])[]): CompositeIndex | undefined {
    const key = 'composite:' + JSON.stringify(paths);
    let index = this.indexes.get(key) as CompositeIndex | undefined;
    if (!index) {
      if (this.compositeCount >= ContainerStore.MAX_COMPOSITES) return undefined;
      index = new CompositeIndex(paths);
      index.build(this.allEntries());
      this.indexes.set(key, index);
      this.compositeCount++;
    }
    return index;
  }

  private compositeCount = 0;
  static MAX_COMPOSITES = 8;

  hasIndex(path: readonly string[]): boolean {
    return this.indexes.has(JSON.stringify(path));
  }

  /** All entries (or one partition's), unexpired, in storage order. */
  *scan(pk?: string): Generator<DocEntry> {
    const now = Date.now();
    if (pk !== undefined) {
      const partition = this.partitions.get(pk);
      if (!partition) return;
      for (const e of partition.values()) if (ContainerStore.isLive(e, now)) yield e;
      return;
    }
    for (const partition of this.partitions.values()) {
      for (const e of partition.values()) if (ContainerStore.isLive(e, now)) yield e;
    }
  }

  partitionSize(pk: string): number {
    return this.partitions.get(pk)?.size ?? 0;
  }
}
