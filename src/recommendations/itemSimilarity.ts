// Item-to-item similarity from co-occurrence, kept sparse: for each item only its top-k
// neighbours, computed item by item with one scratch row (memory O(items + k·items), time
// Σ over groups of size², never a dense item × item matrix). A group is what co-occurrence is
// counted in: a user's history (SAR) or a basket (bought together).

/** Top-k neighbours per item, CSR: neighbours of item i are at start[i] … start[i+1], best first. */
export interface Neighbours {
  start: Int32Array;
  item: Int32Array;
  score: Float32Array;
}

/** Groups × items, CSR both ways. */
export interface GroupMatrix {
  nGroups: number;
  nItems: number;
  groupStart: Int32Array;
  groupItems: Int32Array;
  itemStart: Int32Array;
  itemGroups: Int32Array;
  /** Optional weight of each group's co-occurrences (e.g. time decay); 1 when absent. */
  groupWeight?: Float32Array;
}

export type SimilarityMeasure = 'jaccard' | 'cosine' | 'lift' | 'count' | 'conditional';

export interface SimilarityOptions {
  /** Neighbours kept per item. Default 100. */
  k?: number;
  /** Co-occurrence count below which a pair is ignored (SAR's support threshold). Default 1. */
  minCount?: number;
  /** Exponent of the conditional measure's popularity damping (count / (c_i · c_j^alpha)). Default 0.5. */
  alpha?: number;
}

/** Builds the group matrix from (group, item) pairs, duplicates removed. */
export function groupMatrix(nGroups: number, nItems: number, pairs: { group: Int32Array; item: Int32Array; length: number }, groupWeight?: Float32Array): GroupMatrix {
  const count = new Int32Array(nGroups + 1);
  for (let k = 0; k < pairs.length; k++) count[pairs.group[k] + 1]++;
  for (let g = 0; g < nGroups; g++) count[g + 1] += count[g];
  const raw = new Int32Array(pairs.length);
  const fill = count.slice(0, nGroups);
  for (let k = 0; k < pairs.length; k++) raw[fill[pairs.group[k]]++] = pairs.item[k];
  const groupStart = new Int32Array(nGroups + 1);
  const items: number[] = [];
  for (let g = 0; g < nGroups; g++) {
    groupStart[g] = items.length;
    const slice = Array.from(raw.subarray(count[g], count[g + 1])).sort((a, b) => a - b);
    for (let p = 0; p < slice.length; p++) if (p === 0 || slice[p] !== slice[p - 1]) items.push(slice[p]);
  }
  groupStart[nGroups] = items.length;
  const groupItems = Int32Array.from(items);
  const itemStart = new Int32Array(nItems + 1);
  for (const i of groupItems) itemStart[i + 1]++;
  for (let i = 0; i < nItems; i++) itemStart[i + 1] += itemStart[i];
  const itemGroups = new Int32Array(groupItems.length);
  const pos = itemStart.slice(0, nItems);
  for (let g = 0; g < nGroups; g++) for (let p = groupStart[g]; p < groupStart[g + 1]; p++) itemGroups[pos[groupItems[p]]++] = g;
  return { nGroups, nItems, groupStart, groupItems, itemStart, itemGroups, ...(groupWeight ? { groupWeight } : {}) };
}

/**
 * Top-k neighbours of every item under each asked measure, from one co-occurrence pass. The item
 * itself is never its own neighbour (SAR's self-similarity of 1 is added by the scorer).
 */
export function topNeighbours<M extends SimilarityMeasure>(m: GroupMatrix, measures: readonly M[], opts: SimilarityOptions = {}): Record<M, Neighbours> {
  const k = opts.k ?? 100;
  const minCount = opts.minCount ?? 1;
  const alpha = opts.alpha ?? 0.5;
  const n = m.nItems;
  // Occurrences per item (weighted like the co-occurrences).
  const occ = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = m.itemStart[i]; p < m.itemStart[i + 1]; p++) s += m.groupWeight ? m.groupWeight[m.itemGroups[p]] : 1;
    occ[i] = s;
  }
  const rawCount = new Int32Array(n);
  const co = new Float64Array(n);
  const touched = new Int32Array(n);
  const out = {} as Record<M, { start: Int32Array; item: number[]; score: number[] }>;
  for (const measure of measures) out[measure] = { start: new Int32Array(n + 1), item: [], score: [] };
  const candItem = new Int32Array(n);
  const candScore = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let nt = 0;
    for (let p = m.itemStart[i]; p < m.itemStart[i + 1]; p++) {
      const g = m.itemGroups[p];
      const w = m.groupWeight ? m.groupWeight[g] : 1;
      for (let q = m.groupStart[g]; q < m.groupStart[g + 1]; q++) {
        const j = m.groupItems[q];
        if (j === i) continue;
        if (rawCount[j] === 0) touched[nt++] = j;
        rawCount[j]++;
        co[j] += w;
      }
    }
    for (const measure of measures) {
      const table = out[measure];
      table.start[i] = table.item.length;
      let nc = 0;
      for (let t = 0; t < nt; t++) {
        const j = touched[t];
        if (rawCount[j] < minCount) continue;
        const c = co[j];
        let s: number;
        switch (measure) {
          case 'jaccard': s = c / (occ[i] + occ[j] - c); break;
          case 'cosine': s = c / Math.sqrt(occ[i] * occ[j]); break;
          case 'lift': s = c / (occ[i] * occ[j]); break;
          case 'conditional': s = c / (occ[i] * Math.pow(occ[j], alpha)); break;
          default: s = c;
        }
        candItem[nc] = j;
        candScore[nc] = s;
        nc++;
      }
      const best = selectTop(candItem, candScore, nc, k);
      for (const c of best) {
        table.item.push(candItem[c]);
        table.score.push(candScore[c]);
      }
    }
    for (let t = 0; t < nt; t++) {
      rawCount[touched[t]] = 0;
      co[touched[t]] = 0;
    }
  }
  const result = {} as Record<M, Neighbours>;
  for (const measure of measures) {
    const table = out[measure];
    table.start[n] = table.item.length;
    result[measure] = { start: table.start, item: Int32Array.from(table.item), score: Float32Array.from(table.score) };
  }
  return result;
}

/** Positions of the k best scores among the first n (ties: lower item index first), best first. */
export function selectTop(items: Int32Array, scores: Float64Array, n: number, k: number): number[] {
  const idx: number[] = [];
  for (let c = 0; c < n; c++) idx.push(c);
  const better = (a: number, b: number) => scores[b] - scores[a] || items[a] - items[b];
  if (n > 4 * k) {
    // Threshold by a quick partial pass: keep the k best with a sorted buffer.
    const buf: number[] = [];
    for (const c of idx) {
      if (buf.length < k) {
        buf.push(c);
        if (buf.length === k) buf.sort(better);
      } else if (better(c, buf[k - 1]) < 0) {
        let lo = 0;
        let hi = k - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (better(c, buf[mid]) < 0) hi = mid;
          else lo = mid + 1;
        }
        buf.splice(lo, 0, c);
        buf.pop();
      }
    }
    return buf.length < k ? buf.sort(better) : buf;
  }
  return idx.sort(better).slice(0, k);
}
