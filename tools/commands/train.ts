// `npm run train -- --model offers [--from ISO --to ISO] [--archive-folder DIR] [--no-promote]`
// (`--model campaign` runs the campaign kind with campaign:train's options, see campaign/train.ts):
// one training run against the app's storage (local.settings.json Values, then the environment;
// without ArchiveStorage, the local Azurite that `npm start` runs). Progress on stderr, the
// summary on stdout, its last line JSON. Exit 0 trained, 2 rejected (bad data), 1 error.
import { readModelIntegrity } from '../../src/config/modelIntegritySettings';
import path from 'node:path';
import { AzureClients } from '../../src/clients/azureClients';
import type { Env } from '../../src/config/settings';
import { readTrainingSettings } from '../../src/config/trainingSettings';
import { readLocalSettings } from '../local/localSettings';
import { CliUsageError, command, flag, helpText, isoTime, nonNegativeInteger, nonNegativeNumber, option, parseCommandLine, text } from '../cli/commandLine';
import { createProgressRenderer, type ProgressStream } from '../cli/progress';
import { runTraining } from '../../src/training/offers/runTraining';
import { modelKindOf } from '../../src/training/modelKinds';
import { runCampaignTrainCommand } from './campaign/train';
import { gatesFromSettings, resolveModelName, storageOf } from '../../src/training/offers/trainingTargets';
import { formatTrainingSummary, trainingSummaryJson } from '../../src/training/offers/trainingSummary';
import { runProductTraining } from '../../src/training/products/runProductTraining';
import { TrainingDataError } from '../../src/training/trainingDataError';

export interface CliIo {
  env: Env;
  stdout: ProgressStream;
  stderr: ProgressStream;
  now?: () => Date;
}

export const TRAIN_COMMAND = command({
  usage: 'npm run train -- --model offers [options]',
  options: {
    model: option("'offers' trains the model the ranker serves (RankingModelName,\ndefault offer-ranker); 'campaign' trains the campaign model with the\noptions of npm run campaign:train; 'products' trains the product\nrecommender from the archive's product events; any other value is a\nregistry name for the offers pipeline", text, { placeholder: 'offers|campaign|products|<name>', required: true }),
    from: option('first decision issue time (inclusive); default: the whole archive', isoTime),
    to: option('end of the decision issue times (exclusive)', isoTime),
    'archive-folder': option('read Capture Avro files under a local folder instead of the\narchive container (ArchiveStorage / ArchiveContainer)', text, { placeholder: '<dir>' }),
    'no-promote': flag('register the model and its report, never promote it'),
    'min-decisions': option('gate', nonNegativeInteger, { defaultText: 'RetrainMinDecisions, 1000' }),
    'min-positives': option('gate', nonNegativeNumber, { defaultText: 'RetrainMinPositives, 50' }),
    margin: option('policy-value margin in reward units', nonNegativeNumber, { defaultText: 'RetrainPolicyValueMargin, 0.01' }),
  },
  notes: 'Exit codes: 0 trained (promoted or registered), 2 rejected (bad or insufficient data), 1 error.\nProgress goes to stderr; the summary to stdout, its last line one JSON object.',
});

/** The command line of `npm run train`; undefined for --help. */
export function parseTrainArgs(argv: readonly string[]) {
  const line = parseCommandLine(TRAIN_COMMAND, argv);
  if (line.help) return undefined;
  const v = line.values;
  if (v.from && v.to && !(v.from < v.to)) throw new CliUsageError('--from must be before --to');
  return {
    model: v.model, from: v.from, to: v.to, archiveFolder: v['archive-folder'], promote: !v['no-promote'],
    minDecisions: v['min-decisions'], minPositives: v['min-positives'], margin: v.margin,
  };
}

/** `npm start`'s Azurite (UseDevelopmentStorage=true is 127.0.0.1:10000, devstoreaccount1). */
const LOCAL_STORAGE = 'UseDevelopmentStorage=true';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let app: AzureClients | undefined;
  try {
    const args = parseTrainArgs(argv);
    if (!args) {
      io.stdout.write(`${helpText(TRAIN_COMMAND)}\n`);
      return 0;
    }
    const env: Env = { ...io.env };
    if (!env.ArchiveStorage && !env.ArchiveStorage__blobServiceUri) {
      env.ArchiveStorage = LOCAL_STORAGE;
      io.stderr.write('ArchiveStorage is not set: using the local Azurite of `npm start` (127.0.0.1:10000)\n');
    }
    app = new AzureClients(env);
    const storage = storageOf(app);
    if (modelKindOf(args.model) === 'products') return await trainProducts(args, storage, io);
    const modelName = resolveModelName(args.model, env);
    const gates = gatesFromSettings(readTrainingSettings(env));
    const renderer = createProgressRenderer(io.stderr);
    const result = await runTraining({
      modelName,
      archive: args.archiveFolder ? { folder: path.resolve(args.archiveFolder) } : { container: storage.archive },
      registry: storage.registry,
      integrity: readModelIntegrity(env),
      from: args.from,
      to: args.to,
      promote: args.promote,
      gates: {
        minDecisions: args.minDecisions ?? gates.minDecisions,
        minPositives: args.minPositives ?? gates.minPositives,
        policyValueMargin: args.margin ?? gates.policyValueMargin,
      },
      ...(io.now ? { now: io.now } : {}),
      progress: (p) => renderer.update(p),
      log: (line) => renderer.log(line),
    });
    renderer.end();
    io.stdout.write(`${formatTrainingSummary(result)}\n${trainingSummaryJson(result)}\n`);
    return result.status === 'rejected' ? 2 : 0;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    io.stderr.write(error instanceof CliUsageError ? `${message}\n\n${helpText(TRAIN_COMMAND)}\n` : `training failed: ${(error as Error).stack ?? message}\n`);
    io.stdout.write(`${JSON.stringify({ status: 'error', reason: message })}\n`);
    return 1;
  } finally {
    await app?.close().catch(() => {});
  }
}

async function trainProducts(args: NonNullable<ReturnType<typeof parseTrainArgs>>, storage: ReturnType<typeof storageOf>, io: CliIo): Promise<number> {
  const renderer = createProgressRenderer(io.stderr);
  try {
    const result = await runProductTraining({
      archive: args.archiveFolder ? { folder: path.resolve(args.archiveFolder) } : { container: storage.archive },
      registry: storage.registry,
      integrity: readModelIntegrity(io.env),
      from: args.from,
      to: args.to,
      promote: args.promote,
      ...(io.now ? { now: io.now } : {}),
      progress: (p) => renderer.update(p),
      log: (line) => renderer.log(line),
    });
    renderer.end();
    const m = result.manifest;
    io.stdout.write(`${m.name}/${m.version} ${result.status}: ${m.trainingData.interactions} interactions, ${m.trainingData.users} shoppers, ${m.trainingData.items} products, ${(result.bytes / 1e6).toFixed(1)} MB, ${result.trainSeconds.toFixed(1)} s\n`);
    io.stdout.write(`${JSON.stringify({ status: result.status, model: m.name, version: m.version, sha256: m.sha256, trainingData: m.trainingData, trainSeconds: result.trainSeconds })}\n`);
    return 0;
  } catch (error) {
    renderer.end();
    if (!(error instanceof TrainingDataError)) throw error;
    io.stderr.write(`training rejected: ${error.message}\n`);
    io.stdout.write(`${JSON.stringify({ status: 'rejected', reason: error.message })}\n`);
    return 2;
  }
}

// Not runCommand: exit code 2 means "rejected" here, so a usage error exits 1, and every
// outcome, a usage error included, ends stdout with a JSON line (runCli does both).
if (require.main === module) {
  const argv = process.argv.slice(2);
  const campaign = campaignArgs(argv);
  if (campaign) {
    void runCampaignTrainCommand(campaign);
  } else {
    const appRoot = path.resolve(__dirname, '..', '..', '..');
    const env: Env = { ...readLocalSettings(appRoot).values, ...process.env };
    void runCli(argv, { env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
      process.exitCode = code;
    });
  }
}

/** The arguments for the campaign kind when `--model campaign` (or `--model=campaign`) is given. */
export function campaignArgs(argv: readonly string[]): string[] | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--model=campaign') return [...argv.slice(0, i), ...argv.slice(i + 1)];
    if (argv[i] === '--model' && argv[i + 1] !== undefined && modelKindOf(argv[i + 1]) === 'campaign') return [...argv.slice(0, i), ...argv.slice(i + 2)];
  }
  return undefined;
}
