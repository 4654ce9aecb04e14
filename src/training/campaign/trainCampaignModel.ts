// Trains the conversion model on a time-split training set: the candidates (the project's trainer
// trainBinaryModel gives the GBDT and the logistic baseline, campaignCandidates.ts the random
// forest), each exported to ONNX and checked against onnxruntime; the best by validation AUC is
// the model, and its registry manifest is prepared.
import type { CampaignData } from '../../campaign/data/campaignFiles';
import type { ManifestInput } from '../../models/modelManifest';
import { trainBinaryModel, type TrainBinaryModelResult } from '../trainBinaryModel';
import type { HistGradientBoostingParams } from '../../learners/gradientBoosting';
import { buildTrainingSet, type CampaignTrainingSet } from './campaignTrainingSet';
import type { TrainingProgress } from '../trainingProgress';
import type { RandomForestParams } from '../../learners/randomForest';
import {
  CANDIDATE_NAMES, candidateReport, candidatesOfBinaryModel, chooseCandidate, trainForestCandidate,
  type Candidate, type CandidateName, type CandidateReport,
} from './campaignCandidates';

export const CAMPAIGN_MODEL_NAME = 'campaign';

export const CAMPAIGN_GBDT_DEFAULTS: HistGradientBoostingParams = {
  nEstimators: 300,
  learningRate: 0.1,
  maxDepth: 6,
  minSamplesLeaf: 100,
  l2Regularization: 1,
  earlyStoppingRounds: 30,
  seed: 1,
};

export interface TrainCampaignOptions {
  validationFraction?: number;
  gbdt?: HistGradientBoostingParams;
  forest?: RandomForestParams;
  /** Which models compete (default all three); the GBDT is always trained. */
  candidates?: readonly CandidateName[];
  /** Where the data came from, for the manifest (e.g. "folder data/", "blob campaign-data/"). */
  source?: string;
  log?: (message: string) => void;
  /** Trees grown so far, of at most `total`. */
  progress?: (p: TrainingProgress) => void;
}

export interface TrainedCampaignModel {
  set: CampaignTrainingSet;
  /** The GBDT candidate (and the logistic baseline) as the project's trainer returns them. */
  result: TrainBinaryModelResult;
  /** The model chosen, its ONNX bytes (what is registered) and why it was chosen. */
  chosen: Candidate;
  onnx: Uint8Array;
  choice: string;
  /** Every candidate's validation AUC, log loss and training time, in training order. */
  candidates: CandidateReport[];
  /** Manifest fields for ModelRegistry.registerModel (name, version and sha256 are added there). */
  manifest: Omit<ManifestInput, 'name' | 'version' | 'sha256'>;
}

export async function trainCampaignModel(data: CampaignData, options: TrainCampaignOptions = {}): Promise<TrainedCampaignModel> {
  const set = buildTrainingSet(data, options.validationFraction);
  const log = options.log ?? (() => {});
  log(`training on ${set.train.nRows} touches, validating on the latest ${set.validation.nRows} (${set.layout.width} features)`);
  const gbdt = { ...CAMPAIGN_GBDT_DEFAULTS, ...options.gbdt };
  const wanted = new Set(options.candidates ?? CANDIDATE_NAMES);
  for (const name of wanted) if (!CANDIDATE_NAMES.includes(name)) throw new RangeError(`candidates: unknown model "${name}" (known: ${CANDIDATE_NAMES.join(', ')})`);
  const result = await trainBinaryModel({
    train: set.train,
    validation: set.validation,
    gbdt,
    baseline: wanted.has('logistic') ? {} : false,
    metadata: { model_name: CAMPAIGN_MODEL_NAME, training_from: set.from, training_to: set.to },
    onIteration: (it) => {
      if (gbdt.nEstimators) options.progress?.({ step: 'train', done: it.iteration + 1, total: gbdt.nEstimators });
      if (it.iteration % 50 === 49) log(`tree ${it.iteration + 1}: validation log loss ${it.validLoss?.toFixed(5)}`);
    },
  });
  const r = result.report;
  const candidates = candidatesOfBinaryModel(result).filter((c) => wanted.has(c.name));
  if (wanted.has('random-forest')) {
    log('training the random forest candidate');
    candidates.push(await trainForestCandidate(set.train, set.validation, {
      params: options.forest,
      metadata: { model_name: CAMPAIGN_MODEL_NAME, training_from: set.from, training_to: set.to },
      onTree: (tree, trees) => options.progress?.({ step: 'train random forest', done: tree, total: trees }),
    }));
  }
  const { chosen, reason } = chooseCandidate(candidates);
  log(`chosen: ${reason}`);
  const probeRow = Array.from(set.validation.features.subarray(0, set.layout.width));
  const expected = chosen.predict({ features: Float32Array.from(probeRow), nRows: 1, nFeatures: set.layout.width, layout: 'row-major' })[0];
  const metrics: Record<string, number> = {
    validationAuc: chosen.metrics.auc,
    validationLogLoss: chosen.metrics.logLoss,
    validationBrier: chosen.metrics.brier,
    trainRows: r.trainRows,
    validationRows: r.validationRows,
    trees: chosen.trees,
    onnxParityMaxAbsDiff: chosen.onnxParityMaxAbsDiff,
  };
  if (r.baseline) metrics.baselineAuc = r.baseline.validation.auc;
  // Every candidate's figures, e.g. randomForestAuc, gbdtLogLoss, logisticTrainSeconds.
  for (const c of candidates) {
    const key = c.name.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase());
    metrics[`${key}Auc`] = c.validationAuc;
    metrics[`${key}LogLoss`] = c.validationLogLoss;
    metrics[`${key}TrainSeconds`] = c.trainSeconds;
  }
  return {
    set,
    result,
    chosen,
    onnx: chosen.onnx,
    choice: reason,
    candidates: candidates.map(candidateReport),
    manifest: {
      schemaVersion: 1,
      createdAt: new Date().toISOString(),
      features: set.layout.contract,
      output: { kind: 'probability', name: 'probability', positiveIndex: 1, positiveLabel: 1 },
      metrics,
      trainingData: { from: set.from, to: set.to, rows: r.trainRows + r.validationRows, ...(options.source ? { source: options.source.slice(0, 1024) } : {}) },
      producer: `campaign-trainer (src/training/campaign/trainCampaignModel.ts): ${chosen.name}`,
      probe: { row: probeRow, expected },
    },
  };
}
