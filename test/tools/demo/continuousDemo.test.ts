// The continuous-learning demo's pieces that need no embedded system: its command line, the app
// settings it runs with (the timer on, valid for the trainer's settings) and its closing report.
import { describe, it, expect } from 'vitest';
import { parseContinuousDemoArgs } from '../../../tools/demo/continuousCli';
import { CONTINUOUS_DEFAULTS, continuousSettings, summaryLines, type PolicyRun } from '../../../tools/demo/continuousDemo';
import { readTrainingSettings, retrainDisabled } from '../../../src/config/trainingSettings';
import { parsePolicyArguments } from '../../../src/ranking/configuration/policyArguments';

const run = (over: Partial<PolicyRun>): PolicyRun => ({
  policy: 'squarecb', arguments: '', appliedArguments: [], ignoredArguments: [], startSeconds: 5, seedSeconds: 20,
  firstPromotion: { version: 'v1', secondsFromStart: 88.4, secondsFromTraffic: 62, decisions: 1800 },
  promotions: [], checkpoints: [], chunks: [], decisions: 20_000, trafficSeconds: 500, decisionsPerSecond: 40, elapsedSeconds: 530, ...over,
});

describe('continuous-learning demo', () => {
  it('reads its command line, naming a bad flag', () => {
    expect(parseContinuousDemoArgs([])).toEqual(CONTINUOUS_DEFAULTS);
    expect(parseContinuousDemoArgs(['--checkpoints', '20000,10000', '--policies', 'squarecb', '--apprentice', '0'])).toMatchObject({
      checkpoints: [10_000, 20_000], policies: ['squarecb'], apprenticeDecisions: 0,
    });
    expect(() => parseContinuousDemoArgs(['--update-seconds', '10'])).toThrow(/--update-seconds must be at least 30/);
    expect(() => parseContinuousDemoArgs(['--policies', 'thompson'])).toThrow(/--policies/);
    expect(parseContinuousDemoArgs(['--help'])).toBe('help');
  });

  it('runs with continuous learning on (no manual training) and settings the trainer and the API accept', () => {
    const s = continuousSettings(CONTINUOUS_DEFAULTS);
    expect(retrainDisabled(s)).toBe(false);
    expect(readTrainingSettings(s)).toMatchObject({ schedule: '*/5 * * * * *', maxDecisions: CONTINUOUS_DEFAULTS.windowDecisions, disabled: false });
    const squareCb = parsePolicyArguments(CONTINUOUS_DEFAULTS.squareCbArguments);
    expect(squareCb).toMatchObject({ ok: true, options: { squareCb: { gammaScale: 10, gammaExponent: 0.5 }, ignored: [] } });
  });

  it('reports the first promotion, the lift at each checkpoint and the switch decision', () => {
    const summary = { decisions: 10_000 } as PolicyRun['checkpoints'][number]['summary'];
    const lines = summaryLines([
      run({ checkpoints: [{ decisions: 10_000, secondsFromTraffic: 250, served: 0.801, greedy: 0.85, summary }] }),
      run({
        policy: 'apprentice',
        firstPromotion: null,
        apprentice: {
          switched: true, switchedAtDecisions: 6400, secondsFromTraffic: 190, servedBefore: 0.01, servedAfter: 0.7, greedyAfter: 0.86,
          verdict: { decision: 'switched', reason: 'the learner beats the baseline over 5210 events: …', margin: 0.02, minEvents: 5000 }, metrics: null,
        },
      }),
    ]);
    expect(lines).toEqual([
      'squarecb: first model promoted 88 s after start (62 s, 1800 decisions into the traffic); 0 promotions; 20000 decisions at 40/s',
      '  after 10000 decisions: lift captured 80.1 % served / 85.0 % greedy',
      'apprentice: no model promoted; 0 promotions; 20000 decisions at 40/s',
      '  apprentice: switched to Online after 6400 decisions (190 s); served before 1.0 %, after 70.0 % served / 86.0 % greedy',
      "  the learner's decision: switched: the learner beats the baseline over 5210 events: …",
    ]);
  });
});
