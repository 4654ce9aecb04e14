// Feature importances of the served offer model (Personalizer's FeatureImportances), by
// PERMUTATION on the logged window: the decisions of [from, to) with their joined rewards become
// the chosen-action rows the trainer builds (same feature builder, the model's own contract); the
// model's weighted log loss on them is the baseline; a feature's importance is how much the loss
// grows when that feature's columns are shuffled across rows (all of a one-hot or hashed feature's
// columns together), averaged over a few shuffles. A namespace (the top-level key of a feature
// object: `{"user": {"device": …}}` → `user`) is scored the same way with all its features
// shuffled together, so correlated features of one namespace are not undercounted.
//
// Why permutation and not the trees' split gains: the served model is ONNX (trained here or
// imported), whose trees keep no gains; permutation needs only the model's predictions, measures
// what the model uses on the traffic of the requested window (which the API's startTime/endTime
// name), and works for any model the scorer loads.
import type { FeatureContract, FeatureSpec } from '../../features/featureContract';
import { contractWidth, specWidth } from '../../features/featureContract';
import { SeededRandom } from '../../learners/random';
import type { ModelRegistry } from '../../models/modelRegistry';
import { loadModel } from '../../scoring/loadModel';
import { TrainingDataError } from '../trainingDataError';
import { readLoggedEvents, type ArchiveLocation } from './readLoggedEvents';
import { joinRewards } from './rewardJoin';
import { chosenActionRows } from './trainingRows';

export interface FeatureImportanceInput {
  archive: ArchiveLocation;
  registry: Pick<ModelRegistry, 'readCurrent' | 'loadVersion'>;
  modelName: string;
  from: Date;
  to: Date;
  now: Date;
  /** Rows used at most (the latest decisions of the window). Default 20,000. */
  maxRows?: number;
  /** Shuffles per feature, averaged. Default 3. */
  repeats?: number;
  seed?: number;
}

export interface FeatureScoreResult {
  namespace: string;
  featureName: string;
  /** Normalised: the most important feature scores 1. */
  score: number;
  /** Increase of the weighted log loss when the feature is shuffled. */
  lossIncrease: number;
}

export interface NamespaceScoreResult {
  namespace: string;
  score: number;
  lossIncrease: number;
}

export interface FeatureImportanceResult {
  method: 'permutation';
  metric: 'logLoss';
  modelVersion: string;
  decisions: number;
  rows: number;
  baselineLogLoss: number;
  featureScores: FeatureScoreResult[];
  namespaceScores: NamespaceScoreResult[];
}

/** Namespace and name of a contract feature as Personalizer reports them. */
export function featureNameOf(spec: FeatureSpec): { namespace: string; featureName: string } {
  if (spec.source === 'context' || spec.source === 'action') {
    const dot = spec.key.indexOf('.');
    return dot < 0 ? { namespace: spec.key, featureName: spec.key } : { namespace: spec.key.slice(0, dot), featureName: spec.key.slice(dot + 1) };
  }
  if (spec.source === 'profile') return { namespace: 'profile', featureName: spec.field };
  if (spec.source === 'profileAction') return { namespace: 'profile', featureName: `${spec.field}(${spec.actionKey})` };
  return { namespace: 'prior', featureName: 'prior' };
}

function weightedLogLoss(p: Float32Array, y: ArrayLike<number>, w: ArrayLike<number> | undefined): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
    const weight = w ? w[i] : 1;
    sum -= weight * (y[i] === 1 ? Math.log(q) : Math.log(1 - q));
    total += weight;
  }
  return total > 0 ? sum / total : 0;
}

/** Column ranges [start, end) of each contract feature in a row. */
function columnRanges(contract: FeatureContract): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (const f of contract.features) {
    const w = specWidth(f);
    out.push([start, start + w]);
    start += w;
  }
  return out;
}

function normalise<T extends { lossIncrease: number; score: number }>(items: T[]): T[] {
  const top = Math.max(0, ...items.map((i) => i.lossIncrease));
  for (const i of items) i.score = top > 0 ? Math.max(0, i.lossIncrease) / top : 0;
  return items.sort((a, b) => b.score - a.score || b.lossIncrease - a.lossIncrease);
}

export async function computeFeatureImportance(input: FeatureImportanceInput): Promise<FeatureImportanceResult> {
  const pointer = await input.registry.readCurrent(input.modelName);
  if (!pointer) throw new TrainingDataError(`model: no ${input.modelName} model is served yet; train or import one first`);
  const stored = await input.registry.loadVersion(input.modelName, pointer.version);
  const model = await loadModel(stored.bytes, stored.manifest, pointer.sha256);
  try {
    const contract = model.manifest.features;
    const log = await readLoggedEvents(input.archive, { from: input.from, to: input.to });
    let examples = joinRewards(log, { nowMs: input.now.getTime(), fromMs: input.from.getTime(), toMs: input.to.getTime() }).joined;
    if (examples.length === 0) {
      throw new TrainingDataError(`logs: no decisions with a known reward between ${input.from.toISOString()} and ${input.to.toISOString()}`);
    }
    const maxRows = input.maxRows ?? 20_000;
    if (examples.length > maxRows) examples = examples.slice(examples.length - maxRows);
    const data = chosenActionRows(examples, contract);
    const width = contractWidth(contract);
    const baseline = weightedLogLoss(await model.score(data.features, data.nRows), data.labels, data.weights);
    const ranges = columnRanges(contract);
    const repeats = input.repeats ?? 3;
    const random = new SeededRandom(input.seed ?? 1);
    const shuffled = new Float32Array(data.features.length);

    /** Mean loss increase with the given columns shuffled together across rows. */
    const lossIncrease = async (columns: [number, number][]): Promise<number> => {
      let sum = 0;
      for (let r = 0; r < repeats; r++) {
        shuffled.set(data.features);
        const order = Uint32Array.from({ length: data.nRows }, (_, i) => i);
        for (let i = order.length - 1; i > 0; i--) {
          const j = random.int(i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        for (let row = 0; row < data.nRows; row++) {
          const from = order[row] * width;
          for (const [a, b] of columns) for (let c = a; c < b; c++) shuffled[row * width + c] = data.features[from + c];
        }
        sum += weightedLogLoss(await model.score(shuffled, data.nRows), data.labels, data.weights) - baseline;
      }
      return sum / repeats;
    };

    const featureScores: FeatureScoreResult[] = [];
    const namespaces = new Map<string, [number, number][]>();
    for (let i = 0; i < contract.features.length; i++) {
      const names = featureNameOf(contract.features[i]);
      featureScores.push({ ...names, score: 0, lossIncrease: await lossIncrease([ranges[i]]) });
      const list = namespaces.get(names.namespace) ?? [];
      list.push(ranges[i]);
      namespaces.set(names.namespace, list);
    }
    const namespaceScores: NamespaceScoreResult[] = [];
    for (const [namespace, columns] of namespaces) namespaceScores.push({ namespace, score: 0, lossIncrease: await lossIncrease(columns) });
    return {
      method: 'permutation',
      metric: 'logLoss',
      modelVersion: pointer.version,
      decisions: examples.length,
      rows: data.nRows,
      baselineLogLoss: baseline,
      featureScores: normalise(featureScores),
      namespaceScores: normalise(namespaceScores),
    };
  } finally {
    await model.release();
  }
}
