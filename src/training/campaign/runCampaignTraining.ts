// One campaign training run, the campaign model's path through the pipeline: the campaign data
// (leads, campaigns, touches from CSV) plus, if asked, the campaign_touch / campaign_response
// events of the archive → training set → GBDT + ONNX (trainBinaryModel) → registry, promoted if
// asked. `npm run train -- --model campaign` and `npm run campaign:train` both run it.
import type { ModelIntegritySettings } from '../../config/modelIntegritySettings';
import type { ContainerClient } from '@azure/storage-blob';
import { readArchive } from '../../archive/archiveReader';
import { campaignEventsFromArchive, touchesFromEvents, type ArchiveTouchStats } from '../../campaign/data/archiveTouches';
import { readCampaignFiles } from '../../campaign/data/campaignFiles';
import { describeSource, readCampaignSource, type CampaignSource } from '../../campaign/data/campaignSource';
import { ModelRegistry } from '../../models/modelRegistry';
import { versionFromTime } from '../modelVersion';
import { TrainingDataError } from '../trainingDataError';
import type { TrainingProgress } from '../trainingProgress';
import { registerCampaignModel } from './registerCampaignModel';
import { trainCampaignModel } from './trainCampaignModel';

export interface CampaignTrainingOptions {
  /** Where leads.csv, campaigns.csv and touches.csv are read. */
  source: CampaignSource;
  /** Also train on the archive's campaign events (the archive container, optionally a prefix). */
  archive?: { container: ContainerClient; prefix?: string };
  /** The models blob container. */
  registry: ContainerClient;
  /** Signs the registered model (ModelSigningKeys); default: unsigned. */
  integrity?: ModelIntegritySettings;
  modelName: string;
  /** Default: the UTC time (versionFromTime). */
  version?: string;
  /** Default false: register only. */
  promote?: boolean;
  trees?: number;
  log?: (line: string) => void;
  progress?: (p: TrainingProgress) => void;
}

export interface CampaignTrainingResult {
  model: string;
  version: string;
  promoted: boolean;
  trainRows: number;
  validationRows: number;
  trainingFrom: string;
  trainingTo: string;
  trees: number;
  validationAuc: number;
  validationLogLoss: number;
  baselineAuc: number | null;
  onnxParityMaxAbsDiff: number;
  trainSeconds: number;
  archive: (ArchiveTouchStats & { touches: number }) | null;
}

export async function runCampaignTraining(opts: CampaignTrainingOptions): Promise<CampaignTrainingResult> {
  const log = opts.log ?? (() => {});
  const texts = await readCampaignSource(opts.source);
  if (texts.leads === undefined || texts.campaigns === undefined) {
    throw new TrainingDataError(`${describeSource(opts.source)}: training needs leads.csv and campaigns.csv`);
  }
  const data = readCampaignFiles(texts);
  let archiveStats: CampaignTrainingResult['archive'] = null;
  if (opts.archive) {
    const { container, prefix } = opts.archive;
    const exists = await container.exists();
    if (!exists) log(`the archive container ${container.containerName} does not exist; no archived touches`);
    const events = exists ? await campaignEventsFromArchive(readArchive(container, { prefix })) : [];
    const fromArchive = touchesFromEvents(events);
    archiveStats = { ...fromArchive.stats, touches: fromArchive.touches.length };
    const known = new Set(data.touches.map((t) => t.touchId));
    data.touches.push(...fromArchive.touches.filter((t) => !known.has(t.touchId)));
  }
  const trained = await trainCampaignModel(data, {
    source: `${describeSource(opts.source)}${opts.archive ? ` + archive ${opts.archive.container.containerName}` : ''}`,
    gbdt: opts.trees ? { nEstimators: opts.trees } : undefined,
    log,
    progress: opts.progress,
  });
  const version = opts.version ?? versionFromTime();
  const { pointer } = await registerCampaignModel(new ModelRegistry(opts.registry, opts.integrity), trained, { version, promote: opts.promote, name: opts.modelName });
  const r = trained.result.report;
  return {
    model: opts.modelName,
    version,
    promoted: Boolean(pointer),
    trainRows: r.trainRows,
    validationRows: r.validationRows,
    trainingFrom: trained.set.from,
    trainingTo: trained.set.to,
    trees: r.trees,
    validationAuc: r.validation.auc,
    validationLogLoss: r.validation.logLoss,
    baselineAuc: r.baseline?.validation.auc ?? null,
    onnxParityMaxAbsDiff: r.onnx.parityMaxAbsDiff,
    trainSeconds: r.trainSeconds,
    archive: archiveStats,
  };
}
