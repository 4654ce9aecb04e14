// `npm run model -- --import <archive.zip> | --reset [--model offers|<name>]`: the Personalizer
// API's model import and reset (PUT / DELETE /model) run by the deployer against the registry.
// In Azure the serving app only reads models (ModelRegistryAccess=read answers those routes 403),
// so an operator with Storage Blob Data Contributor on `models` does them with this command
// (docs/deploy.md, "Rolling out a new model"). Storage from local.settings.json Values, then the
// environment (ArchiveStorage__blobServiceUri with your login); RankingSigningKeys verifies the
// archive, ModelSigningKeys signs the registered manifest, as in the app. One JSON line on stdout.
import fs from 'node:fs';
import path from 'node:path';
import { AzureClients } from '../../src/clients/azureClients';
import { readModelIntegrity } from '../../src/config/modelIntegritySettings';
import { readRankingSettings } from '../../src/config/rankingSettings';
import { SettingsError, type Env } from '../../src/config/settings';
import { ModelRegistry, ModelRegistryError } from '../../src/models/modelRegistry';
import { checkModelImport, storeModelImport } from '../../src/ranking/modelImport';
import { ModelImportError } from '../../src/ranking/modelTransfer';
import { resolveModelName, storageOf } from '../../src/training/offers/trainingTargets';
import { readLocalSettings } from '../local/localSettings';
import { CliUsageError, command, flag, option, runCommand, text, type RunSettings } from '../cli/commandLine';

export const MODEL_COMMAND = command({
  usage: 'npm run model -- --import <archive.zip> | --reset [--model offers|<name>]',
  summary: "Imports a signed model archive (GET /model?signed=true) or resets the served model, in the app's model registry.",
  options: {
    import: option('register and promote this archive, after its signature (RankingSigningKeys)\nand the scorer\'s checks', text, { placeholder: '<archive.zip>' }),
    reset: flag('remove the current pointer: every instance ranks with the priors'),
    model: option("'offers' is the ranker's model (RankingModelName); else a registry name", text, { default: 'offers', placeholder: 'offers|<name>' }),
  },
  notes: 'Reads ArchiveStorage (or ArchiveStorage__blobServiceUri), ModelsContainer, RankingSigningKeys, ModelSigningKeys.\nExit codes: 0 done, 1 refused or failed, 2 bad flags.',
});

export interface ModelCommandIo extends Pick<RunSettings, 'stdout' | 'stderr' | 'exit'> {
  env: Env;
  now?: () => Date;
}

export function runModelCommand(argv: readonly string[], io: ModelCommandIo): Promise<number> {
  return runCommand(
    MODEL_COMMAND,
    async (values) => {
      if ((values.import === undefined) === !values.reset) throw new CliUsageError('give exactly one of --import <archive.zip> and --reset');
      const env = io.env;
      if (!env.ArchiveStorage && !env.ArchiveStorage__blobServiceUri) throw new CliUsageError('ArchiveStorage or ArchiveStorage__blobServiceUri is not set: which registry?');
      const name = resolveModelName(values.model, env);
      const app = new AzureClients(env);
      try {
        const registry = new ModelRegistry(storageOf(app).registry, readModelIntegrity(env));
        if (values.reset) {
          const removed = await registry.resetCurrent(name);
          (io.stdout ?? process.stdout).write(`${JSON.stringify({ status: removed ? 'reset' : 'none', model: name })}\n`);
          return 0;
        }
        const file = path.resolve(values.import!);
        if (!fs.existsSync(file)) throw new CliUsageError(`--import: no such file ${file}`);
        const checked = await checkModelImport(fs.readFileSync(file), readRankingSettings(env).signingKeys, name, (io.now ?? (() => new Date()))());
        await storeModelImport(registry, name, checked);
        (io.stdout ?? process.stdout).write(`${JSON.stringify({ status: 'promoted', model: name, version: checked.version, from: checked.producer })}\n`);
        return 0;
      } finally {
        await app.close().catch(() => {});
      }
    },
    { argv, stdout: io.stdout, stderr: io.stderr, exit: io.exit, expected: [ModelImportError, ModelRegistryError, SettingsError, RangeError], failurePrefix: 'model' },
  );
}

if (require.main === module) {
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  void runModelCommand(process.argv.slice(2), { env: { ...readLocalSettings(appRoot).values, ...process.env } });
}
