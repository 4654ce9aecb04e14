// The template-format part of `bench campaign`: the template's four tables for N leads generated
// in their own shape (4–6 touches per lead), read and checked, imported into the Cosmos DB
// emulator (own process), the model chosen among the three candidates on their touches, and one
// template campaign planned from the leads container. Time, rows/s and memory of each step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { ensureCampaignContainers } from '../src/campaign/data/campaignContainers';
import { writeCampaignData } from '../src/campaign/data/importCampaignData';
import { readCampaignInput } from '../src/campaign/template/campaignInput';
import { TEMPLATE_FILES, type TemplateTable } from '../src/campaign/template/templateTables';
import { openCampaignModel } from '../src/campaign/model/campaignModel';
import { cosmosLeadSource } from '../src/campaign/plan/leadSource';
import { runCampaignPlan } from '../src/campaign/plan/runCampaignPlan';
import { sha256Hex } from '../src/models/modelRegistry';
import { trainCampaignModel } from '../src/training/campaign/trainCampaignModel';
import { startCosmosService } from '../tools/local/localServices';
import { generateTemplateData } from '../tools/synthetic/campaign/templateData';
import type { ProgressRenderer } from '../tools/cli/progress';

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024, 0);

export async function templateBench(nLeads: number, log: (m: string) => void, progress: ProgressRenderer): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-template-'));
  const cosmos = await startCosmosService(path.join(dir, 'cosmos'), 0, () => {});
  const client = new CosmosClient(cosmos.connectionString);
  try {
    let t = performance.now();
    const files = Object.fromEntries((Object.keys(TEMPLATE_FILES) as TemplateTable[]).map((k) => [k, fs.openSync(path.join(dir, TEMPLATE_FILES[k]), 'w')])) as Record<TemplateTable, number>;
    const stats = generateTemplateData({ leads: nLeads, seed: 2 }, (table, chunk) => fs.writeSync(files[table], chunk));
    for (const fd of Object.values(files)) fs.closeSync(fd);
    log(`template: generated ${nLeads} leads, ${stats.touches} touches in ${round((performance.now() - t) / 1000)} s`);

    const heapBefore = process.memoryUsage().heapUsed;
    t = performance.now();
    const input = await readCampaignInput({ folder: dir }, 'template');
    const readSeconds = (performance.now() - t) / 1000;
    const heapAfterRead = process.memoryUsage().heapUsed;
    const rows = input.data.leads.length + input.data.touches.length + 12;
    log(`template: read and checked ${rows} rows in ${round(readSeconds)} s`);

    await ensureCampaignContainers(client, 'personalization');
    const db = client.database('personalization');
    t = performance.now();
    await writeCampaignData(input.data, { leads: db.container('leads'), plans: db.container('campaignPlans') }, { progress: (p) => progress.update({ ...p, step: 'template: import leads' }) });
    progress.end();
    const writeSeconds = (performance.now() - t) / 1000;
    log(`template: imported ${nLeads} leads into the Cosmos DB emulator in ${round(writeSeconds)} s`);

    t = performance.now();
    const trained = await trainCampaignModel(input.data, { log: (m) => log(`template: ${m}`), progress: (p) => progress.update(p) });
    progress.end();
    const trainSeconds = (performance.now() - t) / 1000;
    const model = await openCampaignModel(trained.onnx, { ...trained.manifest, name: 'campaign', version: 'bench-template', sha256: sha256Hex(trained.onnx) });
    const campaign = input.data.campaigns[1];
    const plan = await runCampaignPlan({
      model, engine: 'trees', leads: cosmosLeadSource(db.container('leads')), plans: db.container('campaignPlans'),
      campaign: { campaignId: campaign.campaignId, name: campaign.name, product: campaign.product },
    });
    await model.release();
    log(`template: planned campaign ${campaign.campaignId} for ${plan.plan.leads} leads in ${plan.timings.totalSeconds} s`);
    const trainRows = trained.set.train.nRows + trained.set.validation.nRows;
    return {
      templateLeads: nLeads,
      templateTouches: stats.touches,
      templateReadCheckSeconds: round(readSeconds),
      templateReadCheckRowsPerSecond: Math.round(rows / readSeconds),
      templateReadHeapMb: mb(heapAfterRead - heapBefore),
      templateImportWriteSeconds: round(writeSeconds),
      templateImportSeconds: round(readSeconds + writeSeconds),
      templateImportLeadsPerSecond: Math.round(nLeads / (readSeconds + writeSeconds)),
      templateTrainSeconds: round(trainSeconds),
      templateTrainRowsPerSecond: Math.round(trainRows / trainSeconds),
      templateChosenModel: trained.chosen.name,
      templateCandidates: trained.candidates.map((c) => ({ name: c.name, auc: round(c.validationAuc, 4), logLoss: round(c.validationLogLoss, 4), trainSeconds: round(c.trainSeconds) })),
      templatePlanTotalSeconds: plan.timings.totalSeconds,
      templatePlanTotalSecondsTarget: 60,
      maxRssMb: round(process.resourceUsage().maxRSS / 1024, 0),
    };
  } finally {
    client.dispose();
    await cosmos.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
