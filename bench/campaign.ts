// `node dist/bench/run.js campaign [leads] [touches]`: campaign optimization end to end on the
// seeded synthetic data (known true conversion function): train, score every lead on all 63
// combinations with both engines, plan quality against the truth, the batch plan against the
// Cosmos DB stand-in (in its own process), and single-lead recommend latency; then the same for
// the template's own four tables (bench/campaignTemplate.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { COMBINATION_COUNT } from '../src/events/contactCombinations';
import { ensureCampaignContainers } from '../src/campaign/data/campaignContainers';
import { importCampaignData } from '../src/campaign/data/importCampaignData';
import { leadMatrix } from '../src/campaign/features/campaignRows';
import { openCampaignModel, type CampaignModel } from '../src/campaign/model/campaignModel';
import type { ScoringEngine } from '../src/campaign/model/combinationScorer';
import { trainCampaignModel } from '../src/training/campaign/trainCampaignModel';
import { cosmosLeadSource } from '../src/campaign/plan/leadSource';
import { leadPlanDocumentId } from '../src/campaign/plan/planDocuments';
import { runCampaignPlan } from '../src/campaign/plan/runCampaignPlan';
import { capacityNodes } from '../src/campaign/plan/capacityNodes';
import { combinationCosts, contactEconomics } from '../src/campaign/plan/contactEconomics';
import { capacityRule } from '../src/campaign/plan/planCampaign';
import { CAMPAIGN_DEFAULTS, type ContactLimit } from '../src/config/campaignSettings';
import { planQuality } from '../tools/synthetic/campaign/planQuality';
import { parseRecommendRequest } from '../src/campaign/recommend/recommendRequest';
import { recommend } from '../src/campaign/recommend/recommender';
import { campaignDataToCsv } from '../tools/synthetic/campaign/campaignCsv';
import { generateCampaignData } from '../tools/synthetic/campaign/generateCampaignData';
import { startCosmosService } from '../tools/local/localServices';
import { sha256Hex } from '../src/models/modelRegistry';
import { rocAuc } from '../src/learners/metrics';
import { positional, positiveInteger } from '../tools/cli/commandLine';
import { createProgressRenderer } from '../tools/cli/progress';
import { templateBench } from './campaignTemplate';

const progress = createProgressRenderer(process.stderr);

function log(msg: string): void {
  progress.log(`[campaign] ${msg}`);
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
const secondsSince = (t: number) => round((performance.now() - t) / 1000, 2);

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function recommendLatency(model: CampaignModel, engine: ScoringEngine, leads: { age: number; incomeBand: string; creditScore: number; householdSize: number; region: string }[]) {
  const deps = {
    model: () => model,
    engine,
    findLeads: async () => new Map(),
    findCampaign: async () => undefined,
  };
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const lead = leads[i % leads.length];
    const t = performance.now();
    const checked = parseRecommendRequest({ product: 'savings', lead }, 1000);
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const answer = await recommend(checked.request, deps);
    JSON.stringify(answer);
    if (i >= 500) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: round(percentile(times, 0.5), 3), p99Ms: round(percentile(times, 0.99), 3) };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const nLeads = positional(args, 0, 'leads', positiveInteger, 100_000);
  const nTouches = positional(args, 1, 'touches', positiveInteger, 500_000);
  const product = 'savings';

  let t = performance.now();
  const data = generateCampaignData({ leads: nLeads, touches: nTouches });
  log(`generated ${nLeads} leads, ${nTouches} touches in ${secondsSince(t)} s`);

  t = performance.now();
  const trained = await trainCampaignModel(data, { log, progress: (p) => progress.update(p) });
  progress.end();
  const trainSeconds = secondsSince(t);
  const report = trained.result.report;
  const truth = Float64Array.from(trained.set.validationTouches, (i) => data.touchProbability[i]);
  const bayesAuc = rocAuc(trained.set.validation.labels, truth);
  log(`trained ${report.trees} trees in ${trainSeconds} s: validation AUC ${report.validation.auc.toFixed(4)} (Bayes ${bayesAuc.toFixed(4)})`);

  log(`chosen model: ${trained.choice}`);
  const model = await openCampaignModel(trained.onnx, { ...trained.manifest, name: 'campaign', version: 'bench', sha256: sha256Hex(trained.onnx) });
  const rows = leadMatrix(model.layout, data.leads, product);
  const scores: Record<ScoringEngine, Float32Array> = { trees: new Float32Array(nLeads * COMBINATION_COUNT), onnx: new Float32Array(nLeads * COMBINATION_COUNT) };
  const scoreSeconds: Record<string, number> = {};
  for (const engine of ['trees', 'onnx'] as const) {
    t = performance.now();
    await model.scorer(engine).score(rows, 0, nLeads, scores[engine]);
    scoreSeconds[engine] = secondsSince(t);
    log(`${engine}: ${nLeads}×63 = ${nLeads * COMBINATION_COUNT} scores in ${scoreSeconds[engine]} s`);
  }
  let parity = 0;
  for (let i = 0; i < scores.trees.length; i++) parity = Math.max(parity, Math.abs(scores.trees[i] - scores.onnx[i]));
  const quality = planQuality(data.leads, product, scores.trees);
  log(`plan: ${round(quality.recommendedVsOracle * 100, 1)}% of the oracle's expected conversions (one best for all ${round(quality.oneBestVsOracle * 100, 1)}%, random ${round(quality.randomVsOracle * 100, 1)}%)`);

  const latency = { trees: await recommendLatency(model, 'trees', data.leads), onnx: await recommendLatency(model, 'onnx', data.leads) };
  log(`single-lead recommend p99: trees ${latency.trees.p99Ms} ms, onnx ${latency.onnx.p99Ms} ms`);

  // The batch plan against the Cosmos DB emulator, which runs in its own process as it does under `npm start`.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-campaign-'));
  const cosmos = await startCosmosService(dataDir, 0, () => {});
  const client = new CosmosClient(cosmos.connectionString);
  let planFigures: Record<string, unknown>;
  try {
    await ensureCampaignContainers(client, 'personalization');
    const db = client.database('personalization');
    const csv = campaignDataToCsv(data);
    t = performance.now();
    await importCampaignData({ leads: csv.leads, campaigns: csv.campaigns }, { leads: db.container('leads'), plans: db.container('campaignPlans') }, {
      progress: (p) => progress.update({ ...p, step: 'import leads' }),
    });
    progress.end();
    const importSeconds = secondsSince(t);
    log(`imported ${nLeads} leads into the Cosmos DB emulator in ${importSeconds} s`);
    const campaign = data.campaigns.find((c) => c.product === product)!;
    const plans = db.container('campaignPlans');
    // Money: a conversion earns 1,000 (a yearly premium of the template's products), contacts
    // cost the defaults (email 0.05, SMS 0.20, call 5). Capacities that bind: half of the calls
    // per slot and of the emails per day that the unconstrained plan (each lead's most
    // profitable combination) would make on average.
    const economics = contactEconomics({ product, revenuePerConversion: 1000 }, CAMPAIGN_DEFAULTS.productRevenue, CAMPAIGN_DEFAULTS.contactCost);
    const costs = combinationCosts(economics);
    const demand = { email: 0, sms: 0, call: 0 };
    for (let i = 0; i < nLeads; i++) {
      let best = -1;
      let bestProfit = 0;
      for (let k = 0; k < COMBINATION_COUNT; k++) {
        const v = scores.trees[i * COMBINATION_COUNT + k] * 1000 - costs[k];
        if (v > bestProfit) { bestProfit = v; best = k; }
      }
      if (best >= 0) demand[(['email', 'sms', 'call'] as const)[Math.floor(best / 21)]]++;
    }
    const limits: Record<string, ContactLimit> = {
      call: { limit: Math.max(1, Math.floor(demand.call / 21 / 2)), per: 'slot' },
      email: { limit: Math.max(1, Math.floor(demand.email / 7 / 2)), per: 'day' },
    };
    log(`unconstrained demand: ${JSON.stringify(demand)}; capacities ${capacityRule(limits)}`);
    // As the plan job runs: leads paged from the leads container, stale documents swept.
    const planOnce = () => runCampaignPlan({
      model,
      engine: 'trees',
      leads: cosmosLeadSource(db.container('leads')),
      plans,
      campaign: { campaignId: campaign.campaignId, name: campaign.name, product },
      economics,
      capacity: capacityNodes(limits),
      capacityRule: capacityRule(limits),
      log,
    });
    const result = await planOnce();
    const rerun = await planOnce();
    // Idempotence: the re-run overwrote the same documents (same ids, the new run id).
    const sample = await Promise.all([0, Math.floor(nLeads / 2), nLeads - 1].map((i) => plans.item(leadPlanDocumentId('bench', data.leads[i].leadId), campaign.campaignId).read<{ runId: string }>()));
    planFigures = {
      leadsImportSeconds: importSeconds,
      planScoreSeconds: result.timings.scoreSeconds,
      planWriteWaitSeconds: result.timings.writeWaitSeconds,
      planAssignSeconds: result.timings.assignSeconds,
      planTotalSeconds: result.timings.totalSeconds,
      planCapacityRule: result.plan.capacityRule,
      planContactedLeads: result.plan.contactedLeads,
      planExpectedProfit: result.plan.expectedProfit,
      planUnconstrainedArgmaxProfit: result.plan.unconstrainedExpectedProfit,
      planUpperBoundProfit: result.plan.upperBoundExpectedProfit,
      planOptimalityGap: result.plan.optimalityGap,
      planOptimal: result.plan.optimal,
      planExpectedRoi: result.plan.expectedRoi,
      planOneBestProfit: result.plan.oneBestExpectedProfit,
      planOneBestRoi: result.plan.oneBestExpectedRoi,
      planRandomProfit: result.plan.randomExpectedProfit,
      planRandomRoi: result.plan.randomExpectedRoi,
      planTotalSecondsTarget: 60,
      planRerunTotalSeconds: rerun.timings.totalSeconds,
      planRerunOverwrote: sample.every((r) => r.resource?.runId === rerun.plan.runId),
      planDocumentsWritten: nLeads + COMBINATION_COUNT + 1,
      planExpectedConversions: round(result.plan.expectedConversions, 1),
    };
  } finally {
    client.dispose();
    await cosmos.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  await model.release();
  const template = await templateBench(nLeads, log, progress);

  return {
    leads: nLeads,
    touches: nTouches,
    scores: nLeads * COMBINATION_COUNT,
    trainSeconds,
    chosenModel: trained.chosen.name,
    candidates: trained.candidates.map((c) => ({ name: c.name, auc: round(c.validationAuc, 4), logLoss: round(c.validationLogLoss, 4), trainSeconds: round(c.trainSeconds, 2) })),
    trees: trained.chosen.trees,
    validationAuc: round(trained.chosen.validationAuc, 4),
    bayesOptimalAuc: round(bayesAuc, 4),
    logisticBaselineAuc: report.baseline ? round(report.baseline.validation.auc, 4) : null,
    scoreSecondsTrees: scoreSeconds.trees,
    scoreSecondsOnnx: scoreSeconds.onnx,
    scoreSecondsTarget: 60,
    enginesMaxAbsDiff: parity,
    enginesMaxAbsDiffTarget: 1e-5,
    ...planFigures,
    recommendP50MsTrees: latency.trees.p50Ms,
    recommendP99MsTrees: latency.trees.p99Ms,
    recommendP99MsOnnx: latency.onnx.p99Ms,
    recommendP99MsTarget: 10,
    expectedConversionsRecommended: round(quality.recommended, 1),
    expectedConversionsOracle: round(quality.oracle, 1),
    expectedConversionsOneBestForAll: round(quality.oneBestForAll, 1),
    expectedConversionsRandom: round(quality.random, 1),
    recommendedVsOracle: round(quality.recommendedVsOracle, 4),
    recommendedVsOracleTarget: 0.95,
    oneBestForAllVsOracle: round(quality.oneBestVsOracle, 4),
    randomVsOracle: round(quality.randomVsOracle, 4),
    exactBestShare: round(quality.exactMatchShare, 4),
    ...template,
  };
}
