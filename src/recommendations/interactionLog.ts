// The interactions a recommender learns from, in columns (typed arrays that grow): who, which
// item, when, what kind (view < cart < purchase) and in which basket or session. Ids are
// interned to dense indices, so everything downstream works on integers.

export const INTERACTION_KINDS = ['view', 'cart', 'purchase'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];
export const KIND_CODE: Readonly<Record<InteractionKind, number>> = { view: 0, cart: 1, purchase: 2 };

/** Strings ↔ dense indices 0…n-1, in first-seen order. */
export class IdIndex {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  get(id: string): number | undefined {
    return this.index.get(id);
  }

  get size(): number {
    return this.ids.length;
  }

  static from(ids: readonly string[]): IdIndex {
    const out = new IdIndex();
    for (const id of ids) out.intern(id);
    return out;
  }
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

export class InteractionLog {
  readonly users = new IdIndex();
  readonly items = new IdIndex();
  readonly baskets = new IdIndex();
  user = new Int32Array(1024);
  item = new Int32Array(1024);
  basket = new Int32Array(1024);
  time = new Float64Array(1024);
  kind = new Uint8Array(1024);
  length = 0;
  /** Latest segment (country) seen per user index. */
  readonly userSegment: (string | undefined)[] = [];
  /** Latest category seen per item index. */
  readonly itemCategory: (string | undefined)[] = [];
  minTime = Infinity;
  maxTime = -Infinity;

  add(userId: string, itemId: string, timeMs: number, kind: InteractionKind, basketKey: string, extra: { segment?: string; category?: string } = {}): void {
    const n = this.length + 1;
    this.user = grow(this.user, n);
    this.item = grow(this.item, n);
    this.basket = grow(this.basket, n);
    this.time = grow(this.time, n);
    this.kind = grow(this.kind, n);
    const u = this.users.intern(userId);
    const i = this.items.intern(itemId);
    const k = this.length;
    this.user[k] = u;
    this.item[k] = i;
    this.basket[k] = this.baskets.intern(basketKey);
    this.time[k] = timeMs;
    this.kind[k] = KIND_CODE[kind];
    this.length = n;
    if (extra.segment !== undefined) this.userSegment[u] = extra.segment;
    if (extra.category !== undefined) this.itemCategory[i] = extra.category;
    if (timeMs < this.minTime) this.minTime = timeMs;
    if (timeMs > this.maxTime) this.maxTime = timeMs;
  }
}
