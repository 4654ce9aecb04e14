// SquareCB exploration (Foster & Rakhlin 2020, "Beyond UCB"; Vowpal Wabbit's --squarecb): inverse
// gap weighting. With K eligible actions, predicted rewards r̂ and the best action b, every other
// action a is chosen with probability 1 / (K + γ·(r̂_b − r̂_a)) and b takes the rest. Unlike a fixed
// epsilon, exploration goes to actions the model cannot yet tell from the best, and shrinks as γ
// grows with the data the model learnt from (γ = gammaScale · t^gammaExponent, VW's defaults 10
// and 0.5). The probabilities are exact, so they are logged as propensities for off-policy
// evaluation like epsilon-greedy's.
import { argmax, eligibleActions, rankingOrder, type Decision, type Random } from './epsilonGreedy';

/** Vowpal Wabbit's defaults for --gamma_scale and --gamma_exponent. */
export const SQUARECB_DEFAULTS = { gammaScale: 10, gammaExponent: 0.5 };

/** γ after `t` learning examples (the decisions the serving model was trained on; at least 1). */
export function squareCbGamma(t: number, gammaScale = SQUARECB_DEFAULTS.gammaScale, gammaExponent = SQUARECB_DEFAULTS.gammaExponent): number {
  if (!(gammaScale >= 0) || !Number.isFinite(gammaScale)) throw new RangeError(`gammaScale: must be a finite number ≥ 0, got ${gammaScale}`);
  if (!(gammaExponent >= 0) || !Number.isFinite(gammaExponent)) throw new RangeError(`gammaExponent: must be a finite number ≥ 0, got ${gammaExponent}`);
  return gammaScale * Math.pow(Math.max(1, t), gammaExponent);
}

/** `scores` are predicted rewards (higher is better); NaN counts as the worst possible prediction. */
export function squareCb(scores: ArrayLike<number>, excluded: readonly boolean[], gamma: number, random: Random): Decision {
  if (!(gamma >= 0)) throw new RangeError(`gamma: must be ≥ 0, got ${gamma}`);
  const n = scores.length;
  const eligible = eligibleActions(n, excluded);
  const k = eligible.length;
  const greedy = argmax(scores, eligible);
  const best = scores[greedy];

  const probabilities = new Array<number>(n).fill(0);
  let others = 0;
  for (const i of eligible) {
    if (i === greedy) continue;
    const s = scores[i];
    // A NaN (or -Infinity) prediction next to a finite best: an infinite gap, never explored.
    const gap = Number.isNaN(s) || !Number.isFinite(best - s) ? Infinity : best - s;
    const p = 1 / (k + gamma * gap);
    probabilities[i] = p;
    others += p;
  }
  probabilities[greedy] = 1 - others;

  // One draw against the cumulative probabilities, in action order.
  const u = random();
  let chosen = greedy;
  let acc = 0;
  for (const i of eligible) {
    acc += probabilities[i];
    if (u < acc) {
      chosen = i;
      break;
    }
  }

  return { order: rankingOrder(scores, excluded, eligible, chosen), probabilities, chosen, greedy, explored: chosen !== greedy };
}
