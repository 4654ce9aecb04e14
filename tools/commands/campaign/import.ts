// node dist/tools/commands/campaign/import.js (--from DIR | --blob [--prefix P]) [--dry-run]
// Checks leads.csv, campaigns.csv and touches.csv together, then writes leads to the leads
// container and campaign definitions to campaignPlans. Any bad row: all problems are listed
// (file, row, column, reason), exit code 1, and nothing is written.
import { appServices } from '../../../src/app/appServices';
import { readCampaignSettings } from '../../../src/config/campaignSettings';
import { ensureCampaignContainers } from '../../../src/campaign/data/campaignContainers';
import { describeSource, readCampaignSource } from '../../../src/campaign/data/campaignSource';
import { importCampaignData } from '../../../src/campaign/data/importCampaignData';
import { command, flag } from '../../cli/commandLine';
import { runCampaignCommand } from './campaignCommand';
import { loadLocalSettings } from '../../local/localSettings';
import { SOURCE_OPTIONS, sourceFromArgs } from './dataSourceArgs';

const IMPORT = command({
  usage: 'npm run campaign:import -- (--from DIR | --blob [--prefix P]) [--dry-run]',
  summary: 'Checks the three CSV files together, then writes the leads and the campaign definitions.\nAny bad row: every problem is listed, exit code 1, and nothing is written.',
  options: { ...SOURCE_OPTIONS, 'dry-run': flag('check only; write nothing') },
});

runCampaignCommand(IMPORT, async (args, progress) => {
  loadLocalSettings();
  const settings = readCampaignSettings();
  const source = sourceFromArgs(args, () => appServices().clients, settings);
  const texts = await readCampaignSource(source);
  const app = appServices().clients;
  try {
    if (!args['dry-run']) {
      await ensureCampaignContainers(app.cosmosClient(), app.settings.cosmosDatabase, { leads: settings.leadsContainer, plans: settings.plansContainer });
    }
    const result = await importCampaignData(texts, { leads: app.cosmosContainer(settings.leadsContainer), plans: app.cosmosContainer(settings.plansContainer) }, {
      dryRun: args['dry-run'],
      log: (m) => progress.log(m),
      progress: (p) => progress.update(p),
    });
    progress.end();
    console.log(JSON.stringify({ source: describeSource(source), dryRun: args['dry-run'], leads: result.leads, campaigns: result.campaigns, touches: result.touches, written: result.written }));
  } finally {
    await app.close();
  }
});
