// node dist/tools/commands/campaign/train.js (--from DIR | --blob [--prefix P]) [--archive [--archive-prefix P]]
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
import { CAMPAIGN_GBDT_DEFAULTS, trainCampaignModel } from '../../../src/training/campaign/trainCampaignModel';
import { CliUsageError, command, flag, option, positiveInteger, text } from '../../cli/commandLine';
import { loadLocalSettings, runCampaignCommand } from './campaignCommand';
import { SOURCE_OPTIONS, sourceFromArgs } from './dataSourceArgs';

const TRAIN = command({
  usage: 'npm run campaign:train -- (--from DIR | --blob [--prefix P]) [options]',
  summary: 'Trains the conversion model on touches.csv (and, with --archive, the archived campaign\nevents), registers it as campaign/<version> and, with --promote, makes it the current model.',
  options: {
    ...SOURCE_OPTIONS,
    archive: flag('also train on the campaign_touch / campaign_response events of the event archive'),
    'archive-prefix': option('blob name prefix of the archive files read with --archive', text, { placeholder: '<prefix>' }),
    version: option('registry version', text, { placeholder: '<version>', defaultText: 'the UTC time, e.g. 20260101T120000Z' }),
    promote: flag('make the new model the current one'),
    trees: option('most trees of the gradient-boosted model', positiveInteger, { defaultText: String(CAMPAIGN_GBDT_DEFAULTS.nEstimators) }),
  },
});

runCampaignCommand(TRAIN, async (args, progress) => {
  loadLocalSettings();
  const settings = readCampaignSettings();
  const source = sourceFromArgs(args, () => appServices().clients, settings);
  const texts = await readCampaignSource(source);
  if (texts.leads === undefined || texts.campaigns === undefined) throw new CliUsageError(`${describeSource(source)}: training needs leads.csv and campaigns.csv`);
  const data = readCampaignFiles(texts);
  const app = appServices().clients;
  try {
    let archiveStats;
    if (args.archive) {
      const archive = app.archiveContainer(app.settings.archiveContainer);
      if (!(await archive.exists())) progress.log(`the archive container ${app.settings.archiveContainer} does not exist; no archived touches`);
      const events = (await archive.exists()) ? await campaignEventsFromArchive(readArchive(archive, { prefix: args['archive-prefix'] })) : [];
      const fromArchive = touchesFromEvents(events);
      archiveStats = { ...fromArchive.stats, touches: fromArchive.touches.length };
      const known = new Set(data.touches.map((t) => t.touchId));
      data.touches.push(...fromArchive.touches.filter((t) => !known.has(t.touchId)));
    }
    const trained = await trainCampaignModel(data, {
      source: `${describeSource(source)}${args.archive ? ` + archive ${app.settings.archiveContainer}` : ''}`,
      gbdt: args.trees ? { nEstimators: args.trees } : undefined,
      log: (m) => progress.log(m),
      progress: (p) => progress.update(p),
    });
    progress.end();
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
