import type { HttpResponseInit } from '@azure/functions';
import { SettingsError } from '../../config/settings';
import type { RankingServices } from '../rankingServices';
import { serviceUnavailable } from '../personalizerErrors';

/**
 * Runs a ranking endpoint with the process's ranking services; misconfigured settings (a bad
 * signing key, an unresolved Key Vault reference) answer 503 naming the setting, not 500.
 */
export async function withRankingServices(
  services: () => RankingServices,
  use: (services: RankingServices) => Promise<HttpResponseInit> | HttpResponseInit,
  log: (message: string) => void,
): Promise<HttpResponseInit> {
  let ranking: RankingServices;
  try {
    ranking = services();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    log(error.message);
    return serviceUnavailable(`The ranking service is not configured: ${error.message}`);
  }
  return use(ranking);
}
