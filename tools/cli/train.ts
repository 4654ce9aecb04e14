// `npm run train -- --model offers [--from ISO --to ISO] [--archive-folder DIR] [--no-promote]`:
// one training run against the app's storage (local.settings.json Values, then the environment;
// without ArchiveStorage, the local Azurite that `npm start` runs). Progress on stderr, the
// summary on stdout, its last line JSON. Exit 0 trained, 2 rejected (bad data), 1 error.
import path from 'node:path';
import { AzureClients } from '../../src/clients/azureClients';
import type { Env } from '../../src/config/settings';
import { readLocalSettings } from '../local/host/hostConfig';
import { CliUsageError, parseCliArgs, USAGE } from './trainArgs';
import { createProgressRenderer, type ProgressStream } from './progressBar';
import { runTraining } from '../../src/training/runTraining';
import { gatesFromSettings, resolveModelName, storageOf } from '../../src/training/trainingTargets';
import { formatTrainingSummary, trainingSummaryJson } from '../../src/training/trainingSummary';

export interface CliIo {
  env: Env;
  stdout: ProgressStream;
  stderr: ProgressStream;
  now?: () => Date;
}

/** `npm start`'s Azurite (UseDevelopmentStorage=true is 127.0.0.1:10000, devstoreaccount1). */
const LOCAL_STORAGE = 'UseDevelopmentStorage=true';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let app: AzureClients | undefined;
  try {
    const args = parseCliArgs(argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const env: Env = { ...io.env };
    if (!env.ArchiveStorage && !env.ArchiveStorage__blobServiceUri) {
      env.ArchiveStorage = LOCAL_STORAGE;
      io.stderr.write('ArchiveStorage is not set: using the local Azurite of `npm start` (127.0.0.1:10000)\n');
    }
    const modelName = resolveModelName(args.model, env);
    app = new AzureClients(env);
    const storage = storageOf(app);
    const gates = gatesFromSettings(env);
    const renderer = createProgressRenderer(io.stderr);
    const result = await runTraining({
      modelName,
      archive: args.archiveFolder ? { folder: path.resolve(args.archiveFolder) } : { container: storage.archive },
      registry: storage.registry,
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
      log: (line) => {
        renderer.end();
        io.stderr.write(`${line}\n`);
      },
    });
    renderer.end();
    io.stdout.write(`${formatTrainingSummary(result)}\n${trainingSummaryJson(result)}\n`);
    return result.status === 'rejected' ? 2 : 0;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    io.stderr.write(error instanceof CliUsageError ? `${message}\n\n${USAGE}\n` : `training failed: ${(error as Error).stack ?? message}\n`);
    io.stdout.write(`${JSON.stringify({ status: 'error', reason: message })}\n`);
    return 1;
  } finally {
    await app?.close().catch(() => {});
  }
}

if (require.main === module) {
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const env: Env = { ...readLocalSettings(appRoot).values, ...process.env };
  void runCli(process.argv.slice(2), { env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
