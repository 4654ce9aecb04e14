// node dist/tools/commands/campaign/train.js (--from DIR | --blob [--prefix P]) [--archive [--archive-prefix P]]
//                                     [--version V] [--promote] [--trees N]
// Trains the conversion model on the touches in touches.csv (and, with --archive, the
// campaign_touch / campaign_response events in the event archive), registers it in the model
// registry as `campaign/<version>` and, with --promote, makes it the current model.
import { readModelIntegrity } from '../../../src/config/modelIntegritySettings';
import { appServices } from '../../../src/app/appServices';
import { readCampaignSettings } from '../../../src/config/campaignSettings';
import { CAMPAIGN_GBDT_DEFAULTS } from '../../../src/training/campaign/trainCampaignModel';
import { runCampaignTraining } from '../../../src/training/campaign/runCampaignTraining';
import { command, flag, list, nonNegativeNumber, oneOf, option, positiveInteger, text } from '../../cli/commandLine';
import { CANDIDATE_NAMES } from '../../../src/training/campaign/campaignCandidates';
import { runCampaignCommand } from './campaignCommand';
import { loadLocalSettings } from '../../local/localSettings';
import { SOURCE_OPTIONS, sourceFromArgs } from './dataSourceArgs';

export const CAMPAIGN_TRAIN_COMMAND = command({
  usage: 'npm run campaign:train -- [--format campaign|template] (--from DIR | --blob [--prefix P]) [options]\n       (the same: npm run train -- --model campaign …)',
  summary: 'Trains the conversion model on touches.csv or Market_Touchdown.csv (and, with --archive, the\narchived campaign events): the GBDT, a random forest and the logistic baseline compete on the\nsame time split, the best validation AUC wins; registers it as campaign/<version> and, with\n--promote, makes it the current model if it is not worse than the current one.',
  options: {
    ...SOURCE_OPTIONS,
    archive: flag('also train on the campaign_touch / campaign_response events of the event archive'),
    'archive-prefix': option('blob name prefix of the archive files read with --archive', text, { placeholder: '<prefix>' }),
    version: option('registry version', text, { placeholder: '<version>', defaultText: 'the UTC time, e.g. 20260101T120000Z' }),
    promote: flag('make the new model the current one if it is not worse than the current one on the same validation touches'),
    'promotion-margin': option('validation AUC the new model may lose against the current one and still be promoted', nonNegativeNumber, { default: 0 }),
    candidates: option('models that compete, comma-separated', list(oneOf(CANDIDATE_NAMES)), { defaultText: CANDIDATE_NAMES.join(',') }),
    trees: option('most trees of the gradient-boosted model', positiveInteger, { defaultText: String(CAMPAIGN_GBDT_DEFAULTS.nEstimators) }),
  },
});

/** The campaign model's training run from the command line (`argv` without --model campaign). */
export function runCampaignTrainCommand(argv: readonly string[]): Promise<number> {
  return runCampaignCommand(CAMPAIGN_TRAIN_COMMAND, async (args, progress) => {
  loadLocalSettings();
  const settings = readCampaignSettings();
  const app = appServices().clients;
  try {
    const result = await runCampaignTraining({
      source: sourceFromArgs(args, () => app, settings),
      format: args.format,
      archive: args.archive ? { container: app.archiveContainer(app.settings.archiveContainer), prefix: args['archive-prefix'] } : undefined,
      registry: app.archiveContainer(app.settings.modelsContainer),
      integrity: readModelIntegrity(process.env),
      modelName: settings.modelName,
      version: args.version,
      promote: args.promote,
      promotionMargin: args['promotion-margin'],
      candidates: args.candidates,
      trees: args.trees,
      log: (m) => progress.log(m),
      progress: (p) => progress.update(p),
    });
    progress.end();
    console.log(JSON.stringify(result));
  } finally {
    await app.close();
  }
  }, argv);
}

if (require.main === module) void runCampaignTrainCommand(process.argv.slice(2));
