// The batch plan of one campaign: every lead scored on all 63 combinations with the current
// model, turned into expected profit (contactEconomics), assigned to combinations under the
// contact capacities (capacityAssignment: exact, with its proof), then one flat document per
// lead and per combination and a plan document with the totals, ROI and baselines — all in
// `campaignPlans`, written with bulk upserts. Scoring keeps every lead's 63 probabilities in
// memory (252 bytes a lead) because the capacities couple all leads.
import crypto from 'node:crypto';
import { BulkOperationType, type Container, type OperationInput } from '@azure/cosmos';
import { COMBINATIONS, COMBINATION_COUNT } from '../../events/contactCombinations';
import { leadMatrix } from '../features/campaignRows';
import { bulkUpsert, upsertOne } from '../data/bulkUpsert';
import type { CampaignModel } from '../model/campaignModel';
import type { ScoringEngine } from '../model/combinationScorer';
import type { LeadSource } from './leadSource';
import { assignUnderCapacity } from './capacityAssignment';
import { capacityNodes, leadOptions, type CapacityNodes } from './capacityNodes';
import { combinationCosts, contactEconomics, type ContactEconomics } from './contactEconomics';
import { CAMPAIGN_DEFAULTS } from '../../config/campaignSettings';
import {
  combinationDocumentId, leadPlanDocumentId, planDocumentId,
  type CombinationSummaryDocument, type LeadPlanDocument, type PlanDocument,
} from './planDocuments';

export interface PlanCampaign {
  campaignId: string;
  name: string;
  product: string;
}

export const ASSIGNMENT_METHOD = 'lagrangian-prices+repair+cycle-cancelling';

export interface RunPlanDeps {
  model: CampaignModel;
  engine: ScoringEngine;
  leads: LeadSource;
  plans: Container;
  campaign: PlanCampaign;
  /** Revenue and costs (default: the settings' defaults for the campaign's product). */
  economics?: ContactEconomics;
  /** Capacity resources (default: none, every channel unlimited). */
  capacity?: CapacityNodes;
  /** The capacity rule as configured, for the plan document (default `unlimited`). */
  capacityRule?: string;
  /** Stop improving the assignment after this long and report its gap (default 30 s). */
  assignBudgetMs?: number;
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
  assignSeconds: number;
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
const roundMoney = (m: number) => Math.round(m * 100) / 100;
const roi = (profit: number, cost: number) => (cost > 0 ? round6(profit / cost) : null);
const seconds = (ms: number) => Math.round(ms) / 1000;

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
  const economics = deps.economics ?? contactEconomics(campaign, CAMPAIGN_DEFAULTS.productRevenue, CAMPAIGN_DEFAULTS.contactCost);
  const capacity = deps.capacity ?? capacityNodes({});
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
    leads: 0, skippedLeads: 0,
    revenuePerConversion: economics.revenuePerConversion, revenueSource: economics.revenueSource,
    costPerEmail: economics.costPerContact.email, costPerSms: economics.costPerContact.sms, costPerCall: economics.costPerContact.call,
    capacityRule: deps.capacityRule ?? 'unlimited',
    contactedLeads: 0, expectedConversions: 0, expectedConversionRate: 0, expectedRevenue: 0, expectedCost: 0, expectedProfit: 0, expectedRoi: null,
    oneBestExpectedConversions: 0, oneBestExpectedRevenue: 0, oneBestExpectedCost: 0, oneBestExpectedProfit: 0, oneBestExpectedRoi: null,
    oneBestContactChannel: null, oneBestDay: null, oneBestTimeSlot: null,
    randomExpectedConversions: 0, randomExpectedRevenue: 0, randomExpectedCost: 0, randomExpectedProfit: 0, randomExpectedRoi: null,
    unconstrainedExpectedProfit: 0, upperBoundExpectedProfit: 0, optimalityGap: 0, optimal: false, assignmentMethod: ASSIGNMENT_METHOD,
    engine: scorer.engine, scoreSeconds: 0, assignSeconds: 0, writeSeconds: 0, error: null,
  };
  await upsertOne(plans, header);

  const revenue = economics.revenuePerConversion;
  const costs = combinationCosts(economics);
  const leadIds: string[] = [];
  const pages: Float32Array[] = [];
  let readMs = 0;
  let scoreMs = 0;
  let writeMs = 0;
  let writeWaitMs = 0;
  const pendingWrites: Promise<void>[] = [];
  const waitForWrites = async (keep: number) => {
    const t = performance.now();
    while (pendingWrites.length > keep) await pendingWrites.shift();
    writeWaitMs += performance.now() - t;
  };
  try {
    // 1. Score every lead (the capacities couple all leads, so the plan needs all scores).
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
      pages.push(probs);
      for (const lead of page.leads) leadIds.push(lead.leadId);
      header.leads += n;
      scoreMs += performance.now() - t0;
      deps.progress?.({ step: 'score leads', done: header.leads });
      readStart = performance.now();
    }
    const n = header.leads;
    const probs = new Float32Array(n * COMBINATION_COUNT);
    for (let i = 0, off = 0; i < pages.length; off += pages[i].length, i++) probs.set(pages[i], off);
    pages.length = 0;

    // 2. Assign under the capacities.
    const t1 = performance.now();
    const profitOf = (i: number, k: number) => probs[i * COMBINATION_COUNT + k] * revenue - costs[k];
    const options = leadOptions(n, capacity, profitOf);
    const assignment = assignUnderCapacity(options, { timeBudgetMs: deps.assignBudgetMs });
    const assignMs = performance.now() - t1;
    deps.progress?.({ step: 'assign leads', done: n });

    // 3. Documents, written a page at a time, a few pages in flight.
    const allLeads = new Float64Array(COMBINATION_COUNT);
    const chosenLeads = new Float64Array(COMBINATION_COUNT);
    const chosenExpected = new Float64Array(COMBINATION_COUNT);
    const bestLeads = new Float64Array(COMBINATION_COUNT);
    const PAGE = 5000;
    for (let from = 0; from < n; from += PAGE) {
      const to = Math.min(n, from + PAGE);
      const docs: LeadPlanDocument[] = new Array(to - from);
      for (let i = from; i < to; i++) {
        const base = i * COMBINATION_COUNT;
        let sum = 0;
        let best = 0;
        let bestProfit = -Infinity;
        for (let k = 0; k < COMBINATION_COUNT; k++) {
          const p = probs[base + k];
          sum += p;
          allLeads[k] += p;
          const v = p * revenue - costs[k];
          if (v > bestProfit) { bestProfit = v; best = k; }
        }
        bestLeads[best]++;
        const chosen = options.option[i * options.nodes + assignment.node[i]];
        const b = COMBINATIONS[best];
        const p = chosen >= 0 ? probs[base + chosen] : 0;
        const c = chosen >= 0 ? COMBINATIONS[chosen] : undefined;
        if (chosen >= 0) {
          chosenLeads[chosen]++;
          chosenExpected[chosen] += p;
        }
        docs[i - from] = {
          id: leadPlanDocumentId(version, leadIds[i]), kind: 'leadPlan', campaignId: campaign.campaignId, modelVersion: version, runId,
          leadId: leadIds[i], contacted: chosen >= 0,
          contactChannel: c?.channel ?? null, day: c?.day ?? null, timeSlot: c?.timeSlot ?? null,
          probability: round6(p), expectedRevenue: roundMoney(p * revenue), contactCost: chosen >= 0 ? costs[chosen] : 0,
          expectedProfit: roundMoney(chosen >= 0 ? p * revenue - costs[chosen] : 0),
          bestContactChannel: b.channel, bestDay: b.day, bestTimeSlot: b.timeSlot, bestProbability: round6(probs[base + best]), bestExpectedProfit: roundMoney(bestProfit),
          averageProbability: round6(sum / COMBINATION_COUNT),
        };
      }
      await waitForWrites(MAX_WRITES_IN_FLIGHT - 1);
      const w0 = performance.now();
      const write = bulkUpsert(plans, docs, (d) => d.campaignId, { concurrency: deps.writeConcurrency }).then(() => {
        writeMs += performance.now() - w0;
      });
      // Keep a failed write from being reported as unhandled while the next page is built.
      write.catch(() => {});
      pendingWrites.push(write);
      deps.progress?.({ step: 'write plans', done: to });
    }
    await waitForWrites(0);
    const w0 = performance.now();
    const staleRemoved = deps.pruneStale === false ? 0 : await removeStale(plans, campaign.campaignId, version, runId, header.leads);
    if (staleRemoved > 0) log(`plan ${campaign.campaignId}: removed ${staleRemoved} lead documents of leads no longer present`);

    const combinations: CombinationSummaryDocument[] = COMBINATIONS.map((c) => {
      const node = capacity.nodeOf[c.index];
      const conversions = chosenExpected[c.index];
      const cost = chosenLeads[c.index] * costs[c.index];
      return {
        id: combinationDocumentId(version, c.index), kind: 'combinationSummary', campaignId: campaign.campaignId, modelVersion: version, runId,
        combination: c.index, contactChannel: c.channel, day: c.day, timeSlot: c.timeSlot,
        leads: chosenLeads[c.index], expectedConversions: round6(conversions),
        expectedRevenue: roundMoney(conversions * revenue), expectedCost: roundMoney(cost), expectedProfit: roundMoney(conversions * revenue - cost),
        unconstrainedLeads: bestLeads[c.index],
        capacity: node === 0 ? null : capacity.capacity[node], capacityResource: capacity.labels[node],
        averageProbabilityAllLeads: n > 0 ? round6(allLeads[c.index] / n) : 0,
      };
    });
    await bulkUpsert(plans, combinations, (d) => d.campaignId);
    writeMs += performance.now() - w0;

    // Baselines contact everyone: at the single most profitable combination, or at random.
    let oneBest = 0;
    const totalProfitAt = (k: number) => allLeads[k] * revenue - n * costs[k];
    for (let k = 1; k < COMBINATION_COUNT; k++) if (totalProfitAt(k) > totalProfitAt(oneBest)) oneBest = k;
    const randomConversions = allLeads.reduce((a, b) => a + b, 0) / COMBINATION_COUNT;
    const randomCost = (n * costs.reduce((a, b) => a + b, 0)) / COMBINATION_COUNT;
    const expected = chosenExpected.reduce((a, b) => a + b, 0);
    const cost = chosenLeads.reduce((a, l, k) => a + l * costs[k], 0);
    const contacted = chosenLeads.reduce((a, b) => a + b, 0);
    const oneBestCost = n * costs[oneBest];
    const completedAt = now().toISOString();
    Object.assign(header, {
      status: 'completed', updatedAt: completedAt, completedAt,
      contactedLeads: contacted,
      expectedConversions: round6(expected), expectedConversionRate: n > 0 ? round6(expected / n) : 0,
      expectedRevenue: roundMoney(expected * revenue), expectedCost: roundMoney(cost), expectedProfit: roundMoney(assignment.profit), expectedRoi: roi(assignment.profit, cost),
      oneBestExpectedConversions: round6(allLeads[oneBest]), oneBestExpectedRevenue: roundMoney(allLeads[oneBest] * revenue),
      oneBestExpectedCost: roundMoney(oneBestCost), oneBestExpectedProfit: roundMoney(totalProfitAt(oneBest)), oneBestExpectedRoi: roi(totalProfitAt(oneBest), oneBestCost),
      oneBestContactChannel: n > 0 ? COMBINATIONS[oneBest].channel : null,
      oneBestDay: n > 0 ? COMBINATIONS[oneBest].day : null,
      oneBestTimeSlot: n > 0 ? COMBINATIONS[oneBest].timeSlot : null,
      randomExpectedConversions: round6(randomConversions), randomExpectedRevenue: roundMoney(randomConversions * revenue),
      randomExpectedCost: roundMoney(randomCost), randomExpectedProfit: roundMoney(randomConversions * revenue - randomCost),
      randomExpectedRoi: roi(randomConversions * revenue - randomCost, randomCost),
      unconstrainedExpectedProfit: roundMoney(assignment.unconstrainedProfit), upperBoundExpectedProfit: roundMoney(assignment.upperBound),
      optimalityGap: round6(assignment.gap), optimal: assignment.optimal,
      scoreSeconds: seconds(scoreMs), assignSeconds: seconds(assignMs), writeSeconds: seconds(writeMs),
    } satisfies Partial<PlanDocument>);
    await upsertOne(plans, header);
    const totalMs = performance.now() - started;
    log(`plan ${campaign.campaignId} (model ${version}, ${scorer.engine}): ${n} leads, ${contacted} contacted, ${expected.toFixed(1)} expected conversions, expected profit ${header.expectedProfit} (bound ${header.upperBoundExpectedProfit}, ${assignment.optimal ? 'optimal' : `gap ${header.optimalityGap}`}), ${seconds(totalMs)} s in all`);
    return {
      plan: header,
      combinations,
      staleRemoved,
      timings: { readSeconds: seconds(readMs), scoreSeconds: seconds(scoreMs), assignSeconds: seconds(assignMs), writeWaitSeconds: seconds(writeWaitMs), writeSeconds: seconds(writeMs), totalSeconds: seconds(totalMs) },
    };
  } catch (error) {
    await Promise.allSettled(pendingWrites);
    const failedAt = now().toISOString();
    Object.assign(header, { status: 'failed', updatedAt: failedAt, error: (error as Error).message.slice(0, 1000) } satisfies Partial<PlanDocument>);
    await upsertOne(plans, header).catch((e) => log(`plan ${campaign.campaignId}: could not record the failure: ${(e as Error).message}`));
    throw error;
  }
}
