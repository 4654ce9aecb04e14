// `--from DIR` (a local folder) or `--blob [--prefix P]` (the CampaignDataContainer Blob
// container) → where the CSV files are read.
import type { AzureClients } from '../../../src/clients/azureClients';
import type { CampaignSettings } from '../../../src/config/campaignSettings';
import type { CampaignSource } from '../../../src/campaign/data/campaignSource';
import { CliUsageError } from '../cliSupport';

export const SOURCE_OPTIONS = { from: { type: 'string' }, blob: { type: 'boolean' }, prefix: { type: 'string' } } as const;

export function sourceFromArgs(args: { from?: string; blob?: boolean; prefix?: string }, app: () => AzureClients, settings: CampaignSettings, usage: string): CampaignSource {
  if ((args.from === undefined) === !args.blob) throw new CliUsageError(`give exactly one of --from DIR or --blob\n${usage}`);
  if (args.from !== undefined) return { folder: args.from };
  return { container: app().archiveContainer(settings.dataContainer), prefix: args.prefix ?? '' };
}
