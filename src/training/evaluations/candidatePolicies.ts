// The policies an offline evaluation compares, and each one's probability of every action of a
// logged decision. Learning settings are Vowpal Wabbit argument strings (as the configuration API
// takes them); what they change here is the exploration rule the ranker serves with:
//   --epsilon E                       epsilon-greedy over the model's scores (without: the current
//                                     explorationPercentage, which applying the settings keeps)
//   --squarecb [--gamma_scale G] [--gamma_exponent X]   SquareCB (src/learners/squareCb.ts)
// The other options do not change the model this service trains (policyArguments.ts says why), so
// every candidate is scored with the one model the evaluation trains. Built in, as Personalizer
// reported them: Online (the logged probabilities themselves), Baseline (the first eligible
// action, what Apprentice mode serves) and Random (uniform over the eligible actions).
import { epsilonGreedy } from '../../learners/epsilonGreedy';
import { squareCb, squareCbGamma } from '../../learners/squareCb';
import { parsePolicyArguments } from '../../ranking/configuration/policyArguments';

export type PolicySource = 'Online' | 'Baseline' | 'Random' | 'Custom' | 'OfflineExperimentation';

export type ExplorationRule =
  | { kind: 'logged' }
  | { kind: 'baseline' }
  | { kind: 'random' }
  | { kind: 'epsilonGreedy'; epsilon: number }
  | { kind: 'squareCb'; gammaScale: number; gammaExponent: number };

export interface CandidatePolicy {
  name: string;
  arguments: string;
  source: PolicySource;
  rule: ExplorationRule;
}

const NEVER = () => 1;

/**
 * The exploration rule of a learning-settings string, read by the configuration API's own reader
 * (so an evaluated policy explores exactly as the ranker would once it is applied).
 */
export function explorationRule(args: string, currentEpsilon: number): ExplorationRule {
  const parsed = parsePolicyArguments(args);
  if (!parsed.ok) throw new RangeError(parsed.message);
  if (parsed.options.squareCb) return { kind: 'squareCb', ...parsed.options.squareCb };
  return { kind: 'epsilonGreedy', epsilon: parsed.options.epsilon ?? currentEpsilon };
}

export interface DecisionView {
  /** Predicted reward of every action (reward units). */
  scores: Float64Array;
  excluded: readonly boolean[];
  /** The logging policy's probability of every action. */
  logged: readonly number[];
}

/**
 * The policy's probability of each action. `trainedOn` is the number of decisions the model
 * learnt from (SquareCB's γ grows with it, as in serving).
 */
export function actionProbabilities(rule: ExplorationRule, d: DecisionView, trainedOn: number): number[] {
  const k = d.scores.length;
  switch (rule.kind) {
    case 'logged':
      return [...d.logged];
    case 'baseline': {
      const first = d.excluded.findIndex((x) => !x);
      return Array.from({ length: k }, (_, i) => (i === first ? 1 : 0));
    }
    case 'random': {
      const eligible = d.excluded.filter((x) => !x).length;
      return d.excluded.map((x) => (x ? 0 : 1 / eligible));
    }
    case 'epsilonGreedy':
      return epsilonGreedy(d.scores, d.excluded, rule.epsilon, NEVER).probabilities;
    case 'squareCb':
      return squareCb(d.scores, d.excluded, squareCbGamma(trainedOn, rule.gammaScale, rule.gammaExponent), NEVER).probabilities;
  }
}

/** Optimization discovery's grid: the exploration settings tried besides the candidates given. */
export const DISCOVERY_GRID: readonly string[] = [
  '--cb_explore_adf --epsilon 0.05 --dsjson',
  '--cb_explore_adf --epsilon 0.1 --dsjson',
  '--cb_explore_adf --epsilon 0.2 --dsjson',
  '--cb_explore_adf --epsilon 0.3 --dsjson',
  '--cb_explore_adf --squarecb --gamma_scale 10 --dsjson',
  '--cb_explore_adf --squarecb --gamma_scale 100 --dsjson',
];

export { DISCOVERED_POLICY_NAME } from '../../ranking/evaluations/evaluationWire';
