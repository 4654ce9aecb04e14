// CLI: node dist/tools/emulators/cosmos-standin/main.js --data-dir <dir> [--port 8081] [--host 127.0.0.1] [--fsync]
import { command, flag, option, port, runCommand, text } from '../../cli/commandLine';
import { startCosmos } from './server';

const COSMOS_COMMAND = command({
  usage: 'node dist/tools/emulators/cosmos-standin/main.js --data-dir DIR [options]',
  options: {
    'data-dir': option('where the journal is kept', text, { placeholder: '<dir>', required: true }),
    port: option('HTTP port (0 picks a free one)', port, { default: 8081 }),
    host: option('address to listen on', text, { placeholder: '<address>', default: '127.0.0.1' }),
    fsync: flag('fsync every journal write'),
  },
});

async function main(args: { dataDir: string; port: number; host: string; fsync: boolean }): Promise<void> {
  const cosmos = await startCosmos({ ...args, log: (line) => console.error(line) });
  console.log(`Cosmos DB stand-in listening on http://${args.host}:${cosmos.port}`);
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    cosmos.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void runCommand(COSMOS_COMMAND, (v) => main({ dataDir: v['data-dir'], port: v.port, host: v.host, fsync: v.fsync }), {
  keepAlive: true,
  failurePrefix: 'Cosmos DB stand-in failed to start',
  expected: [(error) => error instanceof Error],
});
