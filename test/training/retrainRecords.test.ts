// The scheduled retraining runs' records, which infra/'s alerts query: retraining.failed when a
// run throws (and the error still fails the timer), model.promoted, retraining.completed.
import { describe, expect, it } from 'vitest';
import { withRetrainRecords } from '../../src/training/retrainRecords';

describe('retraining records', () => {
  it('records retraining.failed (and rethrows), model.promoted, and retraining.completed', async () => {
    const got: [string, Record<string, unknown>, string | undefined][] = [];
    const log = (event: string, fields: Record<string, unknown>, level?: string) => void got.push([event, fields, level]);
    await expect(withRetrainRecords('retrainModel', 'offer-ranker', log, async () => { throw new Error('archive unreachable'); })).rejects.toThrow('archive unreachable');
    await withRetrainRecords('retrainModel', 'offer-ranker', log, async () => ({ status: 'promoted', model: 'offer-ranker', version: 'v7' }));
    await withRetrainRecords('retrainModel', 'offer-ranker', log, async () => ({ status: 'rejected', model: 'offer-ranker', reason: 'too few decisions' }));
    expect(got.map(([event, fields, level]) => [event, { ...fields, durationMs: typeof fields.durationMs }, level])).toEqual([
      ['retraining.failed', { function: 'retrainModel', model: 'offer-ranker', error: 'archive unreachable', durationMs: 'number' }, 'error'],
      ['model.promoted', { function: 'retrainModel', model: 'offer-ranker', version: 'v7', durationMs: 'number' }, undefined],
      ['retraining.completed', { function: 'retrainModel', model: 'offer-ranker', status: 'rejected', version: undefined, reason: 'too few decisions', durationMs: 'number' }, undefined],
    ]);
  });
});
