// node dist/tools/commands/campaign/generate.js --out DIR [--leads 100000] [--touches 500000] [--seed 42] [--days 182] [--start 2025-01-06]
// Writes leads.csv, campaigns.csv and touches.csv of the seeded synthetic data set.
import fs from 'node:fs';
import path from 'node:path';
import { FILE_NAMES } from '../../../src/campaign/data/campaignFiles';
import { GENERATOR_DEFAULTS, generateCampaignData } from '../../synthetic/campaign/generateCampaignData';
import { campaignDataToCsv } from '../../synthetic/campaign/campaignCsv';
import { command, integer, option, positiveInteger, text } from '../../cli/commandLine';
import { runCampaignCommand } from './campaignCommand';

const GENERATE = command({
  usage: 'npm run campaign:generate -- --out DIR [options]',
  summary: 'Writes leads.csv, campaigns.csv and touches.csv of the seeded synthetic data set.',
  options: {
    out: option('folder the CSV files are written to', text, { placeholder: '<dir>', required: true }),
    leads: option('leads', positiveInteger, { default: GENERATOR_DEFAULTS.leads }),
    touches: option('past contacts', positiveInteger, { default: GENERATOR_DEFAULTS.touches }),
    seed: option('random seed', integer, { default: GENERATOR_DEFAULTS.seed }),
    days: option('days of history', positiveInteger, { default: GENERATOR_DEFAULTS.days }),
    start: option('first day of the history', text, { placeholder: '<YYYY-MM-DD>', default: GENERATOR_DEFAULTS.startDate }),
  },
});

runCampaignCommand(GENERATE, async (args) => {
  const data = generateCampaignData({ leads: args.leads, touches: args.touches, days: args.days, startDate: args.start, seed: args.seed });
  const csv = campaignDataToCsv(data);
  fs.mkdirSync(args.out, { recursive: true });
  for (const kind of ['leads', 'campaigns', 'touches'] as const) fs.writeFileSync(path.join(args.out, FILE_NAMES[kind]), csv[kind]);
  const converted = data.touches.filter((t) => t.converted).length;
  console.log(JSON.stringify({ out: path.resolve(args.out), leads: data.leads.length, campaigns: data.campaigns.length, touches: data.touches.length, conversionRate: converted / data.touches.length }));
});
