// One round of the demo as reported: the traffic's CTRs next to oracle, random and popularity,
// the cold-start users' figures, and the off-policy estimate the trainer made for the model that
// served the round next to what was then observed.
import type { OffPolicyReport } from '../../src/learners/offPolicy';
import type { TrainingRunResult } from '../../src/training';
import type { PolicySummary } from '../simulator/policyTally';
import type { RecommendationSummary } from '../simulator/recommendationTally';
import type { TrafficResult } from '../simulator/traffic';

export interface OpeComparison {
  /** The model the estimate is about: promoted after the previous round, or kept when that run promoted nothing. */
  version: string;
  kept: boolean;
  estimator: 'DR';
  /** Exploration of the round the estimate is compared with. */
  epsilon: number;
  /** The new model as deployed (epsilon-greedy with the logged epsilon) vs the CTR observed. */
  deployed: { estimate: number; lower: number; upper: number; observed: number; expected: number; relativeError: number };
  /** The new model's greedy choice vs the CTR observed on decisions that showed it. */
  greedy: { estimate: number; lower: number; upper: number; observed: number; expected: number; relativeError: number };
  validationDecisions: number;
}

export interface TrainingRecord {
  status: TrainingRunResult['status'];
  version: string | null;
  reason: string | null;
  seconds: number;
  /** Seconds until the ranker served the promoted version. */
  servedAfterSeconds: number | null;
  usableDecisions: number | null;
  validationAuc: number | null;
  estimate: { deployed: number; greedy: number; lower: number; upper: number; logging: number } | null;
  /** The promotion gate: new minus the reference (the current model, else the logging policy) on the same decisions. */
  gate: { reference: 'current model' | 'logging policy'; referenceValue: number; gain: number; gainLower: number; gainUpper: number; passed: boolean } | null;
}

export interface RoundRecord {
  round: number;
  /** RankingExploration during the round. */
  epsilon: number;
  /** Version that ranked most of the round's decisions ("priors" before any model). */
  servedBy: string;
  modelVersions: Record<string, number>;
  decisions: number;
  cumulativeDecisions: number;
  all: PolicySummary;
  coldStart: PolicySummary;
  returning: PolicySummary;
  ope: OpeComparison | null;
  training: TrainingRecord | null;
  trafficSeconds: number;
  decisionsPerSecond: number;
  errors: { rank: number; reward: number; eventsFailed: number };
  /** The round's recommendation lists (GET /api/recommendations) against the truth; null when none ran. */
  recommendations: RecommendationRound | null;
}

export interface RecommendationRound extends RecommendationSummary {
  /** Product model that served the round: its training range's end and interactions. */
  productModel: { version: string; interactions: number; trainedTo: string } | null;
  rewardsSent: number;
  errors: number;
  /** The product model trained after the round (promoted: it serves the next one). */
  training: { version: string; seconds: number; interactions: number } | null;
}

const rel = (estimate: number, observed: number) => (observed > 0 ? Math.abs(estimate - observed) / observed : NaN);

/**
 * The trainer's DR estimate of the new model under epsilon-greedy uses the epsilon logged with the
 * validation decisions. DR is linear in the target policy, and epsilon-greedy mixes the greedy
 * policy with the uniform one, (1 − ε)·greedy + ε·uniform; so when the round runs with another
 * epsilon the estimate is re-weighted to it (the interval is not: it is left out).
 */
export function deployedEstimate(greedy: number, atLogged: number, loggedEpsilon: number, epsilon: number): number {
  if (Math.abs(loggedEpsilon - epsilon) < 1e-12 || loggedEpsilon <= 0) return atLogged;
  const uniform = (atLogged - (1 - loggedEpsilon) * greedy) / loggedEpsilon;
  return (1 - epsilon) * greedy + epsilon * uniform;
}

interface ServingEstimate {
  version: string;
  kept: boolean;
  greedy: OffPolicyReport;
  epsilonGreedy: OffPolicyReport;
  decisions: number;
}

/**
 * The trainer's estimate of the model that serves the next round: the promoted model's, or, when
 * the run promoted nothing, the current model's (the gate scored it on the same decisions).
 */
function servingEstimate(result: TrainingRunResult | null): ServingEstimate | null {
  const r = result?.report;
  if (!result || !r) return null;
  if (result.status === 'promoted' && result.version && r.offPolicy) {
    return { version: result.version, kept: false, greedy: r.offPolicy.greedy, epsilonGreedy: r.offPolicy.epsilonGreedy, decisions: r.offPolicy.decisions };
  }
  const c = r.currentModel;
  if (c.version && c.onValidation && r.policyComparison) {
    return { version: c.version, kept: true, greedy: c.onValidation.greedy, epsilonGreedy: c.onValidation.epsilonGreedy, decisions: r.policyComparison.decisions };
  }
  return null;
}

export function roundRecord(
  round: number,
  traffic: TrafficResult,
  cumulative: number,
  previousResult: TrainingRunResult | null,
  epsilon: number,
  validationEpsilon: number,
): RoundRecord {
  const versions = Object.entries(traffic.modelVersions).sort((a, b) => b[1] - a[1]);
  const all = traffic.tally.summary();
  let ope: OpeComparison | null = null;
  const off = servingEstimate(previousResult);
  if (off?.greedy.dr && off.epsilonGreedy.dr) {
    const g = off.greedy.dr;
    const same = Math.abs(epsilon - validationEpsilon) < 1e-12;
    const d = same ? off.epsilonGreedy.dr : { value: deployedEstimate(g.value, off.epsilonGreedy.dr.value, validationEpsilon, epsilon), lower: NaN, upper: NaN };
    ope = {
      version: off.version,
      kept: off.kept,
      estimator: 'DR',
      epsilon,
      deployed: { estimate: d.value, lower: d.lower, upper: d.upper, observed: all.observedCtr, expected: all.expectedCtr, relativeError: rel(d.value, all.observedCtr) },
      greedy: { estimate: g.value, lower: g.lower, upper: g.upper, observed: all.greedyObservedCtr, expected: all.greedyExpectedCtr, relativeError: rel(g.value, all.greedyObservedCtr) },
      validationDecisions: off.decisions,
    };
  }
  return {
    round,
    epsilon,
    servedBy: versions[0]?.[0] ?? 'none',
    modelVersions: traffic.modelVersions,
    decisions: traffic.decisions,
    cumulativeDecisions: cumulative,
    all,
    coldStart: traffic.cold.summary(),
    returning: traffic.warm.summary(),
    ope,
    training: null,
    trafficSeconds: traffic.elapsedSeconds,
    decisionsPerSecond: traffic.decisions / Math.max(traffic.elapsedSeconds, 1e-9),
    errors: { rank: traffic.rankErrors, reward: traffic.rewardErrors, eventsFailed: traffic.eventsFailed },
    recommendations: traffic.recommendations
      ? { ...traffic.recommendations.tally.summary(), productModel: null, rewardsSent: traffic.recommendations.rewardsSent, errors: traffic.recommendations.errors, training: null }
      : null,
  };
}

export function trainingRecord(result: TrainingRunResult, seconds: number, servedAfterSeconds: number | null): TrainingRecord {
  const r = result.report;
  const off = r.offPolicy;
  const p = r.policyComparison;
  return {
    status: result.status,
    version: result.version ?? null,
    reason: result.reason ?? null,
    seconds,
    servedAfterSeconds,
    usableDecisions: r.join?.used ?? null,
    validationAuc: r.validation?.model.auc ?? null,
    estimate: off?.greedy.dr && off.epsilonGreedy.dr
      ? { deployed: off.epsilonGreedy.dr.value, greedy: off.greedy.dr.value, lower: off.epsilonGreedy.dr.lower, upper: off.epsilonGreedy.dr.upper, logging: off.logging.value }
      : null,
    gate: p
      ? { reference: p.reference, referenceValue: p.referenceValue.value, gain: p.difference.value, gainLower: p.difference.lower, gainUpper: p.difference.upper, passed: p.passed }
      : null,
  };
}
