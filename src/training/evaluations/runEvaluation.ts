// One offline evaluation, from the raw archive to per-interval off-policy sums for each policy:
//   read the decisions of [from, to) and their rewards (readLoggedEvents, joinRewards: the
//   trainer's readers, so the same rewards count) → split by issue time: the earlier part trains
//   a GBDT the way the trainer does (contract derived from it, chosen-action rows, early stopping
//   on its latest tenth, DEFAULT_GBDT) → every later decision is scored with it (all its logged
//   actions, as the ranker built them) and each policy's probabilities give its importance weight
//   and doubly robust term (q̂ = the model's probability in reward units) → sums per time bucket
//   (offPolicySums.ts), from which any interval, expanding or rolling series is estimated.
// With discovery, a grid of exploration settings is scored on the same decisions and the best
// (by DR) is reported as one more policy.
import { columnNames } from '../../features/featureContract';
import { HistGradientBoostingClassifier } from '../../learners/gradientBoosting';
import { addDecision, addSums, emptySums, estimatesFromSums, sumsToArray, type OffPolicySums } from '../../learners/offPolicySums';
import type { StoredEvaluationResult } from '../../ranking/evaluations/evaluationStore';
import { TrainingDataError } from '../trainingDataError';
import { deriveFeatureContract } from '../offers/deriveFeatureContract';
import { readLoggedEvents, type ArchiveLocation } from '../offers/readLoggedEvents';
import { joinRewards, type JoinedDecision } from '../offers/rewardJoin';
import { DEFAULT_GBDT } from '../offers/runTraining';
import { splitByTime } from '../offers/timeSplit';
import { labelTotals } from '../offers/trainingGates';
import { chosenActionRows, decisionsActionMatrix } from '../offers/trainingRows';
import { actionProbabilities, DISCOVERED_POLICY_NAME, DISCOVERY_GRID, explorationRule, type CandidatePolicy } from './candidatePolicies';

/** Bucket widths tried, finest first; Personalizer's intervals (5 min to a day), then a week. */
export const BUCKET_MINUTES = [5, 60, 360, 720, 1440, 10_080] as const;
/** Buckets × policies kept at most: the stored evaluation stays well under Cosmos DB's 2 MB item limit. */
export const MAX_BUCKET_ROWS = 6000;
const CHUNK_DECISIONS = 2048;
/** Decisions an evaluation takes at most (the trainer's RetrainMaxDecisions default × 5): beyond, narrow the range. */
export const MAX_EVALUATION_DECISIONS = 500_000;

export interface EvaluationRunOptions {
  archive: ArchiveLocation;
  from: Date;
  to: Date;
  /** The learning settings in force (policySource Online: its value is what the logged decisions got). */
  online: { name: string; arguments: string };
  /** Custom candidates, in the request's order. */
  candidates: readonly { name: string; arguments: string }[];
  /** explorationPercentage now: a candidate without --epsilon keeps it. */
  currentEpsilon: number;
  discovery: boolean;
  now: Date;
  /** Share of the range's decisions (the earliest) the model learns from. Default 0.5. */
  trainFraction?: number;
  progress?: (step: string, done: number, total: number) => void;
}

/** What a run gives is what the evaluation document stores (src/ranking/evaluations/evaluationStore.ts). */
export type EvaluationOutcome = StoredEvaluationResult;
type PolicySeries = StoredEvaluationResult['policies'][number];

function requireBothOutcomes(part: string, examples: readonly JoinedDecision[]): void {
  const { positives, negatives } = labelTotals(examples);
  if (positives > 0 && negatives > 0) return;
  throw new TrainingDataError(`the ${part} part (${examples.length} decisions) has only one class of outcome (${positives > 0 ? 'all positive' : 'no positive rewards'}); widen the date range`);
}

/** Columns with gain, most important first, cut where the cumulative share of the gain passes 50% and 80%. */
export function importanceTiers(names: readonly string[], gain: ArrayLike<number>): string[][] {
  const ranked = names.map((name, i) => ({ name, gain: gain[i] })).filter((c) => c.gain > 0).sort((a, b) => b.gain - a.gain);
  const total = ranked.reduce((s, c) => s + c.gain, 0);
  const tiers: string[][] = [[], [], []];
  let before = 0;
  for (const c of ranked) {
    tiers[before < 0.5 * total ? 0 : before < 0.8 * total ? 1 : 2].push(c.name);
    before += c.gain;
  }
  return tiers.filter((t) => t.length > 0);
}

/** Lets the instance answer its other calls between the synchronous steps (the job runs on the host's event loop). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** 9 significant digits: the stored sums stay small and exact enough. */
const compact = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(9)) : 0);

export async function runEvaluation(opts: EvaluationRunOptions): Promise<EvaluationOutcome> {
  const progress = opts.progress ?? (() => {});
  const events = await readLoggedEvents(opts.archive, { from: opts.from, to: opts.to, onProgress: (done) => progress('read archive', done, 0) });
  await breathe();
  const { joined } = joinRewards(events, { nowMs: opts.now.getTime(), fromMs: opts.from.getTime(), toMs: opts.to.getTime() });
  await breathe();
  if (joined.length === 0) {
    throw new TrainingDataError(`NoLogsExistInDateRange: no decisions with a settled reward were logged in [${opts.from.toISOString()}, ${opts.to.toISOString()})`);
  }
  if (joined.length > MAX_EVALUATION_DECISIONS) {
    throw new TrainingDataError(`LogsSizeExceedAllowedLimit: ${joined.length} decisions in the range, at most ${MAX_EVALUATION_DECISIONS} are evaluated at once; narrow the date range`);
  }
  const split = splitByTime(joined, 1 - (opts.trainFraction ?? 0.5));
  const inner = splitByTime(split.train, 0.1);
  requireBothOutcomes('training', inner.train);
  requireBothOutcomes('early-stopping', inner.validation);

  const contract = deriveFeatureContract(split.train.map((j) => j.decision));
  await breathe();
  const fit = chosenActionRows(inner.train, contract);
  const early = chosenActionRows(inner.validation, contract);
  await breathe();
  progress('train', 0, DEFAULT_GBDT.nEstimators!);
  const model = new HistGradientBoostingClassifier(DEFAULT_GBDT).fit(fit, {
    validation: early,
    onIteration: (info) => progress('train', info.iteration + 1, DEFAULT_GBDT.nEstimators!),
  });
  const trainedOn = split.train.length;

  const policies: CandidatePolicy[] = [
    { name: 'Online', arguments: opts.online.arguments, source: 'Online', rule: { kind: 'logged' } },
    { name: 'Baseline', arguments: '', source: 'Baseline', rule: { kind: 'baseline' } },
    { name: 'Random', arguments: '', source: 'Random', rule: { kind: 'random' } },
    ...opts.candidates.map((c) => ({ name: c.name, arguments: c.arguments, source: 'Custom' as const, rule: explorationRule(c.arguments, opts.currentEpsilon) })),
  ];
  const grid: CandidatePolicy[] = opts.discovery
    ? DISCOVERY_GRID.map((args) => ({ name: DISCOVERED_POLICY_NAME, arguments: args, source: 'OfflineExperimentation' as const, rule: explorationRule(args, opts.currentEpsilon) }))
    : [];
  const all = [...policies, ...grid];

  const evaluated = split.validation;
  const n = evaluated.length;
  const bucketMinutes = BUCKET_MINUTES.find((m) => {
    const buckets = new Set(evaluated.map((j) => Math.floor(j.decision.issuedAtMs / (m * 60_000))));
    return buckets.size * (policies.length + 1) <= MAX_BUCKET_ROWS;
  }) ?? BUCKET_MINUTES[BUCKET_MINUTES.length - 1];
  const bucketMs = bucketMinutes * 60_000;
  const perPolicy: Map<number, OffPolicySums>[] = all.map(() => new Map());

  for (let start = 0; start < n; start += CHUNK_DECISIONS) {
    const end = Math.min(n, start + CHUNK_DECISIONS);
    const matrix = decisionsActionMatrix(evaluated.slice(start, end), contract);
    const rows = matrix.nRows;
    const probs = model.predictProba(matrix);
    let row = 0;
    for (let i = start; i < end; i++) {
      const { decision: d, reward } = evaluated[i];
      const k = d.actions.length;
      const { min, max } = d.reward;
      const q = Float64Array.from({ length: k }, (_, a) => min + probs[row + a] * (max - min));
      row += k;
      const view = { scores: q, excluded: d.actions.map((a) => a.excluded), logged: d.actions.map((a) => a.probability) };
      const propensity = d.actions[d.chosen].probability;
      const bucket = Math.floor(d.issuedAtMs / bucketMs) * bucketMs;
      all.forEach((policy, p) => {
        const pi = actionProbabilities(policy.rule, view, trainedOn);
        const w = pi[d.chosen] / propensity;
        let v = 0;
        for (let a = 0; a < k; a++) v += pi[a] * q[a];
        const sums = perPolicy[p].get(bucket) ?? perPolicy[p].set(bucket, emptySums()).get(bucket)!;
        addDecision(sums, w, reward, v + w * (reward - q[d.chosen]));
      });
    }
    progress('evaluate policies', end, n);
    await breathe();
  }

  // Each policy's DR value over the whole evaluated part: what discovery and optimalPolicy rank by.
  const value = perPolicy.map((buckets) => estimatesFromSums([...buckets.values()].reduce((t, b) => addSums(t, b), emptySums()))!.dr.value);
  const series = (p: number): PolicySeries => ({
    name: all[p].name,
    arguments: all[p].arguments,
    source: all[p].source,
    buckets: [...perPolicy[p].entries()].sort((a, b) => a[0] - b[0]).map(([startMs, s]) => [startMs, ...sumsToArray(s).map(compact)]),
  });
  // Reported: the built-in and custom policies, and the best grid point.
  const reported = policies.map((_, p) => p);
  if (grid.length > 0) {
    let best = policies.length;
    for (let p = best + 1; p < all.length; p++) if (value[p] > value[best]) best = p;
    reported.push(best);
  }
  const settings = reported.filter((p) => all[p].source !== 'Baseline' && all[p].source !== 'Random');
  const optimal = settings.reduce((b, p) => (value[p] > value[b] ? p : b), settings[0]);

  return {
    featureImportance: importanceTiers(columnNames(contract), model.featureImportance()),
    bucketMinutes,
    evaluatedFrom: new Date(split.cutoffMs).toISOString(),
    decisions: { joined: joined.length, trained: trainedOn, evaluated: n },
    policies: reported.map(series),
    optimalPolicy: all[optimal].name,
  };
}
