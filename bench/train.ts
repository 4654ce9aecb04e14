// `node dist/bench/run.js train [rows] [features] [trees]`: GBDT training speed/quality on synthetic
// data with a known generating function (tools/synthetic/gbdtDataset.ts), time-ordered 80/20 split.
import { rocAuc, logLoss } from '../src/learners/metrics';
import { makeSyntheticBinary, sliceRows } from '../tools/synthetic/gbdtDataset';
import { trainBinaryModel } from '../src/training/trainBinaryModel';
import { positional, positiveInteger } from '../tools/cli/commandLine';
import { createProgressRenderer } from '../tools/cli/progress';
import { rssSampler } from './support/rssSampler';
import { TrainingPhaseTimes } from '../src/learners/trainingPhases';

const progress = createProgressRenderer(process.stderr);

function log(msg: string): void {
  progress.log(`[train] ${msg}`);
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const nRows = positional(args, 0, 'rows', positiveInteger, 1_000_000);
  const nFeatures = positional(args, 1, 'features', positiveInteger, 40);
  const nTrees = positional(args, 2, 'trees', positiveInteger, 200);
  const rss = rssSampler();
  const loadAtStart = (await import('node:os')).loadavg()[0];

  try {
    const t0 = performance.now();
    const { dataset, trueProbability } = makeSyntheticBinary({ nRows, nFeatures, seed: 7 });
    const nTrain = Math.floor(nRows * 0.8);
    const train = sliceRows(dataset, 0, nTrain);
    const valid = sliceRows(dataset, nTrain, nRows);
    const validTrue = trueProbability.subarray(nTrain);
    log(`generated ${nRows}×${nFeatures} in ${((performance.now() - t0) / 1000).toFixed(1)} s; training ${nTrees} trees on ${nTrain} rows`);

    const tTrain = performance.now();
    const cpuBefore = process.cpuUsage();
    let trainCpuSeconds = 0;
    let trainWallSeconds = 0;
    const phases = new TrainingPhaseTimes();
    const result = await trainBinaryModel({
      phases,
      train,
      validation: valid,
      gbdt: { nEstimators: nTrees, learningRate: 0.1, maxDepth: 6, seed: 1 },
      metadata: { source: 'bench/train' },
      onIteration: (it) => {
        progress.update({ step: 'train', done: it.iteration + 1, total: nTrees });
        if (it.iteration === nTrees - 1 || it.iteration % 20 === 19) {
          const cpu = process.cpuUsage(cpuBefore);
          trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
          trainWallSeconds = (performance.now() - tTrain) / 1000;
        }
        if (it.iteration % 20 === 19) {
          const s = (performance.now() - tTrain) / 1000;
          log(`tree ${it.iteration + 1}: train loss ${it.trainLoss.toFixed(4)} valid loss ${it.validLoss?.toFixed(4)} at ${s.toFixed(1)} s`);
        }
      },
    });
    const r = result.report;
    const proba = result.model.predictProba(valid);
    const auc = rocAuc(valid.labels, proba);
    const bayesAuc = rocAuc(valid.labels, validTrue);
    return {
      rows: nRows,
      features: nFeatures,
      trees: result.model.trees.length,
      trainSeconds: round(r.trainSeconds, 2),
      trainSecondsTarget: 60,
      // CPU seconds (all threads) while training; wall time above also reflects other load on the machine.
      trainCpuSeconds: round(trainCpuSeconds, 2),
      // CPU seconds ÷ wall seconds of the same stretch (binning to the last tree): how much of the cores training used.
      cpuUtilisation: round(trainCpuSeconds / trainWallSeconds, 2),
      cpuUtilisationTarget: 1.8,
      rowsPerSecond: Math.round((nTrain * result.model.trees.length) / r.trainSeconds),
      peakRssMb: rss.peakMiB(),
      peakRssMbTarget: 2048,
      validAuc: round(auc, 5),
      bayesAuc: round(bayesAuc, 5),
      aucGap: round(bayesAuc - auc, 5),
      aucGapTarget: 0.005,
      validLogLoss: round(logLoss(valid.labels, proba), 5),
      bayesLogLoss: round(logLoss(valid.labels, validTrue), 5),
      baselineAuc: r.baseline ? round(r.baseline.validation.auc, 5) : null,
      baselineSeconds: r.baseline ? round(r.baseline.trainSeconds, 2) : null,
      onnxBytes: r.onnx.bytes,
      onnxParityMaxAbsDiff: r.onnx.parityMaxAbsDiff,
      onnxParityTarget: 1e-5,
      baselineOnnxParityMaxAbsDiff: r.baseline?.onnx.parityMaxAbsDiff ?? null,
      // Wall seconds of the fit per phase (src/learners/trainingPhases.ts).
      phaseSeconds: phases.seconds(),
      cpuCores: (await import('node:os')).availableParallelism(),
      // 1-minute load average at the start and at the end (other engineers share the 2 cores).
      loadAverage1m: round((await import('node:os')).loadavg()[0], 2),
      loadAverage1mAtStart: round(loadAtStart, 2),
    };
  } finally {
    rss.stop();
  }
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
