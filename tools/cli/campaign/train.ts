// node dist/tools/cli/campaign/train.js (--from DIR | --blob [--prefix P]) [--archive [--archive-prefix P]]
//                                     [--version V] [--promote] [--trees N]
// Trains the conversion model on the touches in touches.csv (and, with --archive, the
// campaign_touch / campaign_response events in the event archive), registers it in the model
// registry as `campaign/<version>` and, with --promote, makes it the current model.
import { appServices } from '../../../src/app/appServices';
import { readArchive } from '../../../src/archive/archiveReader';
import { readCampaignSettings } from '../../../src/config/campaignSettings';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { campaignEventsFromArchive, touchesFromEvents } from '../../../src/campaign/data/archiveTouches';
import { readCampaignFiles } from '../../../src/campaign/data/campaignFiles';
import { describeSource, readCampaignSource } from '../../../src/campaign/data/campaignSource';
import { registerCampaignModel } from '../../../src/training/campaign/registerCampaignModel';
import { versionFromTime } from '../../../src/training/modelVersion';
import { trainCampaignModel } from '../../../src/training/campaign/trainCampaignModel';
import { CliUsageError, loadLocalSettings, parseCli, positiveInt, runCli } from '../cliSupport';
import { SOURCE_OPTIONS, sourceFromArgs } from './dataSourceArgs';

const USAGE = 'usage: train.js (--from DIR | --blob [--prefix P]) [--archive [--archive-prefix P]] [--version V] [--promote] [--trees N]';

runCli(async () => {
  const args = parseCli(process.argv.slice(2), {
    ...SOURCE_OPTIONS, archive: { type: 'boolean' }, 'archive-prefix': { type: 'string' }, version: { type: 'string' }, promote: { type: 'boolean' }, trees: { type: 'string' },
  }, USAGE);
  loadLocalSettings();
  const settings = readCampaignSettings();
  const source = sourceFromArgs(args, () => appServices().clients, settings, USAGE);
  const texts = await readCampaignSource(source);
  if (texts.leads === undefined || texts.campaigns === undefined) throw new CliUsageError(`${describeSource(source)}: training needs leads.csv and campaigns.csv`);
  const data = readCampaignFiles(texts);
  const app = appServices().clients;
  try {
    let archiveStats;
    if (args.archive) {
      const archive = app.archiveContainer(app.settings.archiveContainer);
      if (!(await archive.exists())) console.error(`the archive container ${app.settings.archiveContainer} does not exist; no archived touches`);
      const events = (await archive.exists()) ? await campaignEventsFromArchive(readArchive(archive, { prefix: args['archive-prefix'] })) : [];
      const fromArchive = touchesFromEvents(events);
      archiveStats = { ...fromArchive.stats, touches: fromArchive.touches.length };
      const known = new Set(data.touches.map((t) => t.touchId));
      data.touches.push(...fromArchive.touches.filter((t) => !known.has(t.touchId)));
    }
    const trained = await trainCampaignModel(data, {
      source: `${describeSource(source)}${args.archive ? ` + archive ${app.settings.archiveContainer}` : ''}`,
      gbdt: args.trees ? { nEstimators: positiveInt(args.trees, 'trees', 300) } : undefined,
      log: (m) => console.error(m),
    });
    const version = args.version ?? versionFromTime();
    const registry = new ModelRegistry(app.archiveContainer(app.settings.modelsContainer));
    const { pointer } = await registerCampaignModel(registry, trained, { version, promote: args.promote, name: settings.modelName });
    const r = trained.result.report;
    console.log(JSON.stringify({
      model: settings.modelName, version, promoted: Boolean(pointer),
      trainRows: r.trainRows, validationRows: r.validationRows, trainingFrom: trained.set.from, trainingTo: trained.set.to,
      trees: r.trees, validationAuc: r.validation.auc, validationLogLoss: r.validation.logLoss, baselineAuc: r.baseline?.validation.auc ?? null,
      onnxParityMaxAbsDiff: r.onnx.parityMaxAbsDiff, trainSeconds: r.trainSeconds, archive: archiveStats ?? null,
    }));
  } finally {
    await app.close();
  }
});
