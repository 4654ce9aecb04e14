// The product truth: probabilities in range, the oracle's list beats the best fixed list, which
// beats a random one; the simulated click follows the list's probability; the tally's arithmetic.
import { describe, it, expect } from 'vitest';
import { createWorld } from '../../../tools/simulator/simWorld';
import { listClickProbability, oracleList, popularityList, productProbabilities, PRODUCT_TRUTH } from '../../../tools/simulator/productTruth';
import { clickOnList } from '../../../tools/simulator/recommendationSlot';
import { RecommendationTally } from '../../../tools/simulator/recommendationTally';
import { Rng } from '../../../tools/simulator/rng';

describe('the product truth', () => {
  const world = createWorld({ seed: 3, users: 300, offers: 8, products: 120 });

  it('gives every shopper a probability in (0, 0.9] for every product, reproducibly', () => {
    for (const u of world.users.slice(0, 50)) {
      for (const p of productProbabilities(u, world.catalog)) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(PRODUCT_TRUTH.maxProbability);
      }
    }
    const again = createWorld({ seed: 3, users: 300, offers: 8, products: 120 });
    expect(again.catalog.products.map((p) => p.appeal)).toEqual(world.catalog.products.map((p) => p.appeal));
    // The appeal has its own stream: the offers are what they were before products had one.
    expect(world.catalog.offers).toEqual(createWorld({ seed: 3, users: 10, offers: 8, products: 120 }).catalog.offers);
  });

  it('ranks oracle > popularity > random on expectation, with room for personalisation', () => {
    const popular = popularityList(world.users, world.catalog, 4);
    let oracle = 0, popularity = 0, random = 0;
    for (const u of world.users) {
      const p = productProbabilities(u, world.catalog);
      const mean = p.reduce((s, x) => s + x, 0) / p.length;
      oracle += listClickProbability(oracleList(p, 4).map((i) => p[i]));
      popularity += listClickProbability(popular.map((i) => p[i]));
      random += listClickProbability([mean, mean, mean, mean]);
    }
    expect(oracle / world.users.length).toBeGreaterThan(1.5 * (popularity / world.users.length));
    expect(popularity).toBeGreaterThan(1.2 * random);
  });

  it('clicks a list as often as its probability says', () => {
    const rng = new Rng(1, 'clicks');
    const list = [0.3, 0.2, 0.1, 0.05];
    let clicks = 0;
    const firstClicks = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) {
      const k = clickOnList(list, rng);
      if (k >= 0) {
        clicks++;
        firstClicks[k]++;
      }
    }
    expect(clicks / 20000).toBeCloseTo(listClickProbability(list), 2);
    expect(firstClicks[0]).toBeGreaterThan(firstClicks[1]);
    expect(listClickProbability([])).toBe(0);
    expect(listClickProbability([1])).toBe(1);
  });

  it('tallies CTRs and the share of the personalisation gain captured', () => {
    const t = new RecommendationTally();
    t.add({ served: 0.3, greedy: 0.3, explored: false, oracle: 0.5, popularity: 0.1, bestFixed: 0.2, random: 0.05, clicked: true, purchased: false, source: 'model' });
    t.add({ served: 0.1, greedy: 0.2, explored: true, oracle: 0.3, popularity: 0.1, bestFixed: 0.2, random: 0.05, clicked: false, purchased: false, source: 'cold-start' });
    const s = t.summary();
    expect(s).toMatchObject({ decisions: 2, clicks: 1, observedCtr: 0.5, sources: { model: 1, 'cold-start': 1 } });
    expect(s.expectedCtr).toBeCloseTo(0.2);
    expect(s.oracleCtr).toBeCloseTo(0.4);
    expect(s.bestFixedCtr).toBeCloseTo(0.2);
    expect(s.greedyExpectedCtr).toBeCloseTo(0.25);
    expect(s.exploredShare).toBe(0.5);
    expect(s.gainCaptured).toBeCloseTo((0.4 - 0.2) / (0.8 - 0.2));
    expect(new RecommendationTally().summary().observedCtr).toBe(0);
  });
});
