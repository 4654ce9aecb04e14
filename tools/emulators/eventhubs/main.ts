// CLI: node dist/tools/emulators/eventhubs/main.js --data-dir D --port P --hub name:partitions[:cg1,cg2]
import { CliUsageError, USAGE, parseCliArgs } from './cliArgs';
import { EventHubsEmulator, startEventHubsEmulator } from './index';

async function main(): Promise<void> {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CliUsageError) {
      console.error(`${err.message}\n${USAGE}`);
      process.exit(2);
    }
    throw err;
  }
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

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
