// Trains the conversion model with the project's trainer (trainBinaryModel: GBDT → ONNX, checked
// against onnxruntime) on a time-split training set, and prepares its registry manifest.
import type { CampaignData } from '../../campaign/data/campaignFiles';
import type { ManifestInput } from '../../models/modelManifest';
import { trainBinaryModel, type TrainBinaryModelResult } from '../trainBinaryModel';
import type { HistGradientBoostingParams } from '../../learners/gradientBoosting';
import { buildTrainingSet, type CampaignTrainingSet } from './campaignTrainingSet';
import type { TrainingProgress } from '../trainingProgress';

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
  /** Where the data came from, for the manifest (e.g. "folder data/", "blob campaign-data/"). */
  source?: string;
  log?: (message: string) => void;
  /** Trees grown so far, of at most `total`. */
  progress?: (p: TrainingProgress) => void;
}

export interface TrainedCampaignModel {
  set: CampaignTrainingSet;
  result: TrainBinaryModelResult;
  /** Manifest fields for ModelRegistry.registerModel (name, version and sha256 are added there). */
  manifest: Omit<ManifestInput, 'name' | 'version' | 'sha256'>;
}

export async function trainCampaignModel(data: CampaignData, options: TrainCampaignOptions = {}): Promise<TrainedCampaignModel> {
  const set = buildTrainingSet(data, options.validationFraction);
  const log = options.log ?? (() => {});
  log(`training on ${set.train.nRows} touches, validating on the latest ${set.validation.nRows} (${set.layout.width} features)`);
  const gbdt = { ...CAMPAIGN_GBDT_DEFAULTS, ...options.gbdt };
  const result = await trainBinaryModel({
    train: set.train,
    validation: set.validation,
    gbdt,
    metadata: { model_name: CAMPAIGN_MODEL_NAME, training_from: set.from, training_to: set.to },
    onIteration: (it) => {
      if (gbdt.nEstimators) options.progress?.({ step: 'train', done: it.iteration + 1, total: gbdt.nEstimators });
      if (it.iteration % 50 === 49) log(`tree ${it.iteration + 1}: validation log loss ${it.validLoss?.toFixed(5)}`);
    },
  });
  const r = result.report;
  const probeRow = Array.from(set.validation.features.subarray(0, set.layout.width));
  const expected = result.model.predictProba({ features: Float32Array.from(probeRow), nRows: 1, nFeatures: set.layout.width, layout: 'row-major' })[0];
  const metrics: Record<string, number> = {
    validationAuc: r.validation.auc,
    validationLogLoss: r.validation.logLoss,
    validationBrier: r.validation.brier,
    trainRows: r.trainRows,
    validationRows: r.validationRows,
    trees: r.trees,
    onnxParityMaxAbsDiff: r.onnx.parityMaxAbsDiff,
  };
  if (r.baseline) metrics.baselineAuc = r.baseline.validation.auc;
  return {
    set,
    result,
    manifest: {
      schemaVersion: 1,
      createdAt: new Date().toISOString(),
      features: set.layout.contract,
      output: { kind: 'probability', name: 'probability', positiveIndex: 1, positiveLabel: 1 },
      metrics,
      trainingData: { from: set.from, to: set.to, rows: r.trainRows + r.validationRows, ...(options.source ? { source: options.source.slice(0, 1024) } : {}) },
      producer: 'campaign-trainer (src/training/campaign/trainCampaignModel.ts)',
      probe: { row: probeRow, expected },
    },
  };
}
