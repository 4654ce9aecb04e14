// `node dist/bench/run.js train-vs-xgboost [rows] [features] [trees]`: our GBDT trainer and
// XGBoost's `hist` on the same rows, one after the other in one run: the train bench's synthetic
// data (tools/synthetic/gbdtDataset.ts, seed 7), the same time-ordered 80/20 split, the same
// parameters (trees, depth 6, learning rate 0.1, 256 bins, 2 threads, and XGBoost's defaults for
// the regularisation both have: L2 1, minimum hessian per child 1, no minimum row count, which
// our trainer's defaults set to 20), both scored on the same validation rows with the same metric
// code.
//
// XGBoost is Debian's python3-xgboost (1.7): installed here with apt-get when missing (as root, or
// through `sudo -n`), else the XGBoost side is skipped with the reason in the figures. Its time is
// DMatrix construction + training, as ours is binning + training (both from float32 arrays).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HistGradientBoostingClassifier } from '../src/learners/gradientBoosting';
import { logLoss, rocAuc } from '../src/learners/metrics';
import { makeSyntheticBinary, sliceRows } from '../tools/synthetic/gbdtDataset';
import { positional, positiveInteger } from '../tools/cli/commandLine';
import { createProgressRenderer } from '../tools/cli/progress';
import { rssSampler } from './support/rssSampler';
import { TrainingPhaseTimes } from '../src/learners/trainingPhases';

const progress = createProgressRenderer(process.stderr);
/** Debian's interpreter, the one its python3-xgboost is for (a python3 earlier on PATH, e.g. pyenv's, would not see it). */
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const THREADS = 2;
const DEPTH = 6;
const LEARNING_RATE = 0.1;
/** XGBoost's max_bin counts every bin; ours counts the missing bin too and stops at 255 (254 value bins + missing). */
const XGB_MAX_BIN = 256;
const OUR_MAX_BINS = 255;

function log(msg: string): void {
  progress.log(`[train-vs-xgboost] ${msg}`);
}

// Reads the float32 files the bench writes, trains, predicts, and prints one JSON line.
const XGB_SCRIPT = `
import json, resource, sys, time
import numpy as np
import xgboost as xgb
d, n_train, n_valid, trees, threads, depth, eta, max_bin, folder = sys.argv[1:]
d, n_train, n_valid, trees, threads, depth, max_bin = map(int, (d, n_train, n_valid, trees, threads, depth, max_bin))
x = np.fromfile(folder + '/train.f32', dtype=np.float32).reshape(n_train, d)
y = np.fromfile(folder + '/train.labels', dtype=np.uint8).astype(np.float32)
xv = np.fromfile(folder + '/valid.f32', dtype=np.float32).reshape(n_valid, d)
params = {'objective': 'binary:logistic', 'tree_method': 'hist', 'max_depth': depth, 'eta': float(eta),
          'max_bin': max_bin, 'nthread': threads, 'seed': 1, 'lambda': 1, 'min_child_weight': 1}
t0 = time.perf_counter()
c0 = time.process_time()
dtrain = xgb.DMatrix(x, label=y, missing=np.nan, nthread=threads)
t1 = time.perf_counter()
booster = xgb.train(params, dtrain, num_boost_round=trees)
t2 = time.perf_counter()
cpu = time.process_time() - c0
p = booster.predict(xgb.DMatrix(xv, missing=np.nan, nthread=threads))
p.astype(np.float64).tofile(folder + '/valid.proba')
print(json.dumps({'version': xgb.__version__, 'seconds': t2 - t0, 'dmatrixSeconds': t1 - t0, 'boostSeconds': t2 - t1,
                  'cpuSeconds': cpu, 'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

function hasXgboost(): boolean {
  return spawnSync(PYTHON, ['-c', 'import xgboost'], { stdio: 'ignore' }).status === 0;
}

/** Installs python3-xgboost with apt-get when possible; returns why not otherwise. */
function ensureXgboost(): string | null {
  if (hasXgboost()) return null;
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return 'python3-xgboost is not installed and apt-get is not available';
  const root = process.getuid?.() === 0;
  if (!root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) {
    return 'python3-xgboost is not installed; installing it needs root or password-less sudo (sudo -n apt-get install python3-xgboost)';
  }
  const apt = (args: string[]): boolean => {
    const [cmd, ...rest] = root ? ['apt-get', ...args] : ['sudo', '-n', 'apt-get', ...args];
    const r = spawnSync(cmd, rest, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return r.status === 0;
  };
  log('python3-xgboost missing: installing it with apt-get (Debian package)');
  // A machine whose package lists were never fetched finds nothing until `apt-get update`.
  if (!apt(['install', '-y', '-q', 'python3-xgboost']) && !(apt(['update', '-q']) && apt(['install', '-y', '-q', 'python3-xgboost']))) {
    return 'apt-get install python3-xgboost failed';
  }
  return hasXgboost() ? null : 'python3-xgboost installed but `import xgboost` still fails';
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const nRows = positional(args, 0, 'rows', positiveInteger, 1_000_000);
  const nFeatures = positional(args, 1, 'features', positiveInteger, 40);
  const nTrees = positional(args, 2, 'trees', positiveInteger, 200);
  const rss = rssSampler();
  const loadAtStart = os.loadavg()[0];
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'train-vs-xgboost-'));
  try {
    const { dataset } = makeSyntheticBinary({ nRows, nFeatures, seed: 7 });
    const nTrain = Math.floor(nRows * 0.8);
    const train = sliceRows(dataset, 0, nTrain);
    const valid = sliceRows(dataset, nTrain, nRows);
    log(`${nTrain} training rows × ${nFeatures}, ${nRows - nTrain} validation rows; ${nTrees} trees, depth ${DEPTH}, learning rate ${LEARNING_RATE}, ${THREADS} threads`);

    // Ours first, alone on the machine.
    const params = {
      nEstimators: nTrees,
      learningRate: LEARNING_RATE,
      maxDepth: DEPTH,
      maxBins: OUR_MAX_BINS,
      nThreads: THREADS,
      seed: 1,
      // XGBoost's lambda, min_child_weight, and its lack of a minimum row count per leaf.
      l2Regularization: 1,
      minChildWeight: 1,
      minSamplesLeaf: 1,
    };
    const phases = new TrainingPhaseTimes();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const model = new HistGradientBoostingClassifier(params).fit(train, {
      phases,
      onIteration: (it) => progress.update({ step: 'ours', done: it.iteration + 1, total: nTrees }),
    });
    const ourSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const ourCpuSeconds = (cpu.user + cpu.system) / 1e6;
    progress.end();
    const ourProba = model.predictProba(valid);
    const ours = {
      seconds: round(ourSeconds, 2),
      cpuSeconds: round(ourCpuSeconds, 2),
      cpuUtilisation: round(ourCpuSeconds / ourSeconds, 2),
      validAuc: round(rocAuc(valid.labels, ourProba), 5),
      validLogLoss: round(logLoss(valid.labels, ourProba), 5),
      peakRssMb: rss.peakMiB(),
      maxBins: OUR_MAX_BINS,
      // Wall seconds of the fit per phase (src/learners/trainingPhases.ts).
      phaseSeconds: phases.seconds(),
    };
    log(`ours: ${ours.seconds} s, AUC ${ours.validAuc}`);

    const skipped = ensureXgboost();
    if (skipped) {
      log(`XGBoost skipped: ${skipped}`);
      return { rows: nRows, features: nFeatures, trainRows: nTrain, trees: nTrees, threads: THREADS, ours, xgboost: null, xgboostSkipped: skipped, ratio: null };
    }
    fs.writeFileSync(path.join(folder, 'train.f32'), bytesOf(train.features));
    fs.writeFileSync(path.join(folder, 'train.labels'), bytesOf(train.labels));
    fs.writeFileSync(path.join(folder, 'valid.f32'), bytesOf(valid.features));
    fs.writeFileSync(path.join(folder, 'xgb.py'), XGB_SCRIPT);
    log('XGBoost training…');
    const out = execFileSync(
      PYTHON,
      [path.join(folder, 'xgb.py'), String(nFeatures), String(nTrain), String(nRows - nTrain), String(nTrees), String(THREADS), String(DEPTH), String(LEARNING_RATE), String(XGB_MAX_BIN), folder],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
    );
    const x = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number | string>;
    const xgbProba = new Float64Array(fs.readFileSync(path.join(folder, 'valid.proba')).buffer.slice(0));
    const xgboost = {
      version: x.version,
      seconds: round(x.seconds as number, 2),
      dmatrixSeconds: round(x.dmatrixSeconds as number, 2),
      boostSeconds: round(x.boostSeconds as number, 2),
      cpuSeconds: round(x.cpuSeconds as number, 2),
      cpuUtilisation: round((x.cpuSeconds as number) / (x.seconds as number), 2),
      validAuc: round(rocAuc(valid.labels, xgbProba), 5),
      validLogLoss: round(logLoss(valid.labels, xgbProba), 5),
      peakRssMb: Math.round(x.peakRssMb as number),
      maxBin: XGB_MAX_BIN,
    };
    log(`XGBoost ${xgboost.version}: ${xgboost.seconds} s, AUC ${xgboost.validAuc}`);
    return {
      rows: nRows,
      features: nFeatures,
      trainRows: nTrain,
      trees: nTrees,
      depth: DEPTH,
      learningRate: LEARNING_RATE,
      threads: THREADS,
      ours,
      xgboost,
      // Our time ÷ XGBoost's: ≤ 1 is the target.
      ratio: round(ours.seconds / xgboost.seconds, 3),
      ratioTarget: 1,
      aucDiff: round(ours.validAuc - xgboost.validAuc, 5),
      logLossDiff: round(ours.validLogLoss - xgboost.validLogLoss, 5),
      cpuCores: os.availableParallelism(),
      // 1-minute load average at the start and at the end (other engineers share the 2 cores).
      loadAverage1m: round(os.loadavg()[0], 2),
      loadAverage1mAtStart: round(loadAtStart, 2),
    };
  } finally {
    rss.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
