import { describe, it, expect } from 'vitest';
import { apprenticeMetrics } from '../../../src/ranking/configuration/apprenticeMetrics';

describe('apprentice metrics', () => {
  it('counts imitated events and estimates the learner where it disagreed', () => {
    const t = Date.parse('2026-12-01T00:00:00Z');
    const m = apprenticeMetrics([
      { issuedAtMs: t, baselineActionId: 'a', learnerActionId: 'a', reward: 1 },
      { issuedAtMs: t + 1000, baselineActionId: 'a', learnerActionId: 'b', reward: 0, learnerScore: 0.8 },
      { issuedAtMs: t + 2000, baselineActionId: 'c', learnerActionId: 'c', reward: 0 },
      { issuedAtMs: t + 3000, baselineActionId: 'a', learnerActionId: 'd', reward: 1, learnerScore: 0.2 },
    ])!;
    expect(m).toMatchObject({ startTime: '2026-12-01T00:00:00.000Z', endTime: '2026-12-01T00:00:03.000Z', numberOfEvents: 4, sumOfRewards: 2, numberOfImitatedEvents: 2, sumOfImitatedRewards: 1, imitationRate: 0.5, baselineAverageReward: 0.5 });
    expect(m.learnerEstimatedAverageReward).toBeCloseTo((1 + 0.8 + 0 + 0.2) / 4, 12);
    expect(m.estimatedLift).toBeCloseTo(0, 12);
  });

  it('reports no estimate when a disagreeing decision has no learner score, and nothing without events', () => {
    expect(apprenticeMetrics([{ issuedAtMs: 0, baselineActionId: 'a', learnerActionId: 'b', reward: 1 }])).toMatchObject({ learnerEstimatedAverageReward: null, estimatedLift: null, imitationRate: 0 });
    expect(apprenticeMetrics([])).toBeUndefined();
  });
});
