// `npm run recommend:evaluate -- --data <csv or csv.gz, Online Retail layout> --train-before <date>`:
// time-split offline evaluation through the production path. The rows before the cut-off go
// through the history import into a Capture-format archive (a throw-away Azurite), the
// recommender trains from that archive as `npm run train -- --model products` does, and every
// model recommends to the customers who bought both before and after the cut-off; their
// purchases after it are the truth. Progress on stderr; the summary on stdout, its last line
// `{"models": {...}, "chosen": "..."}`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { importHistory, HistoryDataError } from '../../../src/products/history/importHistory';
import { readHistory } from '../../../src/products/history/readHistory';
import { HistoryFileError } from '../../../src/products/history/readCsvFile';
import { CsvSyntaxError } from '../../../src/products/history/csvParser';
import { readInteractions } from '../../../src/training/products/archiveInteractions';
import { trainProductModel } from '../../../src/recommendations/trainProductModel';
import { decodeProductArtifact, encodeProductArtifact } from '../../../src/products/model/productArtifact';
import { EVALUATED_MODELS, evaluateModels, type EvaluatedModel, type ModelScores } from '../../../src/recommendations/offlineEvaluation';
import { command, CliUsageError, isoTime, option, runCommand, text } from '../../cli/commandLine';
import { createProgressRenderer, type ProgressRenderer } from '../../cli/progress';
import { startAzurite } from '../../local/services/azurite';

export const RECOMMEND_EVALUATE = command({
  usage: 'npm run recommend:evaluate -- --data <csv|csv.gz> --train-before <date>',
  summary: 'Time-split offline evaluation of popularity, SAR and the re-scorer through the\nimport → archive → training path; precision, recall, NDCG and MAP at 10, modes all and new.',
  options: {
    data: option('purchase history in the Online Retail layout (or another layout history:import reads)', text, { placeholder: '<file>', required: true }),
    'train-before': option('cut-off: train on rows before it, test on the rest', isoTime, { required: true }),
    'test-before': option('end of the test period (default: the end of the data)', isoTime),
    'time-zone': option('time zone of date-times without an offset', text, { default: 'Europe/London' }),
  },
  notes: 'The last line of stdout is one JSON object: {"models": {name: {"all": {...}, "new": {...}}}, "chosen": name}.',
});

type MetricsJson = Record<'precision@10' | 'recall@10' | 'ndcg@10' | 'map@10', number>;

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const metricsOf = (m: ModelScores['all']): MetricsJson => ({
  'precision@10': round(m['precision@10']), 'recall@10': round(m['recall@10']), 'ndcg@10': round(m['ndcg@10']), 'map@10': round(m['map@10']),
});

export interface EvaluationReport {
  models: Record<EvaluatedModel, { all: MetricsJson; new: MetricsJson }>;
  chosen: EvaluatedModel;
  trainSeconds: number;
  users: { all: number; new: number };
  trainRows: number;
  testRows: number;
}

export async function evaluateRecommenders(opts: { data: string; trainBefore: Date; testBefore?: Date; timeZone?: string; progress: ProgressRenderer }): Promise<EvaluationReport> {
  const { progress } = opts;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'recommend-evaluate-'));
  const azurite = await startAzurite({ dataDir, port: 0 });
  try {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('archive');
    await container.createIfNotExists();
    const imported = await importHistory(opts.data, container, {
      source: 'evaluation', before: opts.trainBefore, timeZone: opts.timeZone, progress: (p) => progress.update(p),
    });
    if (imported.counts.purchases === 0) throw new CliUsageError(`--train-before ${opts.trainBefore.toISOString()}: no purchase rows before it`);
    progress.log(`imported ${imported.counts.purchases} purchase lines before the cut-off into ${imported.archive?.blobs} archive blobs`);
    const started = process.hrtime.bigint();
    const { log, counts } = await readInteractions({ container }, { progress: (p) => progress.update(p) });
    const trained = trainProductModel(log, { nowMs: opts.trainBefore.getTime(), progress: (p) => progress.update(p) });
    // Score with what serving loads: the registry artifact, decoded (flat trees, float32 tables).
    const bytes = encodeProductArtifact(trained, log.userSegment);
    const trainSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    trained.model = decodeProductArtifact(bytes).model;
    progress.log(`trained from ${counts.interactions} archived interactions in ${trainSeconds.toFixed(1)} s`);

    const test = await readHistory(opts.data, { from: opts.trainBefore, before: opts.testBefore, timeZone: opts.timeZone, progress: (p) => progress.update(p) });
    const truth = new Map<string, Set<string>>();
    const segments = new Map<string, string>();
    for (const line of test.lines) {
      if (line.user === undefined) continue;
      let items = truth.get(line.user);
      if (!items) truth.set(line.user, (items = new Set()));
      items.add(line.item);
    }
    for (let u = 0; u < log.users.size; u++) {
      const segment = log.userSegment[u];
      if (segment !== undefined) segments.set(log.users.ids[u], segment);
    }
    const scores = evaluateModels(trained, truth, EVALUATED_MODELS, (user) => segments.get(user));
    const models = Object.fromEntries(EVALUATED_MODELS.map((m) => [m, { all: metricsOf(scores[m].all), new: metricsOf(scores[m].new) }])) as EvaluationReport['models'];
    // What training serves: the re-scorer when it was learned (it was chosen over SAR by
    // measurement, docs/recommendations.md), else SAR.
    const chosen: EvaluatedModel = trained.model.rescorer ? 'rescorer' : 'sar';
    return { models, chosen, trainSeconds, users: { all: scores.sar.all.users, new: scores.sar.new.users }, trainRows: imported.counts.purchases, testRows: test.counts.purchases };
  } finally {
    await azurite.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatReport(r: EvaluationReport): string {
  const lines = [`users: ${r.users.all} (all), ${r.users.new} (new); train rows ${r.trainRows}, test rows ${r.testRows}; trainSeconds ${r.trainSeconds.toFixed(1)}`];
  for (const [name, m] of Object.entries(r.models)) {
    for (const mode of ['all', 'new'] as const) {
      const x = m[mode];
      lines.push(`${name.padEnd(11)} ${mode.padEnd(4)} P@10 ${x['precision@10'].toFixed(4)}  R@10 ${x['recall@10'].toFixed(4)}  NDCG@10 ${x['ndcg@10'].toFixed(4)}  MAP@10 ${x['map@10'].toFixed(4)}`);
    }
  }
  const sar = r.models.sar;
  const chosen = r.models[r.chosen];
  lines.push(`chosen ${r.chosen}: NDCG@10 new ${(chosen.new['ndcg@10'] / sar.new['ndcg@10']).toFixed(3)} × SAR, all ${(chosen.all['ndcg@10'] / sar.all['ndcg@10']).toFixed(3)} × SAR`);
  lines.push(JSON.stringify({ models: r.models, chosen: r.chosen }));
  return lines.join('\n');
}

if (require.main === module) {
  void runCommand(RECOMMEND_EVALUATE, async (args) => {
    const progress = createProgressRenderer(process.stderr);
    try {
      if (args['test-before'] && !(args['train-before'] < args['test-before'])) throw new CliUsageError('--test-before must be after --train-before');
      const report = await evaluateRecommenders({ data: path.resolve(args.data), trainBefore: args['train-before'], testBefore: args['test-before'], timeZone: args['time-zone'], progress });
      progress.end();
      process.stdout.write(`${formatReport(report)}\n`);
    } finally {
      progress.end();
    }
  }, { expected: [HistoryFileError, HistoryDataError, CsvSyntaxError] });
}
