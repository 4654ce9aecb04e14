// What the timer-triggered retrainProducts function does (ON by default, unlike the offer
// ranker's): train the product recommender from the whole archive and promote it. Too little
// data is logged, not thrown (the timer retries on its next schedule).
import { readModelIntegrity } from '../../config/modelIntegritySettings';
import { assertModelWrites } from '../../models/modelRegistry';
import type { AzureClients } from '../../clients/azureClients';
import type { Env } from '../../config/settings';
import { readProductSettings } from '../../config/productSettings';
import { storageOf } from '../offers/trainingTargets';
import { TrainingDataError } from '../trainingDataError';
import { runProductTraining, type ProductTrainingResult } from './runProductTraining';

export const PRODUCT_RETRAIN_FUNCTION_NAME = 'retrainProducts';
export const PRODUCT_RETRAIN_DEFAULT_SCHEDULE = '0 30 3 * * *';

/** ProductRetrainSchedule (NCRONTAB, UTC), default 03:30 daily. */
export function productRetrainSchedule(env: Env): string {
  return (env.ProductRetrainSchedule ?? '').trim() || PRODUCT_RETRAIN_DEFAULT_SCHEDULE;
}

export async function retrainProducts(deps: { app: AzureClients; env: Env; log: (m: string) => void; now?: () => Date }): Promise<ProductTrainingResult | undefined> {
  const settings = readProductSettings(deps.env);
  const integrity = readModelIntegrity(deps.env);
  assertModelWrites(integrity, PRODUCT_RETRAIN_FUNCTION_NAME);
  const { archive, registry } = storageOf(deps.app);
  try {
    const result = await runProductTraining({
      archive: { container: archive },
      registry,
      integrity,
      name: settings.modelName,
      ...(deps.now ? { now: deps.now } : {}),
      log: (line) => deps.log(`${PRODUCT_RETRAIN_FUNCTION_NAME}: ${line}`),
    });
    deps.log(`${PRODUCT_RETRAIN_FUNCTION_NAME}: ${result.manifest.name}/${result.manifest.version} ${result.status} (${result.counts.interactions} interactions, ${result.trainSeconds.toFixed(1)} s)`);
    return result;
  } catch (error) {
    if (!(error instanceof TrainingDataError)) throw error;
    deps.log(`${PRODUCT_RETRAIN_FUNCTION_NAME}: not trained: ${error.message}`);
    return undefined;
  }
}
