// Apprentice mode's running report (latestApprenticeModeMetrics) and the opt-in switch to Online.
//
// Metrics: after each run in Apprentice mode the learner adds the window's apprentice decisions it
// has not counted yet (issued after lastProcessedEventTime) to the totals of the apprentice period,
// with Personalizer's fields (numberOfEvents, sumOfRewards, numberOfImitatedEvents,
// sumOfImitatedRewards, lastProcessedEventTime, lastBatchMetrics) and ours: the learner's
// estimated reward from its logged choices (observed where it imitated the baseline, its model's
// predicted reward elsewhere: ranking/configuration/apprenticeMetrics.ts) and the latest held-out
// evaluation of the model Online mode would serve.
//
// Switch (learning settings --auto_online_margin m [--auto_online_min_events n]): Online once
//   1. the period has compared at least n events (default 1000), and
//   2. the run's held-out evaluation says the served model beats the baseline by at least m: on the
//      run's validation decisions (the newest, never trained on), the served model's greedy policy
//      value (DR: the observed reward where it picks the baseline, the model's estimate elsewhere)
//      minus the baseline's observed average reward ≥ m. The served model is the one this run
//      promoted, else the current one (evaluated by the run on the same decisions).
// Every run records its verdict (autoOnline.decision: waiting / switched, with the reason) in the
// metrics, which GET configurations/service shows, and in the log.
import { apprenticeAverages, apprenticeMetrics, type ApprenticeMetrics, type ApprenticeOutcome } from '../../ranking/configuration/apprenticeMetrics';
import type { JoinedDecision } from '../offers/rewardJoin';
import type { TrainingRunReport } from '../offers/trainingRunReport';

export interface AutoOnlineSettings {
  margin: number;
  minEvents: number;
}

export interface HeldOutComparison {
  /** The model Online mode would serve (promoted by this run, or the current one). */
  modelVersion: string;
  decisions: number;
  learnerValue: number;
  baselineValue: number;
  estimatedLift: number;
  evaluatedAt: string;
}

export interface AutoOnlineVerdict {
  margin: number;
  minEvents: number;
  decision: 'waiting' | 'switched';
  reason: string;
  decidedAt: string;
}

/** What GET configurations/service shows as latestApprenticeModeMetrics (stored as is). */
export interface ApprenticeModeMetrics extends ApprenticeMetrics {
  lastProcessedEventTime: string;
  lastBatchMetrics: { numberOfEvents: number; sumOfRewards: number; sumOfImitatedRewards: number };
  /** Sum of the learner's per-event estimates (null once an event had no score). */
  sumOfLearnerEstimatedRewards: number | null;
  latestEvaluation: HeldOutComparison | null;
  autoOnline: AutoOnlineVerdict | null;
  /** Set when the period ended (switched to Online, or the mode was changed): the next Apprentice period starts afresh. */
  endedAt?: string;
}

/** The window's apprentice decisions as outcomes: the learner's choice estimated in reward units. */
export function apprenticeOutcomes(joined: readonly JoinedDecision[], afterMs: number): ApprenticeOutcome[] {
  const out: ApprenticeOutcome[] = [];
  for (const { decision: d, reward } of joined) {
    if (d.learningMode !== 'Apprentice' || d.learnerActionId === undefined || d.issuedAtMs <= afterMs) continue;
    const learner = d.actions.find((a) => a.id === d.learnerActionId);
    const { min, max } = d.reward;
    out.push({
      issuedAtMs: d.issuedAtMs,
      baselineActionId: d.rewardActionId,
      learnerActionId: d.learnerActionId,
      reward,
      ...(learner?.score !== null && learner?.score !== undefined ? { learnerScore: min + learner.score * (max - min) } : {}),
    });
  }
  return out;
}

/** The period's totals with the new batch added; a previous period that ended is not continued. */
export function accumulate(previous: ApprenticeModeMetrics | undefined, batch: readonly ApprenticeOutcome[], latestEvaluation: HeldOutComparison | null): ApprenticeModeMetrics | undefined {
  const prev = previous && previous.endedAt === undefined ? previous : undefined;
  const b = apprenticeMetrics(batch);
  if (!prev && !b) return undefined;
  const n = (prev?.numberOfEvents ?? 0) + (b?.numberOfEvents ?? 0);
  const sum = (prev?.sumOfRewards ?? 0) + (b?.sumOfRewards ?? 0);
  const imitated = (prev?.numberOfImitatedEvents ?? 0) + (b?.numberOfImitatedEvents ?? 0);
  const imitatedSum = (prev?.sumOfImitatedRewards ?? 0) + (b?.sumOfImitatedRewards ?? 0);
  const prevLearner = prev ? prev.sumOfLearnerEstimatedRewards : 0;
  const batchLearner = b ? (b.learnerEstimatedAverageReward === null ? null : b.learnerEstimatedAverageReward * b.numberOfEvents) : 0;
  const learnerSum = prevLearner === null || batchLearner === null ? null : prevLearner + batchLearner;
  const lastMs = Math.max(prev ? Date.parse(prev.lastProcessedEventTime) : -Infinity, b ? Date.parse(b.endTime) : -Infinity);
  const averages = apprenticeAverages(n, sum, imitated, learnerSum);
  // Field by field: the stored document (GET configurations/service) keeps this order.
  return {
    startTime: prev?.startTime ?? b!.startTime,
    endTime: new Date(lastMs).toISOString(),
    numberOfEvents: n,
    sumOfRewards: sum,
    numberOfImitatedEvents: imitated,
    sumOfImitatedRewards: imitatedSum,
    lastProcessedEventTime: new Date(lastMs).toISOString(),
    lastBatchMetrics: { numberOfEvents: b?.numberOfEvents ?? 0, sumOfRewards: b?.sumOfRewards ?? 0, sumOfImitatedRewards: b?.sumOfImitatedRewards ?? 0 },
    imitationRate: averages.imitationRate,
    baselineAverageReward: averages.baselineAverageReward,
    sumOfLearnerEstimatedRewards: learnerSum,
    learnerEstimatedAverageReward: averages.learnerEstimatedAverageReward,
    estimatedLift: averages.estimatedLift,
    latestEvaluation: latestEvaluation ?? prev?.latestEvaluation ?? null,
    autoOnline: prev?.autoOnline ?? null,
  };
}

/** The held-out comparison of a run's report, when it evaluated a model Online would serve. */
export function heldOutComparison(report: TrainingRunReport | undefined, now: Date): HeldOutComparison | null {
  const off = report?.offPolicy;
  if (!report || !off) return null;
  const baseline = off.logging.value;
  let version: string | null = null;
  let value: number | undefined;
  if (report.status === 'promoted' && report.version) {
    version = report.version;
    value = off.greedy.dr?.value;
  } else if (report.currentModel?.version && report.currentModel.onValidation) {
    version = report.currentModel.version;
    value = report.currentModel.onValidation.greedy.dr?.value;
  }
  if (version === null || value === undefined) return null;
  return { modelVersion: version, decisions: off.decisions, learnerValue: value, baselineValue: baseline, estimatedLift: value - baseline, evaluatedAt: now.toISOString() };
}

export function autoOnlineVerdict(metrics: ApprenticeModeMetrics, evaluation: HeldOutComparison | null, settings: AutoOnlineSettings, now: Date): AutoOnlineVerdict {
  const base = { margin: settings.margin, minEvents: settings.minEvents, decidedAt: now.toISOString() };
  if (metrics.numberOfEvents < settings.minEvents) {
    return { ...base, decision: 'waiting', reason: `${metrics.numberOfEvents} of the ${settings.minEvents} apprentice events needed have been compared` };
  }
  if (!evaluation) return { ...base, decision: 'waiting', reason: 'this run evaluated no model Online mode would serve (none promoted or current)' };
  const shown = `model ${evaluation.modelVersion} on ${evaluation.decisions} held-out decisions: ${evaluation.learnerValue.toFixed(4)} vs the baseline's ${evaluation.baselineValue.toFixed(4)} (lift ${evaluation.estimatedLift >= 0 ? '+' : ''}${evaluation.estimatedLift.toFixed(4)}, margin ${settings.margin})`;
  if (evaluation.estimatedLift < settings.margin) return { ...base, decision: 'waiting', reason: `the learner does not beat the baseline by the margin yet: ${shown}` };
  return { ...base, decision: 'switched', reason: `the learner beats the baseline over ${metrics.numberOfEvents} events: ${shown}` };
}
