import { describe, expect, it } from 'vitest';
import { INITIAL_WINDOW_MS, MIN_WINDOW_MS, nextWindowMs } from '../../../src/training/continuousLearning/learningWindow';

const HOUR = 3_600_000;
const limits = { maxDecisions: 10_000, lookbackMs: 28 * 24 * HOUR };

describe('the sliding window of continuous learning', () => {
  it('starts with a day, then holds about maxDecisions at the observed rate', () => {
    expect(nextWindowMs(undefined, limits)).toBe(INITIAL_WINDOW_MS);
    // 40,000 decisions in the first day: the next window is a quarter of it.
    expect(nextWindowMs({ ms: 24 * HOUR, decisions: 40_000, tooFew: false }, limits)).toBe(6 * HOUR);
    // A quiet shop: 500 a day, so 20 days hold 10,000.
    expect(nextWindowMs({ ms: 24 * HOUR, decisions: 500, tooFew: false }, limits)).toBe(20 * 24 * HOUR);
  });

  it('widens fourfold after an empty or too-small window, up to the lookback', () => {
    expect(nextWindowMs({ ms: 24 * HOUR, decisions: 0, tooFew: true }, limits)).toBe(4 * 24 * HOUR);
    expect(nextWindowMs({ ms: 24 * HOUR, decisions: 20, tooFew: true }, limits)).toBe(4 * 24 * HOUR);
    expect(nextWindowMs({ ms: 20 * 24 * HOUR, decisions: 0, tooFew: true }, limits)).toBe(limits.lookbackMs);
  });

  it('stays within [10 minutes, lookback] however busy or quiet', () => {
    expect(nextWindowMs({ ms: HOUR, decisions: 10_000_000, tooFew: false }, limits)).toBe(MIN_WINDOW_MS);
    expect(nextWindowMs({ ms: 24 * HOUR, decisions: 1, tooFew: false }, limits)).toBe(limits.lookbackMs);
    expect(nextWindowMs(undefined, { maxDecisions: 10_000, lookbackMs: HOUR })).toBe(HOUR);
  });
});
