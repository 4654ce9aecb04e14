import { describe, it, expect } from 'vitest';
import { createWorld } from '../../../tools/simulator/simWorld';
import { clickProbabilities, clickProbability, type SimContext } from '../../../tools/simulator/truth';
import { PolicyTally } from '../../../tools/simulator/policyTally';
import { planSession, EventIds } from '../../../tools/simulator/sessionPlan';
import { CATEGORIES, PAGE_TYPES, SIM_DEVICES, TIMES_OF_DAY } from '../../../tools/simulator/world';
import { Rng } from '../../../tools/simulator/rng';

function randomContext(rng: Rng): SimContext {
  const pageType = rng.pick(PAGE_TYPES);
  return {
    device: rng.pick(SIM_DEVICES),
    timeOfDay: rng.pick(TIMES_OF_DAY),
    hour: rng.int(24),
    pageType,
    ...(pageType === 'category' || pageType === 'product' ? { pageCategory: rng.pick(CATEGORIES) } : {}),
    channel: rng.chance(0.5) ? 'web' : 'app',
  };
}

describe('simulator truth', () => {
  const world = createWorld({ seed: 11, users: 400, offers: 12 });

  it('gives every user, context and offer a click probability in (0, 0.9]', () => {
    const rng = new Rng(1, 'contexts');
    for (const user of world.users) {
      for (let i = 0; i < 5; i++) {
        for (const p of clickProbabilities(user, randomContext(rng), world.catalog.offers)) {
          expect(p).toBeGreaterThan(0);
          expect(p).toBeLessThanOrEqual(0.9);
          expect(Number.isFinite(p)).toBe(true);
        }
      }
    }
  });

  it('is reproducible from the seed and differs with another seed', () => {
    const again = createWorld({ seed: 11, users: 400, offers: 12 });
    expect(again.catalog).toEqual(world.catalog);
    expect(again.users).toEqual(world.users);
    const plan = (w: typeof world) => planSession(w.users[5], w.catalog, w.rng.fork('s'), new EventIds(w.rng.fork('ids')));
    expect(plan(again)).toEqual(plan(world));
    const other = createWorld({ seed: 12, users: 400, offers: 12 });
    expect(other.users.map((u) => u.affinity)).not.toEqual(world.users.map((u) => u.affinity));
  });

  it('ranks oracle ≥ popularity ≥ random on expectation, with room to learn', () => {
    const rng = new Rng(2, 'policies');
    const tally = new PolicyTally();
    const k = world.catalog.offers.length;
    for (let i = 0; i < 5000; i++) {
      const user = world.users[rng.int(world.users.length)];
      const p = clickProbabilities(user, randomContext(rng), world.catalog.offers);
      const chosen = rng.int(k);
      tally.add({ actionIds: world.catalog.offers.map((o) => o.id), trueProbabilities: p, servingProbabilities: p.map(() => 1 / k), chosen, greedy: chosen, clicked: rng.next() < p[chosen] });
    }
    const s = tally.summary();
    expect(s.oracleCtr).toBeGreaterThanOrEqual(s.popularityCtr);
    expect(s.popularityCtr).toBeGreaterThanOrEqual(s.randomCtr);
    // The truth leaves a large lift for personalization over both baselines.
    expect(s.oracleCtr - s.randomCtr).toBeGreaterThan(0.15);
    expect(s.oracleCtr - s.popularityCtr).toBeGreaterThan(0.08);
    // A uniform serving policy is the random policy: its expected CTR is random's.
    expect(s.expectedCtr).toBeCloseTo(s.randomCtr, 10);
    expect(Math.abs(s.observedCtr - s.randomCtr)).toBeLessThan(0.02);
  });

  it('depends on what the system sees: the category interest, the device and the discount', () => {
    const user = { ...world.users[0], affinity: CATEGORIES.map((c) => (c === 'books' ? 1 : 0)), priceSensitivity: 1 };
    const books = world.catalog.offers.find((o) => o.category === 'books')!;
    const ctx: SimContext = { device: 'desktop', timeOfDay: 'morning', hour: 9, pageType: 'home', channel: 'web' };
    const cold = { ...user, affinity: CATEGORIES.map(() => 0) };
    expect(clickProbability(user, ctx, books)).toBeGreaterThan(2 * clickProbability(cold, ctx, books));
    expect(clickProbability(user, { ...ctx, device: 'tablet' }, books)).toBeGreaterThan(clickProbability(user, { ...ctx, device: 'mobile' }, books));
    expect(clickProbability(user, ctx, { ...books, discount: 0.5 })).toBeGreaterThan(clickProbability(user, ctx, { ...books, discount: 0 }));
  });
});
