// Evaluations on the wire: the EvaluationContract check names the field, and both families'
// bodies are computed from the stored per-bucket sums (interval widening, expanding vs rolling,
// v1.0's IPS sums).
import { describe, expect, it } from 'vitest';
import { addDecision, emptySums, estimatesFromSums, sumsToArray } from '../../../src/learners/offPolicySums';
import type { EvaluationRecord } from '../../../src/ranking/evaluations/evaluationStore';
import { checkEvaluationRequest, checkSeriesQuery, previewEvaluation, stableEvaluation } from '../../../src/ranking/evaluations/evaluationWire';

const T0 = Date.UTC(2026, 10, 1);
const MIN = 60_000;

/** 12 five-minute buckets, bucket i with i + 1 decisions of reward 1 (w = 1) and one of reward 0 (w = 2). */
function record(): EvaluationRecord {
  const buckets = Array.from({ length: 12 }, (_, i) => {
    const s = emptySums();
    for (let k = 0; k <= i; k++) addDecision(s, 1, 1, 1);
    addDecision(s, 2, 0, 0);
    return [T0 + i * 5 * MIN, ...sumsToArray(s)];
  });
  return {
    evaluationId: 'e1', name: 'n', startTime: new Date(T0).toISOString(), endTime: new Date(T0 + 60 * MIN).toISOString(), creationTime: new Date(T0).toISOString(),
    status: 'Succeeded', policies: [], discovery: false, attempts: 1,
    result: { bucketMinutes: 5, evaluatedFrom: new Date(T0).toISOString(), decisions: { joined: 200, trained: 100, evaluated: 90 }, optimalPolicy: 'Online', policies: [{ name: 'Online', arguments: '--epsilon 0.2', source: 'Online', buckets }] },
  };
}
const query = (q: Record<string, string>) => ({ get: (k: string) => q[k] ?? null });

describe('EvaluationContract', () => {
  const ok = { name: 'x', startTime: '2026-11-01T00:00:00Z', endTime: '2026-11-02T00:00:00Z', policies: [] };
  it('names the field of each mistake', () => {
    expect(checkEvaluationRequest({ ...ok, extra: 1 })).toMatchObject({ ok: false, field: 'extra' });
    expect(checkEvaluationRequest({ ...ok, startTime: 'yesterday' })).toMatchObject({ ok: false, field: 'startTime' });
    expect(checkEvaluationRequest({ ...ok, policies: [{ name: 'online', arguments: '' }] })).toMatchObject({ ok: false, field: 'policies[0].name', code: 'DuplicateCustomPolicyNames' });
    expect(checkEvaluationRequest({ ...ok, policies: [{ name: 'optimized LEARNING settings', arguments: '' }] })).toMatchObject({ ok: false, field: 'policies[0].name' });
    expect(checkEvaluationRequest({ ...ok, policies: [{ name: 'a', arguments: '--epsilon 3' }] })).toMatchObject({ ok: false, field: 'policies[0].arguments', code: 'InvalidPolicyConfiguration' });
    expect(checkEvaluationRequest({ ...ok, enablePolicyOptimization: 'yes' })).toMatchObject({ ok: false, field: 'enablePolicyOptimization' });
    expect(checkEvaluationRequest({ ...ok, enableOfflineExperimentation: true })).toMatchObject({ ok: true, value: { discovery: true, startTime: '2026-11-01T00:00:00.000Z' } });
  });
});

describe('Evaluation bodies from the stored sums', () => {
  it('v1.0: one PolicyResultSummary per bucket with the IPS sums, and the total', () => {
    const body = stableEvaluation(record()) as any;
    expect(body.status).toBe('completed');
    const online = body.policyResults[0];
    expect(online.summary).toHaveLength(12);
    expect(online.summary[2]).toMatchObject({ ipsEstimatorNumerator: 3, ipsEstimatorDenominator: 4, snipsEstimatorDenominator: 5, sumOfSquares: 3, nonZeroProbability: 4, aggregateTimeWindow: 'PT5M' });
    expect(online.totalSummary).toMatchObject({ ipsEstimatorNumerator: 78, ipsEstimatorDenominator: 90, snipsEstimatorDenominator: 102, aggregateTimeWindow: 'PT0S' });
    expect(online.totalSummary.estimates.snips.value).toBeCloseTo(78 / 102, 12);
  });

  it('preview: intervals are sums of buckets; rolling shows each alone, expanding everything up to it', () => {
    const r = record();
    const rolling = previewEvaluation(r, (checkSeriesQuery(query({ intervalInMinutes: '60', window: 'rolling' }), r) as any).value) as any;
    expect(rolling.content.intervalInMinutes).toBe(60);
    expect(rolling.content.value[0].timeseries.data).toHaveLength(1);
    expect(rolling.content.value[0].timeseries.data[0].decisions).toBe(90);

    const fine = previewEvaluation(r, (checkSeriesQuery(query({}), r) as any).value) as any;
    const expanding = fine.content.value[0].timeseries.data;
    expect(expanding.map((d: any) => d.decisions)).toEqual(Array.from({ length: 12 }, (_, i) => ((i + 1) * (i + 2)) / 2 + (i + 1)));
    expect(expanding.at(-1).expectedReward).toBeCloseTo(fine.content.value[0].summary.expectedReward, 12);
    const rolled = previewEvaluation(r, (checkSeriesQuery(query({ window: 'Rolling' }), r) as any).value) as any;
    const s = emptySums();
    for (let k = 0; k < 4; k++) addDecision(s, 1, 1, 1);
    addDecision(s, 2, 0, 0);
    expect(rolled.content.value[0].timeseries.data[3].expectedReward).toBeCloseTo(estimatesFromSums(s)!.dr.value, 12);

    // A stored width wider than asked for: the stored one is used and said.
    const wide = { ...r, result: { ...r.result!, bucketMinutes: 60 } };
    expect((previewEvaluation(wide, (checkSeriesQuery(query({ intervalInMinutes: '5' }), wide) as any).value) as any).content.intervalInMinutes).toBe(60);
    // startTime / endTime restrict the points.
    const late = previewEvaluation(r, (checkSeriesQuery(query({ startTime: new Date(T0 + 30 * MIN).toISOString(), window: 'Rolling' }), r) as any).value) as any;
    expect(late.content.value[0].timeseries.data).toHaveLength(6);
  });

  it('refuses a query naming the parameter', () => {
    const r = record();
    expect(checkSeriesQuery(query({ intervalInMinutes: '7' }), r)).toMatchObject({ ok: false, field: 'intervalInMinutes' });
    expect(checkSeriesQuery(query({ window: 'Sliding' }), r)).toMatchObject({ ok: false, field: 'window' });
    expect(checkSeriesQuery(query({ startTime: 'soon' }), r)).toMatchObject({ ok: false, field: 'startTime' });
  });
});
