// Peak resident memory of this process while a step runs: sampled every 50 ms, because a long
// step allocates and frees in between and the end state hides its peak.
export interface RssSampler {
  /** Starts over from the current RSS (the next step's peak). */
  reset(): void;
  peakMiB(): number;
  peakMB(): number;
  stop(): void;
}

export function rssSampler(intervalMs = 50): RssSampler {
  let peak = process.memoryUsage().rss;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    reset: () => void (peak = process.memoryUsage().rss),
    peakMiB: () => Math.round(sample() / 2 ** 20),
    peakMB: () => Math.round(sample() / 1e6),
    stop: () => clearInterval(timer),
  };
}
