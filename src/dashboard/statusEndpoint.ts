// GET /api/dashboard/status: what the dashboard shows besides aggregates (model registry,
// off-policy estimates, campaign plans). Each part is read on its own: one missing or failing
// store leaves the others shown, and a store that does not exist yet is simply empty.
import type { Container } from '@azure/cosmos';
import type { HttpResponseInit } from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import type { AzureClients } from '../clients/azureClients';
import { SettingsError } from '../config/settings';
import { CAMPAIGN_PLANS_CONTAINER, readCampaignPlans, type CampaignPlanSummary } from './campaignPlanSummary';
import { jsonResponse } from './jsonResponse';
import { readModelRegistry, type ModelSummary } from './modelRegistrySummary';

export interface StatusDeps {
  models: () => ContainerClient;
  campaignPlans: () => Container;
  windowsMinutes: readonly number[];
  now?: () => Date;
  log: (message: string) => void;
}

export interface StatusPart<T> {
  items: T[];
  /** Set when the part could not be read; the items are then empty. */
  error?: string;
}

async function part<T>(what: string, read: () => Promise<T[]>, log: (m: string) => void): Promise<StatusPart<T>> {
  try {
    return { items: await read() };
  } catch (error) {
    if (error instanceof SettingsError) return { items: [], error: `${what} is not configured` };
    log(`dashboard status: ${what}: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}`);
    return { items: [], error: `${what} could not be read` };
  }
}

export async function handleStatusRequest(deps: StatusDeps): Promise<HttpResponseInit> {
  const [models, campaignPlans] = await Promise.all([
    part<ModelSummary>('model registry', () => readModelRegistry(deps.models()), deps.log),
    part<CampaignPlanSummary>('campaign plans', () => readCampaignPlans(deps.campaignPlans()), deps.log),
  ]);
  return jsonResponse(200, {
    generatedAt: (deps.now ?? (() => new Date()))().toISOString(),
    windowsMinutes: deps.windowsMinutes,
    models,
    campaignPlans,
  });
}

export function serveDashboardStatus(services: AzureClients, log: (message: string) => void): Promise<HttpResponseInit> {
  const { settings } = services;
  return handleStatusRequest({
    models: () => services.archiveContainer(settings.modelsContainer),
    campaignPlans: () => services.cosmosContainer(CAMPAIGN_PLANS_CONTAINER),
    windowsMinutes: settings.aggregationWindowsMinutes,
    log,
  });
}
