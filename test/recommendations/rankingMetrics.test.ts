import { describe, expect, it } from 'vitest';
import { rankingMetrics } from '../../src/recommendations/rankingMetrics';

describe('ranking metrics at 10', () => {
  it('matches hand-computed precision, recall, NDCG and MAP', () => {
    const m = rankingMetrics(10);
    // hits at ranks 1 and 3 of 10, 4 relevant items
    m.add([1, 9, 2, 8, 7, 6, 5, 4, 3, 0], new Set([1, 2, 11, 12]));
    const r = m.result();
    expect(r['precision@10']).toBeCloseTo(0.2, 10);
    expect(r['recall@10']).toBeCloseTo(0.5, 10);
    const dcg = 1 + 1 / Math.log2(4);
    const idcg = 1 + 1 / Math.log2(3) + 1 / Math.log2(4) + 1 / Math.log2(5);
    expect(r['ndcg@10']).toBeCloseTo(dcg / idcg, 10);
    expect(r['map@10']).toBeCloseTo((1 + 2 / 3) / 4, 10);
    expect(r.users).toBe(1);
  });

  it('averages over users and skips users with nothing relevant', () => {
    const m = rankingMetrics(10);
    m.add([1], new Set([1]));
    m.add([2], new Set([3]));
    m.add([2], new Set());
    expect(m.result()).toMatchObject({ users: 2, 'ndcg@10': 0.5, 'map@10': 0.5, 'recall@10': 0.5 });
  });
});
