import { describe, expect, it } from 'vitest';
import { assignUnderCapacity, dualBound, type AssignmentProblem } from '../../src/campaign/plan/capacityAssignment';
import { capacityNodes, leadOptions } from '../../src/campaign/plan/capacityNodes';
import { COMBINATION_COUNT } from '../../src/events/contactCombinations';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomProblem(seed: number, n: number, nodes: number): AssignmentProblem {
  const r = rng(seed);
  const value = new Float64Array(n * nodes);
  for (let i = 0; i < n; i++) {
    value[i * nodes] = r() < 0.3 ? r() * 2 : 0; // node 0: not contacting / unlimited option
    for (let j = 1; j < nodes; j++) value[i * nodes + j] = Math.round((r() * 10 - 2) * 100) / 100;
  }
  const capacity = [0, ...Array.from({ length: nodes - 1 }, () => Math.floor(r() * 3))];
  return { n, nodes, value, capacity };
}

/** Every assignment of n leads to nodes, the best feasible total. */
function bruteForce(p: AssignmentProblem): number {
  const { n, nodes, value, capacity } = p;
  const count = new Array(nodes).fill(0);
  let best = -Infinity;
  const go = (i: number, total: number) => {
    if (i === n) { best = Math.max(best, total); return; }
    for (let j = 0; j < nodes; j++) {
      if (j > 0 && count[j] >= capacity[j]) continue;
      count[j]++;
      go(i + 1, total + value[i * nodes + j]);
      count[j]--;
    }
  };
  go(0, 0);
  return best;
}

function checkFeasible(p: AssignmentProblem, node: Int32Array) {
  const count = new Array(p.nodes).fill(0);
  for (const j of node) count[j]++;
  for (let j = 1; j < p.nodes; j++) expect(count[j]).toBeLessThanOrEqual(p.capacity[j] as number);
}

describe('assignment under capacity', () => {
  it('finds the exact optimum of 300 small random instances (brute force), with a certificate', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const p = randomProblem(seed, 3 + (seed % 5), 2 + (seed % 3));
      const result = assignUnderCapacity(p);
      checkFeasible(p, result.node);
      const exact = bruteForce(p);
      expect(result.optimal).toBe(true);
      expect(result.profit).toBeCloseTo(exact, 9);
      // The dual bound at the returned prices equals the optimum: the proof of optimality.
      expect(result.upperBound).toBeCloseTo(exact, 6);
      expect(dualBound(p, result.prices)).toBeCloseTo(result.upperBound, 9);
      expect(result.unconstrainedProfit).toBeGreaterThanOrEqual(exact - 1e-9);
    }
  });

  it('respects the capacities and bounds the optimum even when stopped right after the repair', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const p = randomProblem(seed * 7, 7, 4);
      const result = assignUnderCapacity(p, { timeBudgetMs: 0 });
      checkFeasible(p, result.node);
      const exact = bruteForce(p);
      expect(result.profit).toBeLessThanOrEqual(exact + 1e-9);
      expect(result.upperBound).toBeGreaterThanOrEqual(exact - 1e-9);
      expect(result.profit).toBeGreaterThanOrEqual(result.upperBound - result.gap - 1e-9);
    }
  });

  it('plans 3,000 leads × 63 combinations with binding call and email limits optimally', () => {
    const r = rng(5);
    const n = 3000;
    const profit = new Float64Array(n * COMBINATION_COUNT);
    // Calls (combinations 42–62) earn most, SMS (21–41, unlimited) least.
    for (let i = 0; i < profit.length; i++) {
      const k = i % COMBINATION_COUNT;
      profit[i] = r() * 20 + (k >= 42 ? 4 : k >= 21 ? -6 : 0);
    }
    const cap = capacityNodes({ call: { limit: 10, per: 'slot' }, email: { limit: 150, per: 'day' } });
    expect(cap.nodes).toBe(1 + 21 + 7);
    const options = leadOptions(n, cap, (i, k) => profit[i * COMBINATION_COUNT + k]);
    const result = assignUnderCapacity(options);
    checkFeasible(options, result.node);
    expect(result.optimal).toBe(true);
    expect(result.gap).toBeLessThan(1e-6 * result.profit);
    // Binding: the unconstrained argmax would break the limits and earn more.
    expect(result.unconstrainedProfit).toBeGreaterThan(result.profit + 1);
    // Every limited resource is used to its limit (the demand for each exceeds it).
    for (let j = 1; j < cap.nodes; j++) expect(result.count[j]).toBe(cap.capacity[j]);
    expect(result.count[0]).toBe(n - 21 * 10 - 7 * 150);
  });

  it('leaves a plan that fits as each lead’s best', () => {
    const p = randomProblem(3, 6, 3);
    const roomy = { ...p, capacity: [0, 100, 100] };
    const result = assignUnderCapacity(roomy);
    expect(result.profit).toBeCloseTo(result.unconstrainedProfit, 12);
    expect(result.gap).toBe(0);
  });

  it('names a bad capacity', () => {
    const p = randomProblem(3, 4, 3);
    expect(() => assignUnderCapacity({ ...p, capacity: [0, -1, 2] })).toThrow(/capacity of node 1/);
  });
});
