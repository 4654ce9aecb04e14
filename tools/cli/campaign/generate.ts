// node dist/tools/cli/campaign/generate.js --out DIR [--leads 100000] [--touches 500000] [--seed 42] [--days 182] [--start 2025-01-06]
// Writes leads.csv, campaigns.csv and touches.csv of the seeded synthetic data set.
import fs from 'node:fs';
import path from 'node:path';
import { FILE_NAMES } from '../../../src/campaign/data/campaignFiles';
import { GENERATOR_DEFAULTS, generateCampaignData } from '../../synthetic/campaign/generateCampaignData';
import { campaignDataToCsv } from '../../synthetic/campaign/campaignCsv';
import { CliUsageError, parseCli, positiveInt, runCli } from '../cliSupport';

const USAGE = 'usage: generate.js --out DIR [--leads N] [--touches N] [--seed S] [--days D] [--start YYYY-MM-DD]';

runCli(async () => {
  const args = parseCli(process.argv.slice(2), {
    out: { type: 'string' }, leads: { type: 'string' }, touches: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' }, start: { type: 'string' },
  }, USAGE);
  if (!args.out) throw new CliUsageError(`--out is required\n${USAGE}`);
  const seed = args.seed === undefined ? GENERATOR_DEFAULTS.seed : Number(args.seed);
  if (!Number.isInteger(seed)) throw new CliUsageError(`--seed must be an integer, got "${args.seed}"`);
  const data = generateCampaignData({
    leads: positiveInt(args.leads, 'leads', GENERATOR_DEFAULTS.leads),
    touches: positiveInt(args.touches, 'touches', GENERATOR_DEFAULTS.touches),
    days: positiveInt(args.days, 'days', GENERATOR_DEFAULTS.days),
    startDate: args.start ?? GENERATOR_DEFAULTS.startDate,
    seed,
  });
  const csv = campaignDataToCsv(data);
  fs.mkdirSync(args.out, { recursive: true });
  for (const kind of ['leads', 'campaigns', 'touches'] as const) fs.writeFileSync(path.join(args.out, FILE_NAMES[kind]), csv[kind]);
  const converted = data.touches.filter((t) => t.converted).length;
  console.log(JSON.stringify({ out: path.resolve(args.out), leads: data.leads.length, campaigns: data.campaigns.length, touches: data.touches.length, conversionRate: converted / data.touches.length }));
});
