// Apprentice mode's report (ServiceConfiguration.latestApprenticeModeMetrics): how the learner
// compares with the baseline users were given. The baseline is served with probability 1, so the
// learner's reward is observed only where it chose the baseline too (imitated events); elsewhere it
// is estimated by the model's own score of its choice (the direct method), which is what decides
// when switching to Online pays. The learner computes this from the joined apprentice decisions and
// stores it with ConfigurationStore.writeApprenticeMetrics; GET /configurations/service shows it.

export interface ApprenticeOutcome {
  issuedAtMs: number;
  /** What users got (the decision's rewardActionId in Apprentice mode). */
  baselineActionId: string;
  /** The learner's choice (the decision's learnerActionId). */
  learnerActionId: string;
  /** The joined reward of the decision (the baseline's). */
  reward: number;
  /** The model's score of the learner's choice, when it scored (an estimate of its reward). */
  learnerScore?: number;
}

export interface ApprenticeMetrics {
  startTime: string;
  endTime: string;
  numberOfEvents: number;
  sumOfRewards: number;
  numberOfImitatedEvents: number;
  sumOfImitatedRewards: number;
  /** Share of events where the learner chose the baseline. */
  imitationRate: number;
  baselineAverageReward: number;
  /** Observed where imitated, the model's score elsewhere; null when some score is missing. */
  learnerEstimatedAverageReward: number | null;
  /** learnerEstimatedAverageReward − baselineAverageReward (positive: the learner would do better). */
  estimatedLift: number | null;
}

/** The averages of a period's totals; `learnerSum` is null when some learner choice had no estimate. */
export function apprenticeAverages(
  n: number,
  sumOfRewards: number,
  imitated: number,
  learnerSum: number | null,
): Pick<ApprenticeMetrics, 'imitationRate' | 'baselineAverageReward' | 'learnerEstimatedAverageReward' | 'estimatedLift'> {
  const learner = learnerSum === null ? null : learnerSum / n;
  return { imitationRate: imitated / n, baselineAverageReward: sumOfRewards / n, learnerEstimatedAverageReward: learner, estimatedLift: learner === null ? null : learner - sumOfRewards / n };
}

export function apprenticeMetrics(outcomes: readonly ApprenticeOutcome[]): ApprenticeMetrics | undefined {
  if (outcomes.length === 0) return undefined;
  let sum = 0;
  let imitated = 0;
  let imitatedSum = 0;
  let learnerSum = 0;
  let estimable = true;
  let from = Infinity;
  let to = -Infinity;
  for (const o of outcomes) {
    from = Math.min(from, o.issuedAtMs);
    to = Math.max(to, o.issuedAtMs);
    sum += o.reward;
    if (o.learnerActionId === o.baselineActionId) {
      imitated++;
      imitatedSum += o.reward;
      learnerSum += o.reward;
    } else if (o.learnerScore !== undefined && Number.isFinite(o.learnerScore)) {
      learnerSum += o.learnerScore;
    } else {
      estimable = false;
    }
  }
  return {
    startTime: new Date(from).toISOString(),
    endTime: new Date(to).toISOString(),
    numberOfEvents: outcomes.length,
    sumOfRewards: sum,
    numberOfImitatedEvents: imitated,
    sumOfImitatedRewards: imitatedSum,
    ...apprenticeAverages(outcomes.length, sum, imitated, estimable ? learnerSum : null),
  };
}
