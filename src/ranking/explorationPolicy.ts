// The exploration policy a decision is made with, from the learning settings: epsilon-greedy with
// explorationPercentage (Personalizer's), or SquareCB when the policy arguments say --squarecb. The
// SquareCB γ grows with the decisions the serving model was trained on (its manifest's
// trainingData.rows, one row per decision), VW's t; with no model (the priors rank) t is 0, so γ is
// gammaScale and exploration is widest. Either way the probabilities are exact: the logged
// propensity is the probability the served action had.
import { epsilonGreedy, type Decision, type Random } from '../learners/epsilonGreedy';
import { squareCb, squareCbGamma } from '../learners/squareCb';
import type { LearningMode } from './configuration/serviceConfiguration';
import type { PolicyOptions } from './configuration/policyArguments';

export interface ExplorationChoice {
  /** What the decision event records: the policy and its parameter. */
  policy: 'epsilon-greedy' | 'squarecb';
  epsilon: number;
  gamma?: number;
  decide(scores: ArrayLike<number>, excluded: readonly boolean[], random: Random): Decision;
}

/**
 * Outside Online mode the learner's choice is only logged beside the baseline, so it is the greedy
 * one (epsilon 0), as before.
 */
export function explorationFor(
  config: { exploration: number; learningMode: LearningMode; policy?: Pick<PolicyOptions, 'squareCb'> },
  trainedDecisions: number | undefined,
): ExplorationChoice {
  if (config.learningMode !== 'Online') return { policy: 'epsilon-greedy', epsilon: 0, decide: (s, x, r) => epsilonGreedy(s, x, 0, r) };
  const sq = config.policy?.squareCb;
  if (sq) {
    const gamma = squareCbGamma(trainedDecisions ?? 0, sq.gammaScale, sq.gammaExponent);
    return { policy: 'squarecb', epsilon: 0, gamma, decide: (s, x, r) => squareCb(s, x, gamma, r) };
  }
  const epsilon = config.exploration;
  return { policy: 'epsilon-greedy', epsilon, decide: (s, x, r) => epsilonGreedy(s, x, epsilon, r) };
}
