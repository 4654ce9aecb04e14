// `--from DIR` (a local folder) or `--blob [--prefix P]` (the CampaignDataContainer Blob
// container) → where the CSV files are read.
import type { AzureClients } from '../../../src/clients/azureClients';
import type { CampaignSettings } from '../../../src/config/campaignSettings';
import type { CampaignSource } from '../../../src/campaign/data/campaignSource';
import { CAMPAIGN_FORMATS } from '../../../src/campaign/template/campaignInput';
import { CliUsageError, flag, oneOf, option, text } from '../../cli/commandLine';

export const SOURCE_OPTIONS = {
  format: option('campaign: leads.csv, campaigns.csv, touches.csv; template: the template\'s Campaign_Detail, Product, Lead_Demography, Market_Touchdown', oneOf(CAMPAIGN_FORMATS), { default: 'campaign' as const }),
  from: option('read the CSV files from this folder', text, { placeholder: '<dir>' }),
  blob: flag('read them from the CampaignDataContainer Blob container'),
  prefix: option('blob name prefix with --blob', text, { placeholder: '<prefix>' }),
};

export function sourceFromArgs(args: { from?: string; blob?: boolean; prefix?: string }, app: () => AzureClients, settings: CampaignSettings, flags = { from: '--from DIR', blob: '--blob' }): CampaignSource {
  if ((args.from === undefined) === !args.blob) throw new CliUsageError(`give exactly one of ${flags.from} or ${flags.blob}`);
  if (args.from !== undefined) return { folder: args.from };
  return { container: app().archiveContainer(settings.dataContainer), prefix: args.prefix ?? '' };
}
