// The plan job's triggers: POST /api/manage/campaigns/{campaignId}/plan (campaign key, CampaignApiKeys; body
// optionally {"modelVersion": "..."}) and the timer, which plans the campaigns a setting lists.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ModelRegistryError } from '../../models/modelRegistry';
import { readJsonBody } from '../../common/readJsonBody';
import { idField } from '../data/fieldRules';
import { CampaignModelError } from '../model/campaignModel';
import { planCampaign, PlanJobError, type PlanJobDeps } from './planCampaign';
import type { PlanRunResult } from './runCampaignPlan';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit => ({ status, jsonBody: body, headers: { 'cache-control': 'no-store', ...headers } });
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function planAnswer(result: PlanRunResult) {
  return { plan: result.plan, timings: result.timings, staleRemoved: result.staleRemoved };
}

export async function handlePlanRequest(request: HttpRequest, deps: PlanJobDeps): Promise<HttpResponseInit> {
  const id = idField(request.params.campaignId);
  if (!id.ok) return json(400, { error: `campaignId: ${id.reason}`, field: 'campaignId' });
  const body = await readJsonBody(request, 16 * 1024);
  if (!body.ok) return json(400, { error: `body: ${body.message}`, field: 'body' });
  const input = body.value ?? {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return json(400, { error: 'body: must be a JSON object', field: 'body' });
  const { modelVersion, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return json(400, { error: `${unknown}: is not a known field (known: modelVersion)`, field: unknown });
  if (modelVersion !== undefined && (typeof modelVersion !== 'string' || !VERSION.test(modelVersion))) {
    return json(400, { error: 'modelVersion: must be 1-64 letters, digits, . _ -', field: 'modelVersion' });
  }
  try {
    return json(200, planAnswer(await planCampaign(id.value, deps, { modelVersion: modelVersion as string | undefined })));
  } catch (error) {
    if (error instanceof PlanJobError) return json(error.status, { error: `${error.field}: ${error.message}`, field: error.field });
    if (error instanceof ModelRegistryError) return json(404, { error: `modelVersion: ${error.message}`, field: 'modelVersion' });
    if (error instanceof CampaignModelError) return json(409, { error: error.message });
    // Anything else is a store that failed or did not answer (Cosmos DB, Blob, Event Hubs): the
    // caller may try again; the details are for the log, not for the answer.
    deps.log(`campaign plan ${id.value} failed: ${(error as Error)?.stack ?? String(error)}`);
    return json(503, { error: `the plan of ${JSON.stringify(id.value)} could not be made now (a store is unavailable); try again later` }, { 'retry-after': '30' });
  }
}

/** Timer: plans each listed campaign in turn; one failing does not stop the others. */
export async function runScheduledPlans(campaignIds: readonly string[], deps: PlanJobDeps): Promise<{ planned: string[]; failed: string[] }> {
  const planned: string[] = [];
  const failed: string[] = [];
  if (campaignIds.length === 0) deps.log('campaign plan timer: CampaignPlanCampaigns lists no campaign; nothing to plan');
  for (const id of campaignIds) {
    try {
      await planCampaign(id, deps);
      planned.push(id);
    } catch (error) {
      failed.push(id);
      deps.log(`campaign plan timer: ${id} failed: ${(error as Error).message}`);
    }
  }
  return { planned, failed };
}
