// What the campaignRetrain timer does: once the campaign data is in CampaignDataContainer (leads
// and campaigns, in CampaignRetrainFormat), train on its touches plus the campaign_touch /
// campaign_response events captured in the archive since, choose the best candidate and promote
// it through the gate (not worse than the current model on the same validation touches). Before
// there is data it does nothing and says so; data that cannot be trained on yet (too few touches,
// one outcome only) is logged as skipped, not thrown, so the timer does not fail every night.
import { readModelIntegrity } from '../../config/modelIntegritySettings';
import { assertModelWrites } from '../../models/modelRegistry';
import type { ContainerClient } from '@azure/storage-blob';
import type { Env } from '../../config/settings';
import { readCampaignSettings } from '../../config/campaignSettings';
import { readCampaignRetrainSettings } from '../../config/campaignRetrainSettings';
import { CampaignSourceError } from '../../campaign/data/campaignSource';
import { FILE_NAMES } from '../../campaign/data/campaignFiles';
import { TEMPLATE_FILES } from '../../campaign/template/templateTables';
import { TrainingDataError } from '../trainingDataError';
import { runCampaignTraining, type CampaignTrainingResult } from './runCampaignTraining';

export interface CampaignRetrainDeps {
  /** CampaignDataContainer, the archive container and the models container. */
  data: ContainerClient;
  archive: ContainerClient;
  models: ContainerClient;
  env: Env;
  log: (message: string) => void;
}

export type CampaignRetrainOutcome =
  | { status: 'trained'; result: CampaignTrainingResult }
  | { status: 'skipped'; reason: string };

export async function retrainCampaignModel(deps: CampaignRetrainDeps): Promise<CampaignRetrainOutcome> {
  const settings = readCampaignSettings(deps.env);
  const retrain = readCampaignRetrainSettings(deps.env);
  const integrity = readModelIntegrity(deps.env);
  assertModelWrites(integrity, 'campaignRetrain');
  const needed = retrain.format === 'template' ? [TEMPLATE_FILES.leads, TEMPLATE_FILES.campaigns] : [FILE_NAMES.leads, FILE_NAMES.campaigns];
  const skip = (reason: string): CampaignRetrainOutcome => {
    deps.log(`campaignRetrain: skipped: ${reason}`);
    return { status: 'skipped', reason };
  };
  if (!(await deps.data.exists())) return skip(`no campaign data yet (the container ${deps.data.containerName} does not exist)`);
  for (const name of needed) {
    if (!(await deps.data.getBlobClient(name).exists())) return skip(`no campaign data yet (${deps.data.containerName}/${name} is missing; ${retrain.format} format)`);
  }
  await deps.models.createIfNotExists();
  try {
    const result = await runCampaignTraining({
      source: { container: deps.data, prefix: '' },
      format: retrain.format,
      archive: { container: deps.archive },
      registry: deps.models,
      integrity,
      modelName: settings.modelName,
      promote: true,
      promotionMargin: retrain.promotionMargin,
      log: (m) => deps.log(`campaignRetrain: ${m}`),
    });
    deps.log(`campaignRetrain: ${settings.modelName}/${result.version}: ${result.choice}; ${result.promotion.reason}`);
    return { status: 'trained', result };
  } catch (error) {
    if (error instanceof TrainingDataError || error instanceof CampaignSourceError) return skip(error.message);
    throw error;
  }
}
