// node dist/tools/commands/campaign/generate.js --out DIR [--format campaign|template] [--leads 100000] [--touches 500000] [--seed 42] [--days 182] [--start 2025-01-06]
// Writes leads.csv, campaigns.csv and touches.csv of the seeded synthetic data set, or (--format
// template) the template's four tables with the shape of its sample.
import fs from 'node:fs';
import path from 'node:path';
import { FILE_NAMES } from '../../../src/campaign/data/campaignFiles';
import { GENERATOR_DEFAULTS, generateCampaignData } from '../../synthetic/campaign/generateCampaignData';
import { campaignDataToCsv } from '../../synthetic/campaign/campaignCsv';
import { command, integer, oneOf, option, positiveInteger, text } from '../../cli/commandLine';
import { CAMPAIGN_FORMATS } from '../../../src/campaign/template/campaignInput';
import { TEMPLATE_FILES, type TemplateTable } from '../../../src/campaign/template/templateTables';
import { generateTemplateData, TEMPLATE_GENERATOR_DEFAULTS } from '../../synthetic/campaign/templateData';
import { runCampaignCommand } from './campaignCommand';

const GENERATE = command({
  usage: 'npm run campaign:generate -- --out DIR [--format campaign|template] [options]',
  summary: 'Writes leads.csv, campaigns.csv and touches.csv of the seeded synthetic data set, or with\n--format template the template\'s Campaign_Detail, Product, Lead_Demography and Market_Touchdown\n(4–6 touches per lead; --touches, --days and --start do not apply).',
  options: {
    out: option('folder the CSV files are written to', text, { placeholder: '<dir>', required: true }),
    format: option('campaign (our three files) or template (the template\'s four tables)', oneOf(CAMPAIGN_FORMATS), { default: 'campaign' as const }),
    leads: option('leads', positiveInteger, { default: GENERATOR_DEFAULTS.leads }),
    touches: option('past contacts', positiveInteger, { default: GENERATOR_DEFAULTS.touches }),
    seed: option('random seed (template: default 2)', integer, { defaultText: `${GENERATOR_DEFAULTS.seed}` }),
    days: option('days of history', positiveInteger, { default: GENERATOR_DEFAULTS.days }),
    start: option('first day of the history', text, { placeholder: '<YYYY-MM-DD>', default: GENERATOR_DEFAULTS.startDate }),
  },
});

runCampaignCommand(GENERATE, async (args, progress) => {
  if (args.format === 'template') {
    fs.mkdirSync(args.out, { recursive: true });
    const files = Object.fromEntries((Object.keys(TEMPLATE_FILES) as TemplateTable[]).map((t) => [t, fs.openSync(path.join(args.out, TEMPLATE_FILES[t]), 'w')])) as Record<TemplateTable, number>;
    try {
      const stats = generateTemplateData(
        { leads: args.leads, seed: args.seed ?? TEMPLATE_GENERATOR_DEFAULTS.seed },
        (table, chunk) => fs.writeSync(files[table], chunk),
        (done, total) => progress.update({ step: 'leads written', done, total }),
      );
      progress.end();
      console.log(JSON.stringify({ out: path.resolve(args.out), format: 'template', ...stats, conversionRate: stats.convertedLeads / stats.leads }));
    } finally {
      for (const fd of Object.values(files)) fs.closeSync(fd);
    }
    return;
  }
  const data = generateCampaignData({ leads: args.leads, touches: args.touches, days: args.days, startDate: args.start, seed: args.seed ?? GENERATOR_DEFAULTS.seed });
  const csv = campaignDataToCsv(data);
  fs.mkdirSync(args.out, { recursive: true });
  for (const kind of ['leads', 'campaigns', 'touches'] as const) fs.writeFileSync(path.join(args.out, FILE_NAMES[kind]), csv[kind]);
  const converted = data.touches.filter((t) => t.converted).length;
  console.log(JSON.stringify({ out: path.resolve(args.out), leads: data.leads.length, campaigns: data.campaigns.length, touches: data.touches.length, conversionRate: converted / data.touches.length }));
});
