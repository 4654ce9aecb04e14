// The sliding window of decisions a continuous-learning run trains on. Each run re-reads its window
// from the archive, so the window, not the log, sets the cost: it is sized from the decision rate
// the previous run observed to hold about `maxDecisions`, and never spans more than the lookback.
// A run that found too few decisions (or none) widens the next window fourfold, up to the lookback.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Before any run: one day (a shop with more traffic is sized down by the next run). */
export const INITIAL_WINDOW_MS = DAY_MS;
/** Never narrower than this, however busy the shop: the split still needs time-ordered parts. */
export const MIN_WINDOW_MS = 10 * MINUTE_MS;
const WIDEN_FACTOR = 4;

export interface ObservedWindow {
  /** Length of the window the run read (ms). */
  ms: number;
  /** Decisions it found in that window. */
  decisions: number;
  /** The run stopped because the window held too few decisions to train on. */
  tooFew: boolean;
}

export interface WindowLimits {
  maxDecisions: number;
  lookbackMs: number;
}

export function nextWindowMs(previous: ObservedWindow | undefined, limits: WindowLimits): number {
  const clamp = (ms: number) => Math.min(limits.lookbackMs, Math.max(MIN_WINDOW_MS, Math.round(ms)));
  if (!previous) return clamp(INITIAL_WINDOW_MS);
  if (previous.decisions === 0 || (previous.tooFew && previous.decisions < limits.maxDecisions)) {
    // Sized from a rate this window would still be too short for: widen instead.
    const byRate = previous.decisions > 0 ? (limits.maxDecisions * previous.ms) / previous.decisions : 0;
    return clamp(Math.max(previous.ms * WIDEN_FACTOR, Math.min(byRate, previous.ms * WIDEN_FACTOR)));
  }
  return clamp((limits.maxDecisions * previous.ms) / previous.decisions);
}
