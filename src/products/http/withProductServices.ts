import type { HttpResponseInit } from '@azure/functions';
import { SettingsError } from '../../config/settings';
import type { ProductServices } from '../productServices';

/**
 * Runs a product endpoint with the process's product services (the model loaded on first use
 * unless `needsModel` is false); a misconfigured setting answers 503 naming it, not 500.
 */
export async function withProductServices(
  services: () => ProductServices,
  use: (services: ProductServices) => Promise<HttpResponseInit> | HttpResponseInit,
  log: (message: string) => void,
  needsModel = true,
): Promise<HttpResponseInit> {
  let products: ProductServices;
  try {
    products = services();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    log(error.message);
    return { status: 503, jsonBody: { error: `The product service is not configured: ${error.message}` }, headers: { 'retry-after': '30' } };
  }
  if (needsModel) await products.ready();
  return use(products);
}
