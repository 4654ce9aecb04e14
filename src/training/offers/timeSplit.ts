// Train / validation split by issue time: the latest decisions validate, as the model will be
// used on decisions after the ones it learnt from. Decisions issued in the same millisecond stay
// on one side.
import { TrainingDataError } from '../trainingDataError';

export interface TimeSplit<T> {
  train: T[];
  validation: T[];
  /** Issue time of the first validation decision. */
  cutoffMs: number;
}

/** `sorted` must be in issue-time order. */
export function splitByTime<T extends { decision: { issuedAtMs: number } }>(sorted: readonly T[], validationFraction: number): TimeSplit<T> {
  if (!(validationFraction > 0 && validationFraction < 1)) throw new RangeError(`validationFraction must be in (0, 1), got ${validationFraction}`);
  const n = sorted.length;
  let cut = Math.floor(n * (1 - validationFraction));
  while (cut > 0 && cut < n && sorted[cut].decision.issuedAtMs === sorted[cut - 1].decision.issuedAtMs) cut++;
  if (cut <= 0 || cut >= n) {
    throw new TrainingDataError(`split: ${n} decisions cannot be split by time into a training and a validation part (validation fraction ${validationFraction})`);
  }
  return { train: sorted.slice(0, cut), validation: sorted.slice(cut), cutoffMs: sorted[cut].decision.issuedAtMs };
}
