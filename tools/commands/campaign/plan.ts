// node dist/tools/commands/campaign/plan.js --campaign ID [--model-version V] [--engine trees|onnx]
//                                    [--leads-from DIR | --leads-blob [--prefix P]] [--skip-prune]
// Scores every lead in the leads container (or in leads.csv of a folder / the data container)
// on all 63 combinations with the current (or given) campaign model and writes the plan to
// campaignPlans (see docs/campaign.md).
import { readModelIntegrity } from '../../../src/config/modelIntegritySettings';
import { appServices } from '../../../src/app/appServices';
import { readCampaignSettings } from '../../../src/config/campaignSettings';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { idField } from '../../../src/campaign/data/fieldRules';
import { SCORING_ENGINES } from '../../../src/campaign/model/combinationScorer';
import { readCampaignFiles } from '../../../src/campaign/data/campaignFiles';
import { describeSource, readCampaignSource } from '../../../src/campaign/data/campaignSource';
import { memoryLeadSource } from '../../../src/campaign/plan/leadSource';
import { planCampaign } from '../../../src/campaign/plan/planCampaign';
import { CliUsageError, command, flag, oneOf, option, text } from '../../cli/commandLine';
import { runCampaignCommand } from './campaignCommand';
import { loadLocalSettings } from '../../local/localSettings';
import { sourceFromArgs } from './dataSourceArgs';

const PLAN = command({
  usage: 'npm run campaign:plan -- --campaign ID [options]',
  summary: 'Scores every lead on all 63 combinations with the current (or given) campaign model\nand writes the plan to campaignPlans (see docs/campaign.md).',
  options: {
    campaign: option('campaign id (as in campaigns.csv)', text, { placeholder: '<id>', required: true }),
    'model-version': option('registry version of the campaign model', text, { placeholder: '<version>', defaultText: 'the current model' }),
    engine: option('scoring engine', oneOf(SCORING_ENGINES), { defaultText: 'CampaignScoringEngine' }),
    'leads-from': option('score the leads of leads.csv in this folder instead of the leads container', text, { placeholder: '<dir>' }),
    'leads-blob': flag('score the leads of leads.csv in the CampaignDataContainer Blob container'),
    prefix: option('blob name prefix with --leads-blob', text, { placeholder: '<prefix>' }),
    'skip-prune': flag("keep the plan documents of leads no longer present"),
  },
});

runCampaignCommand(PLAN, async (args, progress) => {
  const id = idField(args.campaign);
  if (!id.ok) throw new CliUsageError(`--campaign: ${id.reason}`);
  loadLocalSettings();
  const settings = readCampaignSettings();
  const app = appServices().clients;
  try {
    let leadSource;
    if (args['leads-from'] !== undefined || args['leads-blob']) {
      const source = sourceFromArgs({ from: args['leads-from'], blob: args['leads-blob'], prefix: args.prefix }, () => app, settings, { from: '--leads-from DIR', blob: '--leads-blob' });
      const { leads } = await readCampaignSource(source);
      if (leads === undefined) throw new CliUsageError(`${describeSource(source)} has no leads.csv`);
      leadSource = memoryLeadSource(readCampaignFiles({ leads }).leads);
    }
    const result = await planCampaign(id.value, {
      registry: new ModelRegistry(app.archiveContainer(app.settings.modelsContainer), readModelIntegrity(process.env)),
      modelName: settings.modelName,
      engine: args.engine ?? settings.scoringEngine,
      leads: app.cosmosContainer(settings.leadsContainer),
      plans: app.cosmosContainer(settings.plansContainer),
      money: settings,
      log: (m) => progress.log(m),
      progress: (p) => progress.update(p),
      leadSource,
      pruneStale: !args['skip-prune'],
    }, { modelVersion: args['model-version'] });
    progress.end();
    console.log(JSON.stringify({ plan: result.plan, timings: result.timings, staleRemoved: result.staleRemoved }));
  } finally {
    await app.close();
  }
});
