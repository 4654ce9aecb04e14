// Auto-optimization's rule: the best learning settings replace the online ones only when the lower
// end of their DR interval is above the online policy's DR value.
import { describe, expect, it } from 'vitest';
import { addDecision, emptySums, sumsToArray } from '../../../src/learners/offPolicySums';
import type { StoredEvaluationResult } from '../../../src/ranking/evaluations/evaluationStore';
import { autoDecision } from '../../../src/training/evaluations/autoOptimization';

/** A policy whose n decisions have DR terms 1 (k of them) and 0. */
function policy(name: string, source: 'Online' | 'OfflineExperimentation', n: number, k: number) {
  const s = emptySums();
  for (let i = 0; i < n; i++) addDecision(s, 1, i < k ? 1 : 0, i < k ? 1 : 0);
  return { name, arguments: `--epsilon ${source === 'Online' ? 0.2 : 0.05}`, source, buckets: [[0, ...sumsToArray(s)]] };
}
const result = (online: number, best: number, n: number): StoredEvaluationResult => ({
  bucketMinutes: 5, evaluatedFrom: '2026-11-01T00:00:00.000Z', decisions: { joined: 2 * n, trained: n, evaluated: n }, optimalPolicy: 'Optimized learning settings',
  policies: [policy('Online', 'Online', n, Math.round(online * n)), policy('Optimized learning settings', 'OfflineExperimentation', n, Math.round(best * n))],
});

describe('autoDecision', () => {
  it('applies clearly better settings', () => {
    // 0.5 vs 0.3 on 1,000 decisions: the interval's lower end (≈ 0.47) is above 0.3.
    expect(autoDecision(result(0.3, 0.5, 1000))).toMatchObject({ apply: { name: 'Optimized learning settings', arguments: '--epsilon 0.05' } });
  });
  it('keeps the online settings when the difference is within the interval, or when they are the best', () => {
    // 0.35 vs 0.3 on 100 decisions: the lower end (≈ 0.26) is below 0.3.
    const d = autoDecision(result(0.3, 0.35, 100));
    expect(d.apply).toBeUndefined();
    expect(d.reason).toMatch(/not clearly better/);
    expect(autoDecision({ ...result(0.5, 0.3, 100), optimalPolicy: 'Online' }).apply).toBeUndefined();
  });
});
