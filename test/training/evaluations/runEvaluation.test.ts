// The evaluation's feature importance tiers (v1.0's featureImportance). The run itself is tested
// end to end through the host in test/ranking/evaluationsApi.test.ts.
import { describe, expect, it } from 'vitest';
import { importanceTiers } from '../../../src/training/evaluations/runEvaluation';

describe('importance tiers', () => {
  it('cut the columns where the cumulative gain passes half and 80%, leaving out columns never split on', () => {
    expect(importanceTiers(['a', 'b', 'c', 'd', 'e'], [10, 40, 30, 20, 0])).toEqual([['b', 'c'], ['d'], ['a']]);
    expect(importanceTiers(['a'], [0])).toEqual([]);
  });
});
