// One campaign training run, the campaign model's path through the pipeline: the campaign data
// (leads, campaigns, touches from CSV) plus, if asked, the campaign_touch / campaign_response
// events of the archive → training set → candidates (GBDT, random forest, logistic) → the best by
// validation AUC → registry, promoted if asked and the gate passes. `npm run train -- --model campaign` and `npm run campaign:train` both run it.
import type { ModelIntegritySettings } from '../../config/modelIntegritySettings';
import type { ContainerClient } from '@azure/storage-blob';
import { readArchive } from '../../archive/archiveReader';
import { campaignEventsFromArchive, touchesFromEvents, type ArchiveTouchStats } from '../../campaign/data/archiveTouches';
import { FILE_NAMES } from '../../campaign/data/campaignFiles';
import { describeSource, type CampaignSource } from '../../campaign/data/campaignSource';
import { readCampaignInput, type CampaignFormat } from '../../campaign/template/campaignInput';
import { TEMPLATE_FILES } from '../../campaign/template/templateTables';
import { ModelRegistry } from '../../models/modelRegistry';
import { versionFromTime } from '../modelVersion';
import { TrainingDataError } from '../trainingDataError';
import type { TrainingProgress } from '../trainingProgress';
import { registerCampaignModel } from './registerCampaignModel';
import { campaignPromotionGate, type PromotionDecision } from './campaignPromotionGate';
import type { CandidateName, CandidateReport } from './campaignCandidates';
import type { TemplateImportSummary } from '../../campaign/template/readTemplateFiles';
import { trainCampaignModel } from './trainCampaignModel';

export interface CampaignTrainingOptions {
  /** Where leads.csv, campaigns.csv and touches.csv are read. */
  source: CampaignSource;
  /** `campaign` (our three files, default) or `template` (the template's four tables). */
  format?: CampaignFormat;
  /** Also train on the archive's campaign events (the archive container, optionally a prefix). */
  archive?: { container: ContainerClient; prefix?: string };
  /** The models blob container. */
  registry: ContainerClient;
  /** Signs the registered model (ModelSigningKeys); default: unsigned. */
  integrity?: ModelIntegritySettings;
  modelName: string;
  /** Default: the UTC time (versionFromTime). */
  version?: string;
  /** Default false: register only. When true, promoted only if the gate passes (campaignPromotionGate.ts). */
  promote?: boolean;
  /** AUC the new model may fall below the current one's and still be promoted. Default 0. */
  promotionMargin?: number;
  /** Which models compete (default gbdt, random-forest, logistic). */
  candidates?: readonly CandidateName[];
  trees?: number;
  log?: (line: string) => void;
  progress?: (p: TrainingProgress) => void;
}

export interface CampaignTrainingResult {
  model: string;
  version: string;
  promoted: boolean;
  /** Whether promotion was asked, what the gate found and why the model was or was not promoted. */
  promotion: { requested: boolean; promoted: boolean; reason: string; current: PromotionDecision['current']; margin: number };
  /** The candidate that won, why, and every candidate's validation AUC, log loss and training time. */
  chosenModel: CandidateName;
  choice: string;
  candidates: CandidateReport[];
  trainRows: number;
  validationRows: number;
  trainingFrom: string;
  trainingTo: string;
  trees: number;
  validationAuc: number;
  validationLogLoss: number;
  baselineAuc: number | null;
  onnxParityMaxAbsDiff: number;
  /** Training time of all candidates together. */
  trainSeconds: number;
  templateColumns?: TemplateImportSummary;
  archive: (ArchiveTouchStats & { touches: number }) | null;
}

export async function runCampaignTraining(opts: CampaignTrainingOptions): Promise<CampaignTrainingResult> {
  const log = opts.log ?? (() => {});
  const format = opts.format ?? 'campaign';
  const input = await readCampaignInput(opts.source, format);
  if (!input.present.leads || !input.present.campaigns) {
    const [leads, campaigns] = format === 'template' ? [TEMPLATE_FILES.leads, TEMPLATE_FILES.campaigns] : [FILE_NAMES.leads, FILE_NAMES.campaigns];
    throw new TrainingDataError(`${describeSource(opts.source)}: training needs ${leads} and ${campaigns}`);
  }
  const data = input.data;
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
    candidates: opts.candidates,
    log,
    progress: opts.progress,
  });
  const version = opts.version ?? versionFromTime();
  const registry = new ModelRegistry(opts.registry, opts.integrity);
  let gate: PromotionDecision | null = null;
  if (opts.promote) {
    gate = await campaignPromotionGate(registry, opts.modelName, data, trained.set, trained.chosen, opts.promotionMargin ?? 0);
    log(`promotion: ${gate.reason}`);
  }
  const { pointer } = await registerCampaignModel(registry, trained, { version, promote: gate?.promote ?? false, name: opts.modelName });
  const r = trained.result.report;
  const chosen = trained.chosen;
  return {
    model: opts.modelName,
    version,
    promoted: Boolean(pointer),
    promotion: opts.promote
      ? { requested: true, promoted: Boolean(pointer), reason: gate!.reason, current: gate!.current, margin: gate!.margin }
      : { requested: false, promoted: false, reason: 'registered only (promotion not asked)', current: null, margin: opts.promotionMargin ?? 0 },
    chosenModel: chosen.name,
    choice: trained.choice,
    candidates: trained.candidates,
    trainRows: r.trainRows,
    validationRows: r.validationRows,
    trainingFrom: trained.set.from,
    trainingTo: trained.set.to,
    trees: chosen.trees,
    validationAuc: chosen.validationAuc,
    validationLogLoss: chosen.validationLogLoss,
    baselineAuc: r.baseline?.validation.auc ?? null,
    onnxParityMaxAbsDiff: chosen.onnxParityMaxAbsDiff,
    trainSeconds: trained.candidates.reduce((sum, c) => sum + c.trainSeconds, 0),
    archive: archiveStats,
    ...(input.summary ? { templateColumns: input.summary } : {}),
  };
}
