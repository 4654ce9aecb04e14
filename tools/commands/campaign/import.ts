// node dist/tools/commands/campaign/import.js [--format campaign|template] (--from DIR | --blob [--prefix P]) [--dry-run]
// Checks leads.csv, campaigns.csv and touches.csv (or the template's four tables) together, then writes leads to the leads
// container and campaign definitions to campaignPlans. Any bad row: all problems are listed
// (file, row, column, reason), exit code 1, and nothing is written.
import { appServices } from '../../../src/app/appServices';
import { readCampaignSettings } from '../../../src/config/campaignSettings';
import { ensureCampaignContainers } from '../../../src/campaign/data/campaignContainers';
import { describeSource } from '../../../src/campaign/data/campaignSource';
import { writeCampaignData } from '../../../src/campaign/data/importCampaignData';
import { readCampaignInput } from '../../../src/campaign/template/campaignInput';
import { formatTemplateSummary } from '../../../src/campaign/template/readTemplateFiles';
import { command, flag } from '../../cli/commandLine';
import { runCampaignCommand } from './campaignCommand';
import { loadLocalSettings } from '../../local/localSettings';
import { SOURCE_OPTIONS, sourceFromArgs } from './dataSourceArgs';

const IMPORT = command({
  usage: 'npm run campaign:import -- [--format campaign|template] (--from DIR | --blob [--prefix P]) [--dry-run]',
  summary: 'Checks the CSV files together (our three, or the template\'s four with --format template), then\nwrites the leads and the campaign definitions. Any bad row: every problem is listed, exit code 1,\nand nothing is written.',
  options: { ...SOURCE_OPTIONS, 'dry-run': flag('check only; write nothing') },
});

runCampaignCommand(IMPORT, async (args, progress) => {
  loadLocalSettings();
  const settings = readCampaignSettings();
  const source = sourceFromArgs(args, () => appServices().clients, settings);
  progress.log(`reading ${describeSource(source)} (${args.format} format)`);
  const input = await readCampaignInput(source, args.format);
  // What became of each template column, before anything is written.
  if (input.summary) for (const line of formatTemplateSummary(input.summary)) progress.log(line);
  const report = (result: { leads: number; campaigns: number; touches: number; written: { leads: number; campaigns: number } }) =>
    console.log(JSON.stringify({ source: describeSource(source), format: args.format, dryRun: args['dry-run'], ...result, ...(input.summary ? { columns: input.summary.files, imputed: input.summary.imputed } : {}) }));
  const counts = { leads: input.data.leads.length, campaigns: input.data.campaigns.length, touches: input.data.touches.length };
  // A dry run checks only: it needs no Cosmos DB settings and opens no connection.
  if (args['dry-run']) {
    report({ ...counts, written: { leads: 0, campaigns: 0 } });
    return;
  }
  const app = appServices().clients;
  try {
    await ensureCampaignContainers(app.cosmosClient(), app.settings.cosmosDatabase, { leads: settings.leadsContainer, plans: settings.plansContainer });
    const result = await writeCampaignData(input.data, { leads: app.cosmosContainer(settings.leadsContainer), plans: app.cosmosContainer(settings.plansContainer) }, {
      log: (m) => progress.log(m),
      progress: (p) => progress.update(p),
    });
    progress.end();
    report({ ...counts, written: result.written });
  } finally {
    await app.close();
  }
});
