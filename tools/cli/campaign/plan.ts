// node dist/tools/cli/campaign/plan.js --campaign ID [--model-version V] [--engine trees|onnx]
//                                    [--leads-from DIR | --leads-blob [--prefix P]] [--skip-prune]
// Scores every lead in the leads container (or in leads.csv of a folder / the data container)
// on all 63 combinations with the current (or given) campaign model and writes the plan to
// campaignPlans (see docs/campaign.md).
import { appServices } from '../../../src/app/appServices';
import { readCampaignSettings } from '../../../src/config/campaignSettings';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { idField } from '../../../src/campaign/data/fieldRules';
import { SCORING_ENGINES, type ScoringEngine } from '../../../src/campaign/model/combinationScorer';
import { readCampaignFiles } from '../../../src/campaign/data/campaignFiles';
import { describeSource, readCampaignSource } from '../../../src/campaign/data/campaignSource';
import { memoryLeadSource } from '../../../src/campaign/plan/leadSource';
import { planCampaign } from '../../../src/campaign/plan/planCampaign';
import { sourceFromArgs } from './dataSourceArgs';
import { CliUsageError, loadLocalSettings, parseCli, runCli } from '../cliSupport';

const USAGE = 'usage: plan.js --campaign ID [--model-version V] [--engine trees|onnx] [--leads-from DIR | --leads-blob [--prefix P]] [--skip-prune]';

runCli(async () => {
  const args = parseCli(process.argv.slice(2), {
    campaign: { type: 'string' }, 'model-version': { type: 'string' }, engine: { type: 'string' },
    'leads-from': { type: 'string' }, 'leads-blob': { type: 'boolean' }, prefix: { type: 'string' }, 'skip-prune': { type: 'boolean' },
  }, USAGE);
  const id = idField(args.campaign);
  if (!id.ok) throw new CliUsageError(`--campaign: ${id.reason}\n${USAGE}`);
  if (args.engine !== undefined && !SCORING_ENGINES.includes(args.engine as ScoringEngine)) throw new CliUsageError(`--engine must be trees or onnx, got "${args.engine}"`);
  loadLocalSettings();
  const settings = readCampaignSettings();
  const app = appServices().clients;
  try {
    let leadSource;
    if (args['leads-from'] !== undefined || args['leads-blob']) {
      const source = sourceFromArgs({ from: args['leads-from'], blob: args['leads-blob'], prefix: args.prefix }, () => app, settings, USAGE);
      const { leads } = await readCampaignSource(source);
      if (leads === undefined) throw new CliUsageError(`${describeSource(source)} has no leads.csv`);
      leadSource = memoryLeadSource(readCampaignFiles({ leads }).leads);
    }
    const result = await planCampaign(id.value, {
      registry: new ModelRegistry(app.archiveContainer(app.settings.modelsContainer)),
      modelName: settings.modelName,
      engine: (args.engine as ScoringEngine | undefined) ?? settings.scoringEngine,
      leads: app.cosmosContainer(settings.leadsContainer),
      plans: app.cosmosContainer(settings.plansContainer),
      log: (m) => console.error(m),
      leadSource,
      pruneStale: !args['skip-prune'],
    }, { modelVersion: args['model-version'] });
    console.log(JSON.stringify({ plan: result.plan, timings: result.timings, staleRemoved: result.staleRemoved }));
  } finally {
    await app.close();
  }
});
