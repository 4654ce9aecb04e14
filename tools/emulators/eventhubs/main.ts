// CLI: node dist/tools/emulators/eventhubs/main.js --data-dir D --port P --hub name:partitions[:cg1,cg2]
import { runCommand, systemError } from '../../cli/commandLine';
import { EMULATOR_COMMAND, emulatorOptions, type EmulatorOptions } from './emulatorOptions';
import { EventHubsEmulator, startEventHubsEmulator } from './index';

async function main(options: EmulatorOptions): Promise<void> {
  // Signal handlers go in before the ready line: a supervisor may signal as soon as it reads it.
  let stopping = false;
  let emulator: EventHubsEmulator | undefined;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: stopping`);
    (emulator ? emulator.stop() : Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  emulator = await startEventHubsEmulator({
    dataDir: options.dataDir,
    hubs: options.hubs,
    port: options.port,
    host: options.host,
    log: (line) => console.error(line),
  });
  if (stopping) return void (await emulator.stop());
  console.log(`Event Hubs emulator listening on ${options.host}:${emulator.port}`);
}

// A failed start (the port taken, the data folder unwritable) explains itself.
void runCommand(EMULATOR_COMMAND, (values) => main(emulatorOptions(values)), { keepAlive: true, expected: [systemError] });
