// Off-policy value of the new model's policy on the validation decisions, from the logged
// propensities: every logged action of a decision is scored with the new model (rows built as
// the ranker builds them), the greedy choice is taken as the ranker takes it (epsilonGreedy,
// excluded actions never chosen), and IPS / SNIPS / DR compare it with what the logging policy
// did. q̂(x, a) is the model's probability mapped back to reward units: min + p · (max − min).
// The model is any scorer of row batches: the new model in TypeScript, or the current model's
// ONNX session (currentModelEvaluation.ts), so both are evaluated on the same decisions.
import type { FeatureContract } from '../../features/featureContract';
import { epsilonGreedy } from '../../learners/epsilonGreedy';
import { squareCb } from '../../learners/squareCb';
import type { FeatureMatrix } from '../../learners/dataset';
import { normalQuantile, offPolicyEvaluate, type Estimate, type OffPolicyReport } from '../../learners/offPolicy';
import type { JoinedDecision } from './rewardJoin';
import { decisionsActionMatrix } from './trainingRows';

export const CONFIDENCE = 0.95;
const CHUNK_DECISIONS = 2048;
/** Never explore: epsilonGreedy's draw is `random() < epsilon`. */
const NEVER = () => 1;

export interface OffPolicyEstimateEntry {
  estimator: 'IPS' | 'SNIPS' | 'DR' | 'observed';
  policy: string;
  value: number;
  lower: number;
  upper: number;
  samples: number;
}

export interface PolicyEvaluation {
  decisions: number;
  /** The new model's greedy policy. */
  greedy: OffPolicyReport;
  /** The new model under each decision's logged exploration (epsilon-greedy's epsilon, or SquareCB's γ): the policy as deployed. */
  epsilonGreedy: OffPolicyReport;
  /** The logging policy's observed average reward, normal interval. */
  logging: Estimate & { n: number };
  /** Share of decisions whose logged action is the new greedy choice. */
  matchesLoggedAction: number;
  /** Share of decisions whose logging-policy greedy action is the new greedy choice. */
  agreesWithLoggingGreedy: number;
  /** Flat list for the dashboard (src/dashboard/offPolicyEstimates.ts reads report.offPolicy). */
  estimates: OffPolicyEstimateEntry[];
}

export interface PolicyChoice {
  /** New greedy action id per decision. */
  greedyActionIds: string[];
  /** Per-decision terms of the greedy policy's DR estimate (their mean is greedy.dr.value): for paired comparisons. */
  greedyDrTerms: Float64Array;
}

/** Probabilities for the rows of a row-major matrix, in row order. */
export type RowScorer = (x: FeatureMatrix) => ArrayLike<number> | Promise<ArrayLike<number>>;

function observedValue(rewards: Float64Array): Estimate & { n: number } {
  const n = rewards.length;
  let sum = 0;
  for (const r of rewards) sum += r;
  const mean = sum / n;
  let ss = 0;
  for (const r of rewards) ss += (r - mean) ** 2;
  const se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
  const z = normalQuantile(0.5 + CONFIDENCE / 2);
  return { value: mean, lower: mean - z * se, upper: mean + z * se, standardError: se, n };
}

const entries = (report: OffPolicyReport, policy: string): OffPolicyEstimateEntry[] =>
  (['ips', 'snips', 'dr'] as const)
    .filter((k) => report[k] !== undefined)
    .map((k) => ({ estimator: k.toUpperCase() as 'IPS' | 'SNIPS' | 'DR', policy, value: report[k]!.value, lower: report[k]!.lower, upper: report[k]!.upper, samples: report.n }));

export async function evaluatePolicy(
  validation: readonly JoinedDecision[],
  contract: FeatureContract,
  predict: RowScorer,
  onProgress?: (done: number, total: number) => void,
): Promise<PolicyEvaluation & PolicyChoice> {
  const n = validation.length;
  if (n === 0) throw new RangeError('evaluatePolicy: no validation decisions');
  const propensity = new Float64Array(n);
  const reward = new Float64Array(n);
  const greedyTarget = new Float64Array(n);
  const epsTarget = new Float64Array(n);
  const qLogged = new Float64Array(n);
  const vGreedy = new Float64Array(n);
  const vEps = new Float64Array(n);
  const greedyActionIds: string[] = new Array(n);
  let matches = 0;
  let agrees = 0;

  for (let start = 0; start < n; start += CHUNK_DECISIONS) {
    const end = Math.min(n, start + CHUNK_DECISIONS);
    const matrix = decisionsActionMatrix(validation.slice(start, end), contract);
    const rows = matrix.nRows;
    const probs = await predict(matrix);
    if (probs.length !== rows) throw new RangeError(`evaluatePolicy: the model returned ${probs.length} scores for ${rows} rows`);
    let row = 0;
    for (let i = start; i < end; i++) {
      const { decision: d, reward: r } = validation[i];
      const k = d.actions.length;
      const scores = Float64Array.from({ length: k }, (_, a) => probs[row + a]);
      row += k;
      const excluded = d.actions.map((a) => a.excluded);
      const { min, max } = d.reward;
      const q = (p: number) => min + p * (max - min);
      const greedy = epsilonGreedy(scores, excluded, 0, NEVER).greedy;
      // SquareCB decisions: the new model's scores under the γ they were served with.
      const eps = d.gamma !== undefined ? squareCb(scores, excluded, d.gamma, NEVER).probabilities : epsilonGreedy(scores, excluded, d.epsilon ?? 0, NEVER).probabilities;
      propensity[i] = d.actions[d.chosen].probability;
      reward[i] = r;
      greedyTarget[i] = greedy === d.chosen ? 1 : 0;
      epsTarget[i] = eps[d.chosen];
      qLogged[i] = q(scores[d.chosen]);
      vGreedy[i] = q(scores[greedy]);
      let v = 0;
      for (let a = 0; a < k; a++) v += eps[a] * q(scores[a]);
      vEps[i] = v;
      greedyActionIds[i] = d.actions[greedy].id;
      if (greedy === d.chosen) matches++;
      if (d.greedyActionId === d.actions[greedy].id) agrees++;
    }
    onProgress?.(end, n);
  }

  const options = { confidence: CONFIDENCE };
  const greedy = offPolicyEvaluate({ propensity, reward, targetProbability: greedyTarget, rewardEstimate: qLogged, valueEstimate: vGreedy }, options);
  const epsilonGreedyReport = offPolicyEvaluate({ propensity, reward, targetProbability: epsTarget, rewardEstimate: qLogged, valueEstimate: vEps }, options);
  const logging = observedValue(reward);
  const greedyDrTerms = new Float64Array(n);
  for (let i = 0; i < n; i++) greedyDrTerms[i] = vGreedy[i] + (greedyTarget[i] / propensity[i]) * (reward[i] - qLogged[i]);
  return {
    decisions: n,
    greedy,
    epsilonGreedy: epsilonGreedyReport,
    logging,
    matchesLoggedAction: matches / n,
    agreesWithLoggingGreedy: agrees / n,
    estimates: [
      ...entries(greedy, 'new model, greedy'),
      ...entries(epsilonGreedyReport, 'new model, epsilon-greedy'),
      { estimator: 'observed', policy: 'logging policy', value: logging.value, lower: logging.lower, upper: logging.upper, samples: n },
    ],
    greedyActionIds,
    greedyDrTerms,
  };
}
