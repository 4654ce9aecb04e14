// Where a GBDT fit spends its wall time, phase by phase, measured on the calling thread. Every
// loop that runs on worker threads also runs a part on the calling thread, which waits for the
// others before going on, so the phases add up to the fit's wall time (less `other`'s share of
// bookkeeping between them). Filled only when the caller asks for it (FitOptions.phases).

/** The phases in the order a fit meets them. */
export const TRAINING_PHASES = [
  /** Training state: shared buffers (the raw features copied there for the workers), worker threads started. */
  'setup',
  /** Bin thresholds: gathering the sampled rows, sorting each feature's values, choosing cut points. */
  'binThresholds',
  /** Mapping the training and validation rows to bins, into the trainer's row-major layout. */
  'binRows',
  /** Gradient and hessian of every row, with the training loss. */
  'gradients',
  /** Copying a tree's sampled rows (subsample < 1). */
  'sampling',
  /** The root's gradient and hessian sums. */
  'rootSums',
  'histograms',
  /** The larger child's histogram as parent − smaller child, and the best split of each child. */
  'splitSearch',
  /** Moving a split node's rows into its children's slot ranges. */
  'partitions',
  /** Training margins += the new tree's leaf values. */
  'trainMargins',
  /** Validation margins += the new tree's output, and the validation loss at them (one pass). */
  'validMargins',
] as const;

export type TrainingPhase = (typeof TRAINING_PHASES)[number];

export class TrainingPhaseTimes {
  /** Milliseconds per phase. */
  readonly ms: Record<TrainingPhase, number> = Object.fromEntries(TRAINING_PHASES.map((p) => [p, 0])) as Record<TrainingPhase, number>;
  /** Milliseconds from the start of fit to its end. */
  totalMs = 0;
  /** Of the phases' time, milliseconds the calling thread waited for worker threads to finish their parts. */
  waitMs = 0;
  /** Threads the fit ran on (1 for small data, or where worker threads cannot start). */
  threads = 0;

  add(phase: TrainingPhase, since: number): number {
    const now = performance.now();
    this.ms[phase] += now - since;
    return now;
  }

  /** Seconds per phase (3 decimals), `other` = total − the phases, `total`, and `waitingForWorkers` (within the phases). */
  seconds(): Record<TrainingPhase | 'other' | 'total' | 'waitingForWorkers', number> {
    const out = {} as Record<TrainingPhase | 'other' | 'total' | 'waitingForWorkers', number>;
    let sum = 0;
    for (const p of TRAINING_PHASES) {
      out[p] = Math.round(this.ms[p]) / 1000;
      sum += this.ms[p];
    }
    out.other = Math.round(this.totalMs - sum) / 1000;
    out.total = Math.round(this.totalMs) / 1000;
    out.waitingForWorkers = Math.round(this.waitMs) / 1000;
    return out;
  }
}
