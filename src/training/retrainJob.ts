// What the timer-triggered retrainModel function does: train the ranker's model on the last
// RetrainLookbackDays of decisions from the archive container, gated by the Retrain* settings, and
// promote it if it passes. Off unless AzureWebJobs.retrainModel.Disabled is "false".
import type { AzureClients } from '../clients/azureClients';
import type { Env } from '../config/settings';
import { readModelIntegrity } from '../config/modelIntegritySettings';
import { readTrainingSettings, RETRAIN_DISABLED_SETTING, retrainDisabled } from '../config/trainingSettings';
import { runTraining } from './offers/runTraining';
import type { TrainingRunResult } from './offers/trainingRunOptions';
import { gatesFromSettings, resolveModelName, storageOf } from './offers/trainingTargets';
import { trainingSummaryJson } from './offers/trainingSummary';

const DAY_MS = 86_400_000;

export interface RetrainDeps {
  app: AzureClients;
  env: Env;
  log: (message: string) => void;
  now?: () => Date;
}

/** One scheduled run; undefined when retraining is disabled. Rejected runs are logged, not thrown. */
export async function retrainOnSchedule(deps: RetrainDeps): Promise<TrainingRunResult | undefined> {
  if (retrainDisabled(deps.env)) {
    deps.log(`retrainModel: disabled (${RETRAIN_DISABLED_SETTING} is not "false"); nothing trained`);
    return undefined;
  }
  const settings = readTrainingSettings(deps.env);
  const now = deps.now?.() ?? new Date();
  const { archive, registry } = storageOf(deps.app);
  const result = await runTraining({
    modelName: resolveModelName('offers', deps.env),
    archive: { container: archive },
    registry,
    integrity: readModelIntegrity(deps.env),
    from: new Date(now.getTime() - settings.lookbackDays * DAY_MS),
    to: now,
    gates: gatesFromSettings(deps.env),
    now: () => now,
    log: (line) => deps.log(`retrainModel: ${line}`),
  });
  deps.log(`retrainModel: ${trainingSummaryJson(result)}`);
  return result;
}
