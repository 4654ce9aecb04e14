// `npm run history:import -- --from <csv or csv.gz> [--source NAME] [--before ISO] [--guests basket|skip] [--dry-run]`:
// a purchase history (Online Retail, Online Retail II or the generic layout, docs/recommendations.md)
// → tracked purchase events → the raw archive (ArchiveStorage / ArchiveContainer; without
// ArchiveStorage, the local Azurite of `npm start`). Progress on stderr; the counts on stdout,
// the last line JSON.
import path from 'node:path';
import { AzureClients } from '../../../src/clients/azureClients';
import { HistoryFileError } from '../../../src/products/history/readCsvFile';
import { HistoryDataError, importHistory } from '../../../src/products/history/importHistory';
import { CsvSyntaxError } from '../../../src/products/history/csvParser';
import { command, flag, isoTime, oneOf, option, positiveInteger, runCommand, text } from '../../cli/commandLine';
import { createProgressRenderer } from '../../cli/progress';
import { readLocalSettings } from '../../local/localSettings';

export const HISTORY_IMPORT = command({
  usage: 'npm run history:import -- --from <csv|csv.gz> [options]',
  summary: 'Turns a purchase history into tracked purchase events written to the raw archive in\nEvent Hubs Capture format. Invalid rows: every one named, nothing written.',
  options: {
    from: option('the history file (Online Retail, Online Retail II or the generic layout)', text, { placeholder: '<file>', required: true }),
    source: option('name of this history; its events go under history-<source>/events/ in the\narchive and their ids start with it', text, { default: 'online-retail' }),
    before: option('import only rows before this time', isoTime),
    after: option('import only rows at or after this time', isoTime),
    guests: option("guest checkouts (no customer id): 'basket' imports each as an anonymous\nshopper of one basket, 'skip' leaves them out", oneOf(['basket', 'skip'] as const), { default: 'basket' }),
    'time-zone': option('time zone of date-times without an offset', text, { default: 'Europe/London' }),
    partitions: option('partitions the events are keyed into', positiveInteger, { default: 4 }),
    'dry-run': flag('read and count only; write nothing'),
  },
});

async function ensureArchive(app: AzureClients) {
  const container = app.archiveContainer(app.settings.archiveContainer);
  await container.createIfNotExists();
  return container;
}

if (require.main === module) {
  void runCommand(HISTORY_IMPORT, async (args) => {
    const appRoot = path.resolve(__dirname, '..', '..', '..', '..');
    const env = { ...readLocalSettings(appRoot).values, ...process.env };
    if (!env.ArchiveStorage && !env.ArchiveStorage__blobServiceUri) env.ArchiveStorage = 'UseDevelopmentStorage=true';
    const progress = createProgressRenderer(process.stderr);
    const app = args['dry-run'] ? undefined : new AzureClients(env);
    try {
      const container = app ? await ensureArchive(app) : undefined;
      const result = await importHistory(path.resolve(args.from), container, {
        source: args.source, before: args.before, from: args.after, guests: args.guests as 'basket' | 'skip', timeZone: args['time-zone'],
        partitions: args.partitions, dryRun: args['dry-run'], progress: (p) => progress.update(p),
      });
      progress.end();
      const { lines: _lines, ...summary } = result;
      console.log(JSON.stringify(summary));
    } finally {
      progress.end();
      await app?.close().catch(() => {});
    }
  }, { expected: [HistoryFileError, HistoryDataError, CsvSyntaxError] });
}
