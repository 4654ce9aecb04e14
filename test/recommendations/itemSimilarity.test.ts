import { describe, expect, it } from 'vitest';
import { groupMatrix, topNeighbours } from '../../src/recommendations/itemSimilarity';
import { rng } from './fixtures';

function matrixOf(groups: number[][], nItems: number) {
  const group: number[] = [];
  const item: number[] = [];
  groups.forEach((items, g) => items.forEach((i) => (group.push(g), item.push(i))));
  return groupMatrix(groups.length, nItems, { group: Int32Array.from(group), item: Int32Array.from(item), length: group.length });
}

function neighboursOf(table: { start: Int32Array; item: Int32Array; score: Float32Array }, i: number): [number, number][] {
  const out: [number, number][] = [];
  for (let q = table.start[i]; q < table.start[i + 1]; q++) out.push([table.item[q], table.score[q]]);
  return out;
}

describe('sparse item similarity', () => {
  it('computes Jaccard and cosine from co-occurrence counts, best first, never the item itself', () => {
    // item 0 in groups 0,1,2; item 1 in 0,1; item 2 in 2,3 (item 0 twice in group 0 counts once)
    const m = matrixOf([[0, 1, 0], [0, 1], [0, 2], [2]], 3);
    const { jaccard, cosine } = topNeighbours(m, ['jaccard', 'cosine']);
    expect(neighboursOf(jaccard, 0).map(([j, s]) => [j, +s.toFixed(4)])).toEqual([[1, +(2 / 3).toFixed(4)], [2, 0.25]]);
    expect(neighboursOf(cosine, 0).map(([j, s]) => [j, +s.toFixed(4)])).toEqual([[1, +(2 / Math.sqrt(6)).toFixed(4)], [2, +(1 / Math.sqrt(6)).toFixed(4)]]);
    expect(neighboursOf(jaccard, 1).map(([j]) => j)).toEqual([0]);
  });

  it('keeps the k best of what a dense computation finds, and honours the support threshold', () => {
    const r = rng(3);
    const nItems = 40;
    const groups = Array.from({ length: 120 }, () => Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * nItems)));
    const m = matrixOf(groups, nItems);
    const k = 5;
    const { jaccard } = topNeighbours(m, ['jaccard'], { k, minCount: 2 });
    const sets = groups.map((g) => new Set(g));
    for (let i = 0; i < nItems; i++) {
      const dense: [number, number][] = [];
      const ci = sets.filter((s) => s.has(i)).length;
      for (let j = 0; j < nItems; j++) {
        if (j === i) continue;
        const cij = sets.filter((s) => s.has(i) && s.has(j)).length;
        const cj = sets.filter((s) => s.has(j)).length;
        if (cij >= 2) dense.push([j, cij / (ci + cj - cij)]);
      }
      dense.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      const got = neighboursOf(jaccard, i);
      expect(got.map(([j]) => j)).toEqual(dense.slice(0, k).map(([j]) => j));
      got.forEach(([, s], q) => expect(s).toBeCloseTo(dense[q][1], 6));
    }
  });
});
