// CLI: node dist/tools/emulators/cosmos-standin/main.js --data-dir <dir> [--port 8081] [--host 127.0.0.1] [--fsync]
import { startCosmos } from './server';

function parseArgs(argv: string[]): { dataDir: string; port: number; host: string; fsync: boolean } {
  const out = { dataDir: '', port: 8081, host: '127.0.0.1', fsync: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--data-dir') out.dataDir = value();
    else if (arg === '--port') {
      const raw = value();
      out.port = Number(raw);
      if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535) throw new Error(`--port must be 0-65535, got "${raw}"`);
    } else if (arg === '--host') out.host = value();
    else if (arg === '--fsync') out.fsync = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!out.dataDir) throw new Error('--data-dir is required');
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
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

main().catch((error: unknown) => {
  console.error(`Cosmos DB stand-in failed to start: ${(error as Error).message}`);
  process.exit(1);
});
