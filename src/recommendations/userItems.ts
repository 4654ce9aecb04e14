// The user × item matrix, sparse (CSR by user, and its transpose by item): for each pair the
// decayed affinity (views < carts < purchases, halved every `halfLifeDays`), the number of
// distinct baskets it was bought in, and the first and last interaction times.
import type { InteractionLog } from './interactionLog';

export interface AffinityOptions {
  /** Weight of a view, a cart add and a purchase. Default 1, 3, 5. */
  kindWeights?: readonly [number, number, number];
  /** Days after which an interaction counts half. Default 30. */
  halfLifeDays?: number;
  /** The time affinities are decayed to; default the log's latest time. */
  nowMs?: number;
  /** Ignore interactions at or after this time (a training cut-off). */
  beforeMs?: number;
}

export interface UserItems {
  nUsers: number;
  nItems: number;
  nowMs: number;
  /** CSR by user: items of user u are items[userStart[u] … userStart[u+1]), ascending. */
  userStart: Int32Array;
  items: Int32Array;
  affinity: Float32Array;
  /** Distinct baskets the user bought the item in (0 if only viewed or carted). */
  purchases: Int32Array;
  lastMs: Float64Array;
  firstMs: Float64Array;
  /** CSR by item: users of item i are users[itemStart[i] … itemStart[i+1]), ascending. */
  itemStart: Int32Array;
  users: Int32Array;
}

export const DAY_MS = 86_400_000;

export function buildUserItems(log: InteractionLog, opts: AffinityOptions = {}): UserItems {
  const weights = opts.kindWeights ?? [1, 3, 5];
  const halfLife = (opts.halfLifeDays ?? 30) * DAY_MS;
  const nowMs = opts.nowMs ?? log.maxTime;
  const nUsers = log.users.size;
  const nItems = log.items.size;
  const n = log.length;
  const before = opts.beforeMs ?? Infinity;
  // Counting sort of the interactions by user.
  const count = new Int32Array(nUsers + 1);
  for (let k = 0; k < n; k++) count[log.user[k] + 1]++;
  for (let u = 0; u < nUsers; u++) count[u + 1] += count[u];
  const order = new Int32Array(n);
  const fill = count.slice(0, nUsers);
  for (let k = 0; k < n; k++) order[fill[log.user[k]]++] = k;

  const userStart = new Int32Array(nUsers + 1);
  const itemsOut: number[] = [];
  const affinity: number[] = [];
  const purchases: number[] = [];
  const lastMs: number[] = [];
  const firstMs: number[] = [];
  const slot = new Int32Array(nItems).fill(-1);
  const lastBasket = new Int32Array(nItems).fill(-1);
  const touched: number[] = [];
  for (let u = 0; u < nUsers; u++) {
    userStart[u] = itemsOut.length;
    touched.length = 0;
    const base = itemsOut.length;
    for (let p = count[u]; p < count[u + 1]; p++) {
      const k = order[p];
      if (log.time[k] >= before) continue;
      const i = log.item[k];
      let s = slot[i];
      if (s < 0) {
        s = slot[i] = touched.length;
        touched.push(i);
        itemsOut.push(i);
        affinity.push(0);
        purchases.push(0);
        lastMs.push(-Infinity);
        firstMs.push(Infinity);
      }
      const t = log.time[k];
      const kind = log.kind[k];
      affinity[base + s] += weights[kind] * Math.pow(2, -(nowMs - t) / halfLife);
      if (kind === 2 && lastBasket[i] !== log.basket[k]) {
        purchases[base + s]++;
        lastBasket[i] = log.basket[k];
      }
      if (t > lastMs[base + s]) lastMs[base + s] = t;
      if (t < firstMs[base + s]) firstMs[base + s] = t;
    }
    // Sort the user's slice by item index.
    const idx = touched.map((_, s) => s).sort((a, b) => touched[a] - touched[b]);
    const take = <T>(arr: T[]) => {
      const copy = idx.map((s) => arr[base + s]);
      for (let s = 0; s < copy.length; s++) arr[base + s] = copy[s];
    };
    take(itemsOut);
    take(affinity);
    take(purchases);
    take(lastMs);
    take(firstMs);
    for (const i of touched) {
      slot[i] = -1;
      lastBasket[i] = -1;
    }
  }
  userStart[nUsers] = itemsOut.length;

  // Transpose: users per item.
  const nnz = itemsOut.length;
  const itemStart = new Int32Array(nItems + 1);
  for (let p = 0; p < nnz; p++) itemStart[itemsOut[p] + 1]++;
  for (let i = 0; i < nItems; i++) itemStart[i + 1] += itemStart[i];
  const users = new Int32Array(nnz);
  const pos = itemStart.slice(0, nItems);
  for (let u = 0; u < nUsers; u++) for (let p = userStart[u]; p < userStart[u + 1]; p++) users[pos[itemsOut[p]]++] = u;

  return {
    nUsers, nItems, nowMs, userStart,
    items: Int32Array.from(itemsOut),
    affinity: Float32Array.from(affinity),
    purchases: Int32Array.from(purchases),
    lastMs: Float64Array.from(lastMs),
    firstMs: Float64Array.from(firstMs),
    itemStart, users,
  };
}
