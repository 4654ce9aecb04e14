import { describe, it, expect } from 'vitest';
import { parseDurationSeconds, formatDurationSeconds } from '../../src/common/isoDuration';

describe('ISO 8601 durations', () => {
  it.each([
    ['PT10M', 600], ['P7D', 604_800], ['PT1H30M', 5400], ['PT0.5S', 0.5], ['P1DT2H', 93_600], ['00:10:00', 600], ['1.00:00:00', 86_400],
  ])('%s is %d s', (text, seconds) => expect(parseDurationSeconds(text)).toBe(seconds));
  it.each(['', 'P', 'PT', '10M', 'P1W', 'P1M', 'PT-5M', '00:61:00', 'soon'])('refuses %j', (text) => expect(parseDurationSeconds(text)).toBeUndefined());
  it('formats the shortest form', () => {
    expect([600, 86_400, 93_600, 5, 0].map(formatDurationSeconds)).toEqual(['PT10M', 'P1D', 'P1DT2H', 'PT5S', 'PT0S']);
  });
});
