import { describe, it, expect } from 'vitest';
import { PolicyTally } from '../../../tools/simulator/policyTally';
import { renderLineChart } from '../../../tools/demo/svgChart';
import { deployedEstimate, roundRecord, trainingRecord } from '../../../tools/demo/roundRecord';
import type { TrafficResult } from '../../../tools/simulator/traffic';
import type { OffPolicyReport } from '../../../src/learners/offPolicy';
import type { TrainingRunResult } from '../../../src/training';
import { emptyReport } from '../../../src/training/offers/trainingRunReport';
import { parseDemoArgs } from '../../../tools/demo/cli';
import { DEMO_DEFAULTS } from '../../../tools/demo/demoConfig';

describe('policy tally', () => {
  it('computes expected CTRs of served, greedy, oracle, random and popularity on the same decisions', () => {
    const t = new PolicyTally();
    const ids = ['a', 'b', 'c'];
    t.add({ actionIds: ids, trueProbabilities: [0.1, 0.5, 0.3], servingProbabilities: [0.1, 0.8, 0.1], chosen: 1, greedy: 1, clicked: true });
    t.add({ actionIds: ids, trueProbabilities: [0.4, 0.2, 0.0], servingProbabilities: [0.1, 0.8, 0.1], chosen: 0, greedy: 1, clicked: false });
    const s = t.summary();
    expect(s.decisions).toBe(2);
    expect(s.observedCtr).toBe(0.5);
    expect(s.oracleCtr).toBeCloseTo((0.5 + 0.4) / 2, 12);
    expect(s.randomCtr).toBeCloseTo((0.9 / 3 + 0.6 / 3) / 2, 12);
    expect(s.popularityOfferId).toBe('b');
    expect(s.popularityCtr).toBeCloseTo(0.35, 12);
    expect(s.greedyExpectedCtr).toBeCloseTo(0.35, 12);
    expect(s.expectedCtr).toBeCloseTo((0.01 + 0.4 + 0.03 + 0.04 + 0.16) / 2, 12);
    expect(s.greedyShown).toBe(1);
    expect(s.greedyObservedCtr).toBe(1);
    expect(s.oracleAgreement).toBe(0.5);
    expect(s.greedyLiftCaptured).toBeCloseTo((0.35 - s.randomCtr) / (s.oracleCtr - s.randomCtr), 12);
  });
});

describe('demo pieces', () => {
  it('draws an SVG line chart with every series and a legend', () => {
    const svg = renderLineChart({ title: 'CTR <test>', xLabel: 'round', yLabel: 'ctr', x: ['1', '2', '3'], series: [
      { name: 'oracle', values: [0.4, 0.41, 0.42], color: '#0a0', dashed: true },
      { name: 'ours', values: [0.2, null, 0.35], color: '#00a' },
    ] });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('CTR &lt;test&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain('>oracle</text>');
  });

  it('re-weights an epsilon-greedy DR estimate to another epsilon (DR is linear in the policy)', () => {
    // greedy 0.4, uniform 0.1: at ε 0.2 the value is 0.8·0.4 + 0.2·0.1 = 0.34; at ε 0.05, 0.385.
    expect(deployedEstimate(0.4, 0.34, 0.2, 0.05)).toBeCloseTo(0.385, 12);
    expect(deployedEstimate(0.4, 0.34, 0.2, 0.2)).toBe(0.34);
  });

  it("compares the next round with the estimate of the model that served it: the promoted one, or the kept one", () => {
    const est = (value: number) => ({ value, lower: value - 0.02, upper: value + 0.02, standardError: 0.01 });
    const report = (dr: number): OffPolicyReport => ({ n: 100, ips: est(dr), snips: est(dr), dr: est(dr), effectiveSampleSize: 50, clippedCount: 0, maxWeightSeen: 3, meanWeight: 1 });
    const tally = new PolicyTally();
    tally.add({ actionIds: ['a', 'b'], trueProbabilities: [0.4, 0.2], servingProbabilities: [0.85, 0.15], chosen: 0, greedy: 0, clicked: true });
    const traffic = { decisions: 1, tally, cold: new PolicyTally(), warm: tally, modelVersions: { 'v-old': 1 }, elapsedSeconds: 1, rankErrors: 0, rewardErrors: 0, eventsFailed: 0 } as unknown as TrafficResult;
    const run = emptyReport('offer-ranker', new Date(0), { from: null, to: null, now: new Date(0).toISOString() }, true);
    run.version = 'v-new';
    run.offPolicy = { policy: 'new model, greedy', decisions: 100, greedy: report(0.3), epsilonGreedy: report(0.28), logging: { ...est(0.2), n: 100 }, matchesLoggedAction: 0.5, agreesWithLoggingGreedy: 0.5, estimates: [] };
    run.currentModel = { version: 'v-old', recordedPolicyValue: 0.5, onValidation: { greedy: report(0.4), epsilonGreedy: report(0.37), matchesLoggedAction: 0.6, columns: 10 } };
    run.policyComparison = { reference: 'current model', source: 'the current model', decisions: 100, newValue: est(0.3), referenceValue: est(0.4), difference: est(-0.1), margin: 0.01, passed: false };
    const kept: TrainingRunResult = { status: 'registered', version: 'v-new', reason: 'not promoted', report: run };
    const record = roundRecord(1, traffic, 2, kept, 0.3, 0.3);
    expect(record.ope).toMatchObject({ version: 'v-old', kept: true, deployed: { estimate: 0.37, observed: 1 }, greedy: { estimate: 0.4 }, validationDecisions: 100 });
    expect(trainingRecord(kept, 3, null).gate).toEqual({ reference: 'current model', referenceValue: 0.4, gain: -0.1, gainLower: expect.closeTo(-0.12, 12), gainUpper: expect.closeTo(-0.08, 12), passed: false });
    const promoted = roundRecord(1, traffic, 2, { ...kept, status: 'promoted' }, 0.3, 0.3);
    expect(promoted.ope).toMatchObject({ version: 'v-new', kept: false, deployed: { estimate: 0.28 }, greedy: { estimate: 0.3 } });
  });

  it('parses the demo options over the defaults', () => {
    expect(parseDemoArgs([])).toEqual(DEMO_DEFAULTS);
    const c = parseDemoArgs(['--rounds', '3', '--decisions', '100', '--exploration', '0.3', '--out', 'x']);
    expect(c).toMatchObject({ rounds: 3, decisionsPerRound: 100, exploration: 0.3, finalExploration: 0.3, outDir: 'x' });
    expect(() => parseDemoArgs(['--rounds', '0'])).toThrow(/rounds/);
    expect(parseDemoArgs(['--help'])).toBe('help');
  });
});
