// CLI: node dist/tools/emulators/cosmos/main.js --data-dir <dir> [--port 8081] [--host 127.0.0.1] [--fsync]
//      [--compact-after-bytes N]
import { runCommand, systemError } from '../../cli/commandLine';
import { EMULATOR_COMMAND, emulatorOptions, type EmulatorOptions } from './emulatorOptions';
import { startCosmos, type CosmosEmulator } from './server';

async function main(options: EmulatorOptions): Promise<void> {
  // Signal handlers go in before the ready line: a supervisor may signal as soon as it reads it.
  let stopping = false;
  let cosmos: CosmosEmulator | undefined;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    (cosmos ? cosmos.stop() : Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  cosmos = await startCosmos({ ...options, log: (line) => console.error(line) });
  if (stopping) return void (await cosmos.stop());
  console.log(`Cosmos DB emulator listening on http://${options.host}:${cosmos.port}`);
}

// A failed start (the port taken, the data folder unwritable or locked) explains itself.
void runCommand(EMULATOR_COMMAND, (values) => main(emulatorOptions(values)), {
  keepAlive: true, expected: [systemError], failurePrefix: 'Cosmos DB emulator failed to start',
});
