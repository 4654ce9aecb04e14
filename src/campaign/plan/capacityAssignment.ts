// Assigning leads to contact options under capacity limits, maximising expected profit.
//
// The problem: n leads, each either not contacted (profit 0) or given ONE option j with expected
// profit w[i][j]; options are grouped into capacity NODES (node 0 = "free": not contacting and
// every option of an unlimited channel; node r ≥ 1 = one capacity resource, e.g. calls on
// Monday morning, with cap[r] contacts). Within a node a lead always takes its best option, so
// the problem is a transportation problem (leads → nodes), whose LP is integral: the LP optimum
// IS the integer optimum, and its dual gives a proof of optimality.
//
// Method, in three steps:
//  1. Lagrangian relaxation: prices λ[r] ≥ 0 on the capacities; for given prices every lead
//     takes its best option at price, and D(λ) = Σ_i max_j (w_ij − λ_j) + Σ_r cap_r·λ_r is an
//     upper bound on the optimum (weak duality). Damped Jacobi steps: each node's price moves
//     toward the price at which exactly cap_r leads would still prefer it.
//  2. Primal repair: leads take their best option at the best prices found; a node with more
//     leads than capacity keeps those that lose most by leaving, the others go greedily to the
//     best node with room (node 0 always has room).
//  3. Cycle cancelling on the 64-node residual graph (edge a→b: the best gain of moving one lead
//     from a to b; edge from a node with room to any node with leads: gain 0, i.e. a chain of
//     moves that ends in free room). A feasible assignment is optimal iff this graph has no
//     positive cycle (the min-cost-flow optimality condition), so the loop ends at the exact
//     optimum; Bellman–Ford then yields node potentials that are optimal prices, and D at
//     those prices equals the plan's profit (the certificate, up to float rounding).
// If the time budget runs out first, the plan is feasible and the gap to the best bound found
// is reported: profit ≥ optimum − gap.

export interface AssignmentProblem {
  /** Leads. */
  n: number;
  /** Nodes, including node 0 (free, unlimited). */
  nodes: number;
  /** n × nodes: lead i's best profit in node j (node 0 includes not contacting, so ≥ 0). */
  value: Float64Array;
  /** Capacity of each node; node 0's is ignored (unlimited). */
  capacity: ArrayLike<number>;
}

export interface AssignmentOptions {
  /** Lagrangian steps (default 40). */
  lagrangianSteps?: number;
  /** Stop cancelling cycles after this long and report the gap (default 30 s). */
  timeBudgetMs?: number;
  /** Candidate leads kept per node pair in one pass (default 16). */
  candidatesPerPair?: number;
  now?: () => number;
}

export interface AssignmentResult {
  /** Node of each lead. */
  node: Int32Array;
  /** Leads per node. */
  count: Int32Array;
  /** Σ of the chosen values. */
  profit: number;
  /** Σ of each lead's best value ignoring capacities (an upper bound too: D(0)). */
  unconstrainedProfit: number;
  /** The lowest D(λ) found: optimum ≤ upperBound. */
  upperBound: number;
  /** upperBound − profit (≥ 0 up to float rounding). */
  gap: number;
  /** True when no improving cycle is left: the plan is an exact optimum. */
  optimal: boolean;
  /** Capacity prices of the bound (node 0: 0). */
  prices: Float64Array;
  lagrangianBound: number;
  repairProfit: number;
  cyclesCancelled: number;
  passes: number;
}

/** D(λ) = Σ_i max_j (w_ij − λ_j) + Σ_{j ≥ 1} cap_j·λ_j. */
export function dualBound(p: AssignmentProblem, prices: Float64Array): number {
  const { n, nodes, value, capacity } = p;
  let total = 0;
  for (let i = 0, base = 0; i < n; i++, base += nodes) {
    let best = value[base] - prices[0];
    for (let j = 1; j < nodes; j++) {
      const v = value[base + j] - prices[j];
      if (v > best) best = v;
    }
    total += best;
  }
  for (let j = 1; j < nodes; j++) if (Number.isFinite(prices[j])) total += capacity[j] * prices[j];
  return total;
}

/** k-th largest (1-based) of a[0..len) (reorders a); -Infinity when k > len. */
function kthLargest(a: Float64Array, len: number, k: number): number {
  if (k > len) return -Infinity;
  let lo = 0;
  let hi = len - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}

/**
 * For every lead, its best and second-best value net of the node prices, and its best node, into
 * the given arrays (one pass over the value matrix: the prices' step and the repair both need it).
 */
function bestTwoNodes(p: AssignmentProblem, prices: Float64Array, best1: Float64Array, best2: Float64Array, arg1: Int32Array): void {
  const { n, nodes, value } = p;
  for (let i = 0, base = 0; i < n; i++, base += nodes) {
    let b1 = -Infinity;
    let b2 = -Infinity;
    let a1 = 0;
    for (let j = 0; j < nodes; j++) {
      const v = value[base + j] - prices[j];
      if (v > b1) { b2 = b1; b1 = v; a1 = j; } else if (v > b2) b2 = v;
    }
    best1[i] = b1; best2[i] = b2; arg1[i] = a1;
  }
}

function lagrangian(p: AssignmentProblem, steps: number): { prices: Float64Array; bound: number } {
  const { n, nodes, value, capacity } = p;
  const prices = new Float64Array(nodes);
  let bestPrices = prices.slice();
  let bestBound = Infinity;
  const best1 = new Float64Array(n);
  const best2 = new Float64Array(n);
  const arg1 = new Int32Array(n);
  const margins = new Float64Array(n);
  let stale = 0;
  for (let step = 0; step <= steps; step++) {
    bestTwoNodes(p, prices, best1, best2, arg1);
    let total = 0;
    for (let i = 0; i < n; i++) total += best1[i];
    for (let j = 1; j < nodes; j++) total += capacity[j] * prices[j];
    // Stop once the bound has not improved by a billionth for a few steps: the cycle cancelling
    // that follows reaches the optimum anyway, the prices only make it short.
    if (total < bestBound) {
      stale = total < bestBound - 1e-9 * Math.abs(bestBound) ? 0 : stale + 1;
      bestBound = total;
      bestPrices = prices.slice();
    } else stale++;
    if (stale >= 4 || step === steps) break;
    // The price at which exactly cap_j leads would still choose node j, the others held fixed;
    // moved halfway (all nodes at once overshoot: they compete for the same leads).
    const damping = 0.5;
    for (let j = 1; j < nodes; j++) {
      let len = 0;
      for (let i = 0, base = 0; i < n; i++, base += nodes) {
        const other = arg1[i] === j ? best2[i] : best1[i];
        // Lead i picks j iff value − λ_j > other, i.e. below the price m = value − other.
        const m = value[base + j] - other;
        if (m > 0) margins[len++] = m;
      }
      const target = Math.max(0, kthLargest(margins, len, capacity[j] + 1));
      prices[j] += damping * (target - prices[j]);
    }
  }
  return { prices: bestPrices, bound: bestBound };
}

/** Leads take their best node at the prices; overfull nodes keep the leads that lose most by leaving. */
function repair(p: AssignmentProblem, prices: Float64Array, node: Int32Array, count: Int32Array): void {
  const { n, nodes, value, capacity } = p;
  const loss = new Float64Array(n);
  const best2 = new Float64Array(n);
  // node holds each lead's best node; loss first holds its best net value, then what leaving costs.
  bestTwoNodes(p, prices, loss, best2, node);
  count.fill(0);
  for (let i = 0; i < n; i++) {
    loss[i] -= best2[i];
    count[node[i]]++;
  }
  const bumped: number[] = [];
  for (let j = 1; j < nodes; j++) {
    if (count[j] <= capacity[j]) continue;
    const members: number[] = [];
    for (let i = 0; i < n; i++) if (node[i] === j) members.push(i);
    members.sort((a, b) => loss[b] - loss[a]);
    for (let k = capacity[j]; k < members.length; k++) bumped.push(members[k]);
    count[j] = capacity[j];
  }
  // The bumped leads that would lose most go first.
  bumped.sort((a, b) => loss[b] - loss[a]);
  for (const i of bumped) {
    const base = i * nodes;
    let bestNode = 0;
    for (let j = 1; j < nodes; j++) if (count[j] < capacity[j] && value[base + j] > value[base + bestNode]) bestNode = j;
    node[i] = bestNode;
    count[bestNode]++;
  }
}

/** Per ordered node pair, the leads with the largest gain of moving across (best first). */
class PairCandidates {
  readonly leads: Int32Array;
  readonly gains: Float64Array;
  readonly size: Int32Array;
  readonly cursor: Int32Array;

  constructor(readonly nodes: number, readonly k: number) {
    this.leads = new Int32Array(nodes * nodes * k);
    this.gains = new Float64Array(nodes * nodes * k);
    this.size = new Int32Array(nodes * nodes);
    this.cursor = new Int32Array(nodes * nodes);
  }

  clear(): void {
    this.size.fill(0);
    this.cursor.fill(0);
  }

  /** Keeps the k largest gains of pair `pair`, sorted descending. */
  offer(pair: number, lead: number, gain: number): void {
    const k = this.k;
    const off = pair * k;
    let s = this.size[pair];
    if (s === k) {
      if (gain <= this.gains[off + k - 1]) return;
      s = k - 1;
    } else this.size[pair] = s + 1;
    let pos = s;
    while (pos > 0 && this.gains[off + pos - 1] < gain) {
      this.gains[off + pos] = this.gains[off + pos - 1];
      this.leads[off + pos] = this.leads[off + pos - 1];
      pos--;
    }
    this.gains[off + pos] = gain;
    this.leads[off + pos] = lead;
  }
}

const EPS = 1e-9;

export function assignUnderCapacity(p: AssignmentProblem, options: AssignmentOptions = {}): AssignmentResult {
  const { n, nodes, value, capacity } = p;
  if (value.length !== n * nodes) throw new Error(`assignment: value has ${value.length} entries, expected ${n} × ${nodes}`);
  for (let j = 1; j < nodes; j++) {
    if (!Number.isInteger(capacity[j]) || capacity[j] < 0) throw new Error(`assignment: capacity of node ${j} must be a whole number ≥ 0; got ${capacity[j]}`);
  }
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.timeBudgetMs ?? 30_000);
  const node = new Int32Array(n);
  const count = new Int32Array(nodes);
  const zero = new Float64Array(nodes);

  // Unconstrained: each lead's best node.
  let unconstrained = 0;
  for (let i = 0, base = 0; i < n; i++, base += nodes) {
    let best = 0;
    for (let j = 1; j < nodes; j++) if (value[base + j] > value[base + best]) best = j;
    node[i] = best;
    count[best]++;
    unconstrained += value[base + best];
  }
  let fits = true;
  for (let j = 1; j < nodes; j++) if (count[j] > capacity[j]) fits = false;
  if (fits) {
    return {
      node, count, profit: unconstrained, unconstrainedProfit: unconstrained, upperBound: unconstrained, gap: 0, optimal: true,
      prices: zero, lagrangianBound: unconstrained, repairProfit: unconstrained, cyclesCancelled: 0, passes: 0,
    };
  }

  const lagr = lagrangian(p, options.lagrangianSteps ?? 40);
  repair(p, lagr.prices, node, count);
  const profitOf = () => {
    let s = 0;
    for (let i = 0; i < n; i++) s += value[i * nodes + node[i]];
    return s;
  };
  const repairProfit = profitOf();

  // Cycle cancelling.
  const k = Math.max(1, options.candidatesPerPair ?? 16);
  const cand = new PairCandidates(nodes, k);
  const moved = new Uint8Array(n);
  const weight = new Float64Array(nodes * nodes);
  const edgeLead = new Int32Array(nodes * nodes);
  const dist = new Float64Array(nodes);
  const pred = new Int32Array(nodes);
  let cyclesCancelled = 0;
  let passes = 0;
  let optimal = false;

  const hasRoom = (j: number) => j === 0 || count[j] < capacity[j];

  /** Builds edge weights from the candidates (first not yet moved) and room; -Inf = no edge. */
  const buildGraph = (): void => {
    weight.fill(-Infinity);
    edgeLead.fill(-1);
    for (let a = 0; a < nodes; a++) {
      for (let b = 0; b < nodes; b++) {
        if (a === b) continue;
        const pair = a * nodes + b;
        const off = pair * k;
        while (cand.cursor[pair] < cand.size[pair] && (moved[cand.leads[off + cand.cursor[pair]]] || node[cand.leads[off + cand.cursor[pair]]] !== a)) cand.cursor[pair]++;
        if (cand.cursor[pair] < cand.size[pair]) {
          weight[pair] = cand.gains[off + cand.cursor[pair]];
          edgeLead[pair] = cand.leads[off + cand.cursor[pair]];
        }
      }
    }
    // A node with room may end a chain of moves: edge room → any node with leads, gain 0.
    for (let a = 0; a < nodes; a++) {
      if (!hasRoom(a)) continue;
      for (let b = 0; b < nodes; b++) {
        if (a === b || count[b] === 0) continue;
        const pair = a * nodes + b;
        if (weight[pair] < 0) { weight[pair] = 0; edgeLead[pair] = -1; }
      }
    }
  };

  /** Bellman–Ford for longest paths from all nodes at 0; a positive cycle's nodes, or null. */
  const findPositiveCycle = (): number[] | null => {
    dist.fill(0);
    pred.fill(-1);
    let changed = -1;
    for (let iter = 0; iter < nodes; iter++) {
      changed = -1;
      for (let a = 0; a < nodes; a++) {
        const da = dist[a];
        for (let b = 0; b < nodes; b++) {
          const w = weight[a * nodes + b];
          if (w === -Infinity) continue;
          if (da + w > dist[b] + EPS) { dist[b] = da + w; pred[b] = a; changed = b; }
        }
      }
      if (changed < 0) return null;
    }
    // Still relaxing after `nodes` rounds: walk back into the cycle.
    let v = changed;
    for (let i = 0; i < nodes; i++) v = pred[v];
    const cycle: number[] = [v];
    for (let u = pred[v]; u !== v; u = pred[u]) cycle.push(u);
    cycle.reverse();
    let gain = 0;
    for (let i = 0; i < cycle.length; i++) gain += weight[cycle[i] * nodes + cycle[(i + 1) % cycle.length]];
    return gain > EPS ? cycle : null;
  };

  const fillCandidates = (): void => {
    cand.clear();
    moved.fill(0);
    for (let i = 0, base = 0; i < n; i++, base += nodes) {
      const a = node[i];
      const own = value[base + a];
      const row = a * nodes;
      for (let b = 0; b < nodes; b++) {
        if (b === a) continue;
        // Losing moves count too: a cycle may pay one lead's loss with another's gain.
        const g = value[base + b] - own;
        if (g !== -Infinity) cand.offer(row + b, i, g);
      }
    }
  };

  while (now() < deadline) {
    passes++;
    fillCandidates();
    let cancelledThisPass = 0;
    for (;;) {
      buildGraph();
      const cycle = findPositiveCycle();
      if (!cycle) break;
      // Apply: each lead edge a→b moves its lead; a room edge moves nobody.
      for (let c = 0; c < cycle.length; c++) {
        const a = cycle[c];
        const b = cycle[(c + 1) % cycle.length];
        const lead = edgeLead[a * nodes + b];
        if (lead < 0) continue;
        node[lead] = b;
        moved[lead] = 1;
        count[a]--;
        count[b]++;
      }
      cancelledThisPass++;
      if (now() >= deadline) break;
    }
    cyclesCancelled += cancelledThisPass;
    if (cancelledThisPass === 0) {
      // The candidates were complete for this assignment (a full pass), so no positive cycle
      // exists at all: optimal.
      optimal = true;
      break;
    }
  }

  const profit = profitOf();
  let upperBound = lagr.bound;
  let prices = lagr.prices;
  if (optimal) {
    // Optimal prices: least λ with λ_b ≥ λ_a + gain(a→b) for every lead at a, λ ≥ 0, from the
    // exact edge gains (a full scan). Converges in < nodes rounds as no positive cycle exists.
    const gain = new Float64Array(nodes * nodes).fill(-Infinity);
    for (let i = 0, base = 0; i < n; i++, base += nodes) {
      const a = node[i];
      const own = value[base + a];
      for (let b = 0; b < nodes; b++) {
        const g = value[base + b] - own;
        if (g > gain[a * nodes + b]) gain[a * nodes + b] = g;
      }
    }
    const lambda = new Float64Array(nodes);
    for (let iter = 0; iter < nodes; iter++) {
      let changed = false;
      for (let a = 0; a < nodes; a++) {
        for (let b = 1; b < nodes; b++) {
          const g = gain[a * nodes + b];
          if (g !== -Infinity && lambda[a] + g > lambda[b] + EPS) { lambda[b] = lambda[a] + g; changed = true; }
        }
      }
      if (!changed) break;
    }
    const certified = dualBound(p, lambda);
    if (certified < upperBound) { upperBound = certified; prices = lambda; }
  }
  // Capacity-free bound too (D at zero prices).
  if (unconstrained < upperBound) { upperBound = unconstrained; prices = zero; }
  return {
    node, count, profit, unconstrainedProfit: unconstrained, upperBound, gap: Math.max(0, upperBound - profit), optimal, prices,
    lagrangianBound: lagr.bound, repairProfit, cyclesCancelled, passes,
  };
}
