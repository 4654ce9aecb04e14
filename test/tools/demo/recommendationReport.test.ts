// The demo's recommendation figures: carried from the traffic into the round record, printed next
// to popularity and the oracle, charted, and the options that switch them.
import { describe, it, expect } from 'vitest';
import { PolicyTally } from '../../../tools/simulator/policyTally';
import { RecommendationTally } from '../../../tools/simulator/recommendationTally';
import type { TrafficResult } from '../../../tools/simulator/traffic';
import { roundRecord } from '../../../tools/demo/roundRecord';
import { recommendationChart, roundLines } from '../../../tools/demo/demoReport';
import { parseDemoArgs } from '../../../tools/demo/cli';
import { DEMO_DEFAULTS } from '../../../tools/demo/demoConfig';

function traffic(withRecommendations: boolean): TrafficResult {
  const tally = new PolicyTally();
  tally.add({ actionIds: ['a', 'b'], trueProbabilities: [0.1, 0.3], servingProbabilities: [0.2, 0.8], chosen: 1, greedy: 1, clicked: true });
  const recs = new RecommendationTally();
  recs.add({ served: 0.4, greedy: 0.4, explored: false, oracle: 0.6, popularity: 0.2, bestFixed: 0.35, random: 0.1, clicked: true, purchased: true, source: 'model' });
  recs.add({ served: 0.2, greedy: 0.3, explored: true, oracle: 0.4, popularity: 0.2, bestFixed: 0.25, random: 0.1, clicked: false, purchased: false, source: 'cold-start' });
  return {
    decisions: 1, sessions: 2, tally, cold: new PolicyTally(), warm: tally, clicks: 1, rewardsSent: 1, rewardErrors: 0, rankErrors: 0,
    eventsSent: 0, eventsAccepted: 0, eventsFailed: 0, arrivalsServed: 0, modelVersions: { priors: 1 }, elapsedSeconds: 1,
    ...(withRecommendations ? { recommendations: { tally: recs, rewardsSent: 1, errors: 0 } } : {}),
  };
}

describe('recommendation figures of the demo', () => {
  it('go from the traffic into the round record and its lines', () => {
    const record = roundRecord(0, traffic(true), 1, null, 0.3, 0.3);
    expect(record.recommendations).toMatchObject({ decisions: 2, clicks: 1, purchases: 1, observedCtr: 0.5, rewardsSent: 1, sources: { model: 1, 'cold-start': 1 } });
    expect(record.recommendations!.expectedCtr).toBeCloseTo(0.3, 12);
    expect(record.recommendations!.oracleCtr).toBeCloseTo(0.5, 12);
    expect(record.recommendations!.popularityCtr).toBeCloseTo(0.2, 12);
    record.recommendations!.productModel = { version: 'p-1', interactions: 500, trainedTo: '2026-01-01T00:00:00.000Z' };
    record.recommendations!.training = { version: 'p-2', seconds: 1.5, interactions: 700 };
    const text = roundLines(record).join('\n');
    expect(text).toContain('recommendations (2 lists of GET /api/recommendations, product model p-1): CTR served 50.0% observed, 30.0% expected (without exploration 35.0%; 50% explored) | popularity 20.0% | best fixed list 30.0% | oracle 50.0% | random 10.0%');
    expect(text).toContain('product model trained after the round: p-2 in 1.5 s on 700 interactions');
  });

  it('are absent without recommendation slots, and then there is no chart', () => {
    const record = roundRecord(0, traffic(false), 1, null, 0.3, 0.3);
    expect(record.recommendations).toBeNull();
    expect(roundLines(record).join('\n')).not.toContain('recommendations');
    expect(recommendationChart([record])).toBeNull();
  });

  it('are charted per round with popularity, the best fixed list and the oracle', () => {
    const svg = recommendationChart([roundRecord(0, traffic(true), 1, null, 0.3, 0.3), roundRecord(1, traffic(true), 2, null, 0.3, 0.3)])!;
    expect(svg.startsWith('<svg')).toBe(true);
    for (const name of ['oracle', 'served (expected)', 'best fixed list', 'popularity', 'random']) expect(svg).toContain(name);
  });

  it('are switched by --recommendations and --recommendation-n, with the flag named on bad input', () => {
    expect(DEMO_DEFAULTS.recommendationShare).toBeGreaterThan(0);
    expect(parseDemoArgs(['--recommendations', '0', '--recommendation-n', '6'])).toMatchObject({ recommendationShare: 0, recommendationN: 6 });
    expect(() => parseDemoArgs(['--recommendations', '1.5'])).toThrow(/--recommendations/);
    expect(() => parseDemoArgs(['--recommendation-n', '0'])).toThrow(/--recommendation-n/);
    expect(() => parseDemoArgs(['--recommendation-n', '51'])).toThrow(/--recommendation-n/);
  });
});
