// Epsilon-greedy exploration, as Personalizer does it: with probability 1 - epsilon the best-scored
// action goes first, otherwise an action drawn uniformly from all eligible ones (the best included).

export type Random = () => number;

export interface Decision {
  /** Action indexes in ranking order: the chosen one, the other eligible ones by score (best first), then the excluded ones. */
  order: number[];
  /** Per action index: the probability that this action is the one put first (0 for excluded actions). */
  probabilities: number[];
  chosen: number;
  /** The action the scores prefer. */
  greedy: number;
  explored: boolean;
}

/** Index of the highest score among eligible actions; ties go to the earlier action; NaN never wins. */
export function argmax(scores: ArrayLike<number>, eligible: number[]): number {
  let best = eligible[0];
  let bestScore = -Infinity;
  for (const i of eligible) {
    const s = scores[i];
    if (s > bestScore) {
      best = i;
      bestScore = s;
    }
  }
  return best;
}

/** Indexes of the actions not excluded, in action order; throws when there is none. */
export function eligibleActions(n: number, excluded: readonly boolean[]): number[] {
  const eligible: number[] = [];
  for (let i = 0; i < n; i++) if (!excluded[i]) eligible.push(i);
  if (eligible.length === 0) throw new RangeError('at least one action must be eligible');
  return eligible;
}

export function epsilonGreedy(scores: ArrayLike<number>, excluded: readonly boolean[], epsilon: number, random: Random): Decision {
  const n = scores.length;
  const eligible = eligibleActions(n, excluded);
  const k = eligible.length;
  const greedy = argmax(scores, eligible);
  const explored = random() < epsilon;
  const chosen = explored ? eligible[Math.min(k - 1, Math.floor(random() * k))] : greedy;

  const probabilities = new Array<number>(n).fill(0);
  for (const i of eligible) probabilities[i] = epsilon / k;
  probabilities[greedy] = 1 - epsilon + epsilon / k;

  return { order: rankingOrder(scores, excluded, eligible, chosen), probabilities, chosen, greedy, explored };
}

/** The chosen action first, the other eligible ones by score (best first, NaN last), then the excluded ones. */
export function rankingOrder(scores: ArrayLike<number>, excluded: readonly boolean[], eligible: readonly number[], chosen: number): number[] {
  const rank = (s: number) => (Number.isNaN(s) ? -Infinity : s);
  const rest = eligible.filter((i) => i !== chosen).sort((a, b) => rank(scores[b]) - rank(scores[a]) || a - b);
  const order = [chosen, ...rest];
  for (let i = 0; i < scores.length; i++) if (excluded[i]) order.push(i);
  return order;
}

/** Small seeded generator (mulberry32) for reproducible tests and simulations. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
