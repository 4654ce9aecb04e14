// recommend:evaluate on the committed Online Retail sample: the whole import → archive →
// training → evaluation path against a real Azurite, and the report's last line.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateRecommenders, formatReport, RECOMMEND_EVALUATE } from '../../../../tools/commands/products/recommendEvaluate';
import { createProgressRenderer } from '../../../../tools/cli/progress';
import { CliUsageError, parseCommandLine } from '../../../../tools/cli/commandLine';

const SAMPLE = path.join(__dirname, '..', '..', '..', 'products', 'fixtures', 'online-retail-sample.csv');
const quiet = createProgressRenderer({ write: () => true });

describe('recommend:evaluate', () => {
  it('reports the four metrics in both modes for popularity, SAR and the re-scorer, last line JSON', async () => {
    const report = await evaluateRecommenders({ data: SAMPLE, trainBefore: new Date('2011-07-01T00:00:00Z'), progress: quiet });
    expect(report.users.all).toBeGreaterThan(5);
    const text = formatReport(report);
    const last = JSON.parse(text.trim().split('\n').pop()!);
    expect(Object.keys(last)).toEqual(['models', 'chosen']);
    expect(Object.keys(last.models)).toEqual(['popularity', 'sar', 'rescorer']);
    for (const scores of Object.values(last.models) as Record<string, Record<string, number>>[]) {
      for (const mode of ['all', 'new']) {
        expect(Object.keys(scores[mode])).toEqual(['precision@10', 'recall@10', 'ndcg@10', 'map@10']);
        for (const v of Object.values(scores[mode])) expect(v >= 0 && v <= 1).toBe(true);
      }
    }
    expect(['sar', 'rescorer']).toContain(last.chosen);
    expect(report.trainRows + report.testRows).toBe(1974);
  }, 120_000);

  it('names a missing or malformed flag', () => {
    expect(() => parseCommandLine(RECOMMEND_EVALUATE, ['--data', 'x.csv'])).toThrow(CliUsageError);
    expect(() => parseCommandLine(RECOMMEND_EVALUATE, ['--data', 'x.csv', '--train-before', 'July'])).toThrow(/--train-before/);
  });

  it('refuses a cut-off with no rows before it', async () => {
    await expect(evaluateRecommenders({ data: SAMPLE, trainBefore: new Date('2001-01-01T00:00:00Z'), progress: quiet })).rejects.toThrow(/--train-before/);
  });
});
