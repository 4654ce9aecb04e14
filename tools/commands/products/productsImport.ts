// `npm run products:import -- --from <products.csv|products.json>` or `--from-history <csv[.gz]>`:
// the product catalog into Cosmos DB (ProductsContainer). A catalog file is checked whole first:
// any bad row → every problem listed (row, column), exit 1, nothing written. --from-history
// derives the catalog from a purchase history (title, latest price, category from the title).
import path from 'node:path';
import { appServices } from '../../../src/app/appServices';
import { readProductFile, ProductFileError } from '../../../src/products/catalog/productFile';
import { catalogFromHistory } from '../../../src/products/catalog/catalogFromHistory';
import { readHistory } from '../../../src/products/history/readHistory';
import { HistoryFileError } from '../../../src/products/history/readCsvFile';
import { SettingsError } from '../../../src/config/settings';
import { CliUsageError, command, flag, option, runCommand, text } from '../../cli/commandLine';
import { createProgressRenderer } from '../../cli/progress';
import { loadLocalSettings } from '../../local/localSettings';

export const PRODUCTS_IMPORT = command({
  usage: 'npm run products:import -- (--from <products.csv|.json> | --from-history <history.csv[.gz]>) [--dry-run]',
  summary: 'Writes the product catalog to Cosmos DB. A bad row: every problem listed, nothing written.',
  options: {
    from: option('catalog file: CSV (id,title,category,price,available[,imageUrl][,feature.<name>…]) or a JSON array', text, { placeholder: '<file>' }),
    'from-history': option('derive the catalog from a purchase history (the layouts of history:import)', text, { placeholder: '<file>' }),
    'dry-run': flag('check only; write nothing'),
  },
});

if (require.main === module) {
  void runCommand(PRODUCTS_IMPORT, async (args) => {
    if (!args.from === !args['from-history']) throw new CliUsageError('give exactly one of --from and --from-history');
    loadLocalSettings();
    const progress = createProgressRenderer(process.stderr);
    try {
      const products = args.from
        ? readProductFile(path.resolve(args.from))
        : catalogFromHistory((await readHistory(path.resolve(args['from-history']!), { progress: (p) => progress.update(p) })).lines);
      progress.log(`${products.length} products checked`);
      let written = 0;
      if (!args['dry-run']) {
        const services = appServices().products();
        written = await services.store.putAll(products, { progress: (done) => progress.update({ step: 'write catalog', done, total: products.length }) });
      }
      progress.end();
      console.log(JSON.stringify({ products: products.length, available: products.filter((p) => p.available).length, written, dryRun: args['dry-run'] }));
    } finally {
      progress.end();
      await appServices().close().catch(() => {});
    }
  }, { expected: [ProductFileError, HistoryFileError, SettingsError] });
}
