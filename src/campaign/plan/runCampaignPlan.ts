// The batch plan of one campaign: every lead scored on all 63 combinations with the current
// model, one flat document per lead (best and runner-up combination) and per combination
// (leads and expected conversions), and a plan document with the totals — all in
// `campaignPlans`, written with bulk upserts while the next page of leads is scored.
import crypto from 'node:crypto';
import { BulkOperationType, type Container, type OperationInput } from '@azure/cosmos';
import { COMBINATIONS, COMBINATION_COUNT } from '../../events/contactCombinations';
import { leadMatrix } from '../features/campaignRows';
import { bulkUpsert, upsertOne } from '../data/bulkUpsert';
import type { CampaignModel } from '../model/campaignModel';
import type { ScoringEngine } from '../model/combinationScorer';
import type { LeadSource } from './leadSource';
import {
  combinationDocumentId, leadPlanDocumentId, planDocumentId,
  type CombinationSummaryDocument, type LeadPlanDocument, type PlanDocument,
} from './planDocuments';

export interface PlanCampaign {
  campaignId: string;
  name: string;
  product: string;
}

export interface RunPlanDeps {
  model: CampaignModel;
  engine: ScoringEngine;
  leads: LeadSource;
  plans: Container;
  campaign: PlanCampaign;
  log?: (message: string) => void;
  /** Leads scored so far (the total is not known before the last page). */
  progress?: (p: { step: string; done: number }) => void;
  now?: () => Date;
  writeConcurrency?: number;
  /** Delete documents of leads no longer present (default true); see removeStale. */
  pruneStale?: boolean;
}

export interface PlanTimings {
  readSeconds: number;
  scoreSeconds: number;
  /** Time the plan waited for Cosmos writes beyond the scoring they overlap with. */
  writeWaitSeconds: number;
  /** Time the bulk writes took in all (they overlap with scoring). */
  writeSeconds: number;
  totalSeconds: number;
}

export interface PlanRunResult {
  plan: PlanDocument;
  combinations: CombinationSummaryDocument[];
  timings: PlanTimings;
  staleRemoved: number;
}

const MAX_WRITES_IN_FLIGHT = 4;
const STALE_PAGE = 5000;
const round6 = (p: number) => Math.round(p * 1e6) / 1e6;
const seconds = (ms: number) => Math.round(ms) / 1000;

/** Best and runner-up combination and the mean of one lead's 63 probabilities. */
function rankLead(p: Float32Array, base: number): { best: number; second: number; mean: number } {
  let best = 0;
  let second = -1;
  let sum = 0;
  for (let k = 0; k < COMBINATION_COUNT; k++) {
    const v = p[base + k];
    sum += v;
    if (k === 0) continue;
    if (v > p[base + best]) {
      second = best;
      best = k;
    } else if (second < 0 || v > p[base + second]) second = k;
  }
  return { best, second, mean: sum / COMBINATION_COUNT };
}

/**
 * Deletes lead documents of this campaign and model version that the run did not write (leads
 * deleted since an earlier run). A COUNT first: when it equals the leads just planned there is
 * nothing stale, and the id query (a scan of the partition) is skipped.
 */
async function removeStale(plans: Container, campaignId: string, modelVersion: string, runId: string, planned: number): Promise<number> {
  const filter = 'c.campaignId = @c AND c.kind = @k AND c.modelVersion = @v';
  const parameters = [{ name: '@c', value: campaignId }, { name: '@k', value: 'leadPlan' }, { name: '@v', value: modelVersion }, { name: '@r', value: runId }];
  const counted = await plans.items.query<number>({ query: `SELECT VALUE COUNT(1) FROM c WHERE ${filter}`, parameters }).fetchAll();
  if ((counted.resources[0] ?? 0) <= planned) return 0;
  const stale = plans.items.query<{ id: string }>({ query: `SELECT c.id FROM c WHERE ${filter} AND c.runId != @r`, parameters }, { maxItemCount: STALE_PAGE });
  let removed = 0;
  while (stale.hasMoreResults()) {
    const { resources } = await stale.fetchNext();
    if (!resources || resources.length === 0) continue;
    const ops: OperationInput[] = resources.map((d) => ({ operationType: BulkOperationType.Delete, id: d.id, partitionKey: campaignId }));
    const results = await plans.items.executeBulkOperations(ops);
    const failed = results.findIndex((r) => { const s = r.response?.statusCode ?? 0; return s !== 404 && (s < 200 || s >= 300); });
    if (failed >= 0) throw new Error(`removing stale plan document ${resources[failed].id} failed: ${results[failed].response?.statusCode ?? results[failed].error?.message}`);
    removed += resources.length;
  }
  return removed;
}

export async function runCampaignPlan(deps: RunPlanDeps): Promise<PlanRunResult> {
  const { model, campaign, plans } = deps;
  const log = deps.log ?? (() => {});
  const now = deps.now ?? (() => new Date());
  const version = model.version;
  const runId = crypto.randomUUID();
  const started = performance.now();
  const startedAt = now().toISOString();
  const scorer = model.scorer(deps.engine);
  const header: PlanDocument = {
    id: planDocumentId(version), kind: 'plan', campaignId: campaign.campaignId, name: campaign.name, product: campaign.product,
    modelVersion: version, runId, status: 'running', updatedAt: startedAt, startedAt, completedAt: null,
    leads: 0, skippedLeads: 0, expectedConversions: 0, expectedConversionRate: 0,
    oneBestExpectedConversions: 0, oneBestChannel: null, oneBestDay: null, oneBestTimeSlot: null, randomExpectedConversions: 0,
    engine: scorer.engine, scoreSeconds: 0, writeSeconds: 0, error: null,
  };
  await upsertOne(plans, header);

  const chosenLeads = new Float64Array(COMBINATION_COUNT);
  const chosenExpected = new Float64Array(COMBINATION_COUNT);
  const allLeads = new Float64Array(COMBINATION_COUNT);
  let readMs = 0;
  let scoreMs = 0;
  let writeMs = 0;
  let writeWaitMs = 0;
  // Pages are written while the next ones are scored, a few at a time (each bulk call has a
  // fixed latency of about a second).
  const pendingWrites: Promise<void>[] = [];
  const waitForWrites = async (keep: number) => {
    const t = performance.now();
    while (pendingWrites.length > keep) await pendingWrites.shift();
    writeWaitMs += performance.now() - t;
  };
  try {
    let readStart = performance.now();
    for await (const page of deps.leads()) {
      readMs += performance.now() - readStart;
      header.skippedLeads += page.skipped.length;
      if (page.skipped.length > 0) log(`plan ${campaign.campaignId}: skipped ${page.skipped.length} invalid lead documents (e.g. ${page.skipped.slice(0, 3).join(', ')})`);
      const n = page.leads.length;
      const t0 = performance.now();
      const rows = leadMatrix(model.layout, page.leads, campaign.product);
      const probs = new Float32Array(n * COMBINATION_COUNT);
      await scorer.score(rows, 0, n, probs);
      const docs: LeadPlanDocument[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const base = i * COMBINATION_COUNT;
        const { best, second, mean } = rankLead(probs, base);
        for (let k = 0; k < COMBINATION_COUNT; k++) allLeads[k] += probs[base + k];
        chosenLeads[best]++;
        chosenExpected[best] += probs[base + best];
        const b = COMBINATIONS[best];
        const s = COMBINATIONS[second];
        docs[i] = {
          id: leadPlanDocumentId(version, page.leads[i].leadId), kind: 'leadPlan', campaignId: campaign.campaignId, modelVersion: version, runId,
          leadId: page.leads[i].leadId, channel: b.channel, day: b.day, timeSlot: b.timeSlot, probability: round6(probs[base + best]),
          runnerUpChannel: s.channel, runnerUpDay: s.day, runnerUpTimeSlot: s.timeSlot, runnerUpProbability: round6(probs[base + second]),
          averageProbability: round6(mean),
        };
      }
      header.leads += n;
      scoreMs += performance.now() - t0;
      deps.progress?.({ step: 'score leads', done: header.leads });
      await waitForWrites(MAX_WRITES_IN_FLIGHT - 1);
      const w0 = performance.now();
      const write = bulkUpsert(plans, docs, (d) => d.campaignId, { concurrency: deps.writeConcurrency }).then(() => {
        writeMs += performance.now() - w0;
      });
      // Keep a failed write from being reported as unhandled while the next page is scored.
      write.catch(() => {});
      pendingWrites.push(write);
      readStart = performance.now();
    }
    await waitForWrites(0);
    const w0 = performance.now();
    const staleRemoved = deps.pruneStale === false ? 0 : await removeStale(plans, campaign.campaignId, version, runId, header.leads);
    if (staleRemoved > 0) log(`plan ${campaign.campaignId}: removed ${staleRemoved} lead documents of leads no longer present`);

    let oneBest = 0;
    for (let k = 1; k < COMBINATION_COUNT; k++) if (allLeads[k] > allLeads[oneBest]) oneBest = k;
    const combinations: CombinationSummaryDocument[] = COMBINATIONS.map((c) => ({
      id: combinationDocumentId(version, c.index), kind: 'combinationSummary', campaignId: campaign.campaignId, modelVersion: version, runId,
      combination: c.index, channel: c.channel, day: c.day, timeSlot: c.timeSlot,
      leads: chosenLeads[c.index], expectedConversions: round6(chosenExpected[c.index]),
      averageProbabilityAllLeads: header.leads > 0 ? round6(allLeads[c.index] / header.leads) : 0,
    }));
    await bulkUpsert(plans, combinations, (d) => d.campaignId);
    writeMs += performance.now() - w0;

    const expected = chosenExpected.reduce((a, b) => a + b, 0);
    const completedAt = now().toISOString();
    Object.assign(header, {
      status: 'completed', updatedAt: completedAt, completedAt,
      expectedConversions: round6(expected), expectedConversionRate: header.leads > 0 ? round6(expected / header.leads) : 0,
      oneBestExpectedConversions: round6(allLeads[oneBest]),
      oneBestChannel: header.leads > 0 ? COMBINATIONS[oneBest].channel : null,
      oneBestDay: header.leads > 0 ? COMBINATIONS[oneBest].day : null,
      oneBestTimeSlot: header.leads > 0 ? COMBINATIONS[oneBest].timeSlot : null,
      randomExpectedConversions: round6(allLeads.reduce((a, b) => a + b, 0) / COMBINATION_COUNT),
      scoreSeconds: seconds(scoreMs), writeSeconds: seconds(writeMs),
    } satisfies Partial<PlanDocument>);
    await upsertOne(plans, header);
    const totalMs = performance.now() - started;
    log(`plan ${campaign.campaignId} (model ${version}, ${scorer.engine}): ${header.leads} leads, ${expected.toFixed(1)} expected conversions, scored in ${seconds(scoreMs)} s, ${seconds(totalMs)} s in all`);
    return {
      plan: header,
      combinations,
      staleRemoved,
      timings: { readSeconds: seconds(readMs), scoreSeconds: seconds(scoreMs), writeWaitSeconds: seconds(writeWaitMs), writeSeconds: seconds(writeMs), totalSeconds: seconds(totalMs) },
    };
  } catch (error) {
    await Promise.allSettled(pendingWrites);
    const failedAt = now().toISOString();
    Object.assign(header, { status: 'failed', updatedAt: failedAt, error: (error as Error).message.slice(0, 1000) } satisfies Partial<PlanDocument>);
    await upsertOne(plans, header).catch((e) => log(`plan ${campaign.campaignId}: could not record the failure: ${(e as Error).message}`));
    throw error;
  }
}
