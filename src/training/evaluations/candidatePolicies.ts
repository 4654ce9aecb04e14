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
import { SQUARECB_DEFAULTS, squareCb, squareCbGamma } from '../../learners/squareCb';

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

function optionValue(tokens: string[], name: string): string | undefined {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === name) return tokens[i + 1];
    if (tokens[i].startsWith(`${name}=`)) return tokens[i].slice(name.length + 1);
  }
  return undefined;
}

/** The exploration rule of a learning-settings string (already validated by the configuration API's reader). */
export function explorationRule(args: string, currentEpsilon: number): ExplorationRule {
  const tokens = args.trim() === '' ? [] : args.trim().split(/\s+/);
  if (tokens.includes('--squarecb')) {
    const scale = Number(optionValue(tokens, '--gamma_scale') ?? SQUARECB_DEFAULTS.gammaScale);
    const exponent = Number(optionValue(tokens, '--gamma_exponent') ?? SQUARECB_DEFAULTS.gammaExponent);
    if (!(scale >= 0 && Number.isFinite(scale))) throw new RangeError(`--gamma_scale must be a number ≥ 0, got "${optionValue(tokens, '--gamma_scale')}"`);
    if (!(exponent >= 0 && Number.isFinite(exponent))) throw new RangeError(`--gamma_exponent must be a number ≥ 0, got "${optionValue(tokens, '--gamma_exponent')}"`);
    return { kind: 'squareCb', gammaScale: scale, gammaExponent: exponent };
  }
  const epsilon = optionValue(tokens, '--epsilon');
  return { kind: 'epsilonGreedy', epsilon: epsilon === undefined ? currentEpsilon : Number(epsilon) };
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
