// node dist/tools/cli/campaign/import.js (--from DIR | --blob [--prefix P]) [--dry-run]
// Checks leads.csv, campaigns.csv and touches.csv together, then writes leads to the leads
// container and campaign definitions to campaignPlans. Any bad row: all problems are listed
// (file, row, column, reason), exit code 1, and nothing is written.
import { appServices } from '../../../src/app/appServices';
import { readCampaignSettings } from '../../../src/config/campaignSettings';
import { ensureCampaignContainers } from '../../../src/campaign/data/campaignContainers';
import { describeSource, readCampaignSource } from '../../../src/campaign/data/campaignSource';
import { importCampaignData } from '../../../src/campaign/data/importCampaignData';
import { loadLocalSettings, parseCli, runCli } from '../cliSupport';
import { SOURCE_OPTIONS, sourceFromArgs } from './dataSourceArgs';

const USAGE = 'usage: import.js (--from DIR | --blob [--prefix P]) [--dry-run]';

runCli(async () => {
  const args = parseCli(process.argv.slice(2), { ...SOURCE_OPTIONS, 'dry-run': { type: 'boolean' } }, USAGE);
  loadLocalSettings();
  const settings = readCampaignSettings();
  const source = sourceFromArgs(args, () => appServices().clients, settings, USAGE);
  const texts = await readCampaignSource(source);
  const app = appServices().clients;
  try {
    if (!args['dry-run']) {
      await ensureCampaignContainers(app.cosmosClient(), app.settings.cosmosDatabase, { leads: settings.leadsContainer, plans: settings.plansContainer });
    }
    const result = await importCampaignData(texts, { leads: app.cosmosContainer(settings.leadsContainer), plans: app.cosmosContainer(settings.plansContainer) }, {
      dryRun: args['dry-run'],
      log: (m) => console.error(m),
    });
    console.log(JSON.stringify({ source: describeSource(source), dryRun: Boolean(args['dry-run']), leads: result.leads, campaigns: result.campaigns, touches: result.touches, written: result.written }));
  } finally {
    await app.close();
  }
});
