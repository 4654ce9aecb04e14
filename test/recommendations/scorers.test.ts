import { describe, expect, it } from 'vitest';
import { ProductScorer } from '../../src/recommendations/scorers';
import { trainProductModel, userHistory } from '../../src/recommendations/trainProductModel';
import { buildUserItems } from '../../src/recommendations/userItems';
import { evaluateModels } from '../../src/recommendations/offlineEvaluation';
import { clusteredLog, DAY, logOf, T0 } from './fixtures';

describe('user affinity', () => {
  it('weighs views < carts < purchases, halves every half-life, counts baskets once', () => {
    const log = logOf([
      ['u', 'a', 0, 'view'],
      ['u', 'a', 30, 'cart'],
      ['u', 'a', 30, 'purchase', 'b1'],
      ['u', 'a', 30, 'purchase', 'b1'],
      ['u', 'b', 60, 'purchase', 'b2'],
    ]);
    const ui = buildUserItems(log, { halfLifeDays: 30 });
    const h = userHistory(ui, 0);
    expect(Array.from(h.items)).toEqual([0, 1]);
    expect(h.affinity[0]).toBeCloseTo(1 * 0.25 + 3 * 0.5 + 5 * 0.5 * 2, 5);
    expect(h.affinity[1]).toBeCloseTo(5, 5);
    expect(Array.from(h.purchases)).toEqual([1, 1]);
  });
});

describe('SAR and popularity', () => {
  const log = clusteredLog({ users: 60, items: 40, groups: 4, days: 200, basketsPerUser: 6, seed: 11 });
  const trained = trainProductModel(log, { rescorer: false, neighbours: 1000 });
  const scorer = new ProductScorer(trained.model);

  it('scores Σ affinity × Jaccard with self-similarity 1, as the dense formula does', () => {
    const m = trained.model;
    const n = m.items.length;
    const sim = (i: number, j: number) => {
      if (i === j) return 1;
      for (let q = m.jaccard.start[i]; q < m.jaccard.start[i + 1]; q++) if (m.jaccard.item[q] === j) return m.jaccard.score[q];
      return 0;
    };
    for (const u of [0, 7, 33]) {
      const h = userHistory(trained.users, u);
      const dense = Array.from({ length: n }, (_, j) => h.items.reduce((s, i, p) => s + h.affinity[p] * sim(i, j), 0));
      const ranked = scorer.sar(h, 5, 'all');
      const expected = dense.map((s, j) => [j, s] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5);
      expect(Array.from(ranked.items)).toEqual(expected.map(([j]) => j));
      ranked.scores.forEach((s, r) => expect(s).toBeCloseTo(expected[r][1], 3));
    }
  });

  it('leaves out what the shopper bought in mode new, and fills short lists from popularity', () => {
    const h = userHistory(trained.users, 3);
    const bought = new Set(Array.from(h.items).filter((_, p) => h.purchases[p] > 0));
    const ranked = scorer.sar(h, 30, 'new');
    expect(ranked.items).toHaveLength(30);
    expect(Array.from(ranked.items).some((i) => bought.has(i))).toBe(false);
    expect(new Set(ranked.items).size).toBe(30);
  });

  it('serves a shopper without history from the segment list, then the overall one', () => {
    const ranked = scorer.popularity({ items: new Int32Array(0), affinity: new Float32Array(0), purchases: new Int32Array(0), lastMs: new Float64Array(0), segment: 'FR' }, 5, 'all');
    expect(Array.from(ranked.items)).toEqual(Array.from(trained.model.segmentPopular.FR.slice(0, 5)));
    expect(scorer.popularity({ ...userHistory(trained.users, 0), segment: 'nowhere' }, 3, 'all').items).toEqual(trained.model.popular.slice(0, 3));
  });

  it('honours an availability filter', () => {
    const h = userHistory(trained.users, 5);
    const ranked = scorer.sar(h, 10, 'all', (i) => i % 2 === 0);
    expect(Array.from(ranked.items).every((i) => i % 2 === 0)).toBe(true);
  });
});

describe('the learned re-scorer', () => {
  it('trains from the log\'s own past, ranks candidates, and is deterministic', () => {
    const log = clusteredLog({ users: 300, items: 120, groups: 6, days: 300, basketsPerUser: 10, seed: 5 });
    const a = trainProductModel(log, { trees: 20, validationDays: 60 });
    const b = trainProductModel(log, { trees: 20, validationDays: 60 });
    expect(a.model.rescorer?.all).toBeDefined();
    expect(a.model.rescorer?.new).toBeDefined();
    expect(a.rescorerRows!.all.positives).toBeGreaterThan(0);
    const s1 = new ProductScorer(a.model);
    const s2 = new ProductScorer(b.model);
    for (const u of [0, 10, 200]) {
      const h = userHistory(a.users, u);
      const r = s1.rescored(h, 10, 'new');
      expect(r.items).toHaveLength(10);
      expect(Array.from(r.items)).toEqual(Array.from(s2.rescored(userHistory(b.users, u), 10, 'new').items));
      const bought = new Set(Array.from(h.items).filter((_, p) => h.purchases[p] > 0));
      expect(Array.from(r.items).some((i) => bought.has(i))).toBe(false);
    }
  });

  it('is evaluated next to SAR and popularity on a time split', () => {
    const full = clusteredLog({ users: 200, items: 100, groups: 5, days: 360, basketsPerUser: 10, seed: 9 });
    const cut = T0 + 300 * DAY;
    const trainLog = clusteredLog({ users: 0, items: 100, groups: 5, days: 1, basketsPerUser: 0, seed: 0 });
    const test = new Map<string, Set<string>>();
    for (let k = 0; k < full.length; k++) {
      const user = full.users.ids[full.user[k]];
      const item = full.items.ids[full.item[k]];
      if (full.time[k] < cut) trainLog.add(user, item, full.time[k], 'purchase', full.baskets.ids[full.basket[k]]);
      else {
        let s = test.get(user);
        if (!s) test.set(user, (s = new Set()));
        s.add(item);
      }
    }
    const trained = trainProductModel(trainLog, { trees: 30, validationDays: 60 });
    const scores = evaluateModels(trained, test);
    for (const m of ['popularity', 'sar', 'rescorer'] as const) {
      for (const mode of ['all', 'new'] as const) {
        expect(scores[m][mode].users).toBeGreaterThan(100);
        expect(scores[m][mode]['ndcg@10']).toBeGreaterThan(0);
      }
    }
    // Shoppers with tastes: SAR beats popularity.
    expect(scores.sar.new['ndcg@10']).toBeGreaterThan(scores.popularity.new['ndcg@10']);
  });
});
