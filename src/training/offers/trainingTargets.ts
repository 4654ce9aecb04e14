// Where a run started from the app settings reads and writes: the model name ('offers' = the
// model the ranker serves), the archive container and the models container, and the gates.
import type { ContainerClient } from '@azure/storage-blob';
import type { AzureClients } from '../../clients/azureClients';
import { RANKING_DEFAULTS } from '../../config/rankingSettings';
import type { Env } from '../../config/settings';
import type { TrainingSettings } from '../../config/trainingSettings';
import { MODEL_NAME } from '../../models/modelManifest';
import type { TrainingRunOptions } from './trainingRunOptions';

/** Model aliases: `offers` is the ranker's model (RankingModelName). */
export function resolveModelName(model: string, env: Env): string {
  const name = model === 'offers' ? (env.RankingModelName ?? '').trim() || RANKING_DEFAULTS.modelName : model;
  if (!MODEL_NAME.test(name)) throw new RangeError(`model "${name}" is not a registry name (lower-case letters, digits and -)`);
  return name;
}

export function storageOf(app: AzureClients): { archive: ContainerClient; registry: ContainerClient } {
  return { archive: app.archiveContainer(app.settings.archiveContainer), registry: app.archiveContainer(app.settings.modelsContainer) };
}

/** The gates from the Retrain* settings, as readTrainingSettings read them (the CLI's flags override them). */
export function gatesFromSettings(s: Pick<TrainingSettings, 'minDecisions' | 'minPositives' | 'policyValueMargin'>): NonNullable<TrainingRunOptions['gates']> {
  return { minDecisions: s.minDecisions, minPositives: s.minPositives, policyValueMargin: s.policyValueMargin };
}
