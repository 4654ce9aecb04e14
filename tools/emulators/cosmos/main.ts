// CLI: node dist/tools/emulators/cosmos/main.js --data-dir <dir> [--port 8081] [--host 127.0.0.1] [--fsync]
//      [--compact-after-bytes N]
import { parseArgs } from 'node:util';
import { startCosmos } from './server';

export interface CliOptions {
  dataDir: string;
  port: number;
  host: string;
  fsync: boolean;
  compactAfterBytes?: number;
}

export function parseCli(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        fsync: { type: 'boolean' },
        'compact-after-bytes': { type: 'string' },
      },
    }));
  } catch (error) {
    // node:util names the offending flag in its message ("Unknown option '--x'", "… argument missing").
    throw new Error((error as Error).message);
  }
  const dataDir = values['data-dir'];
  if (!dataDir) throw new Error('--data-dir is required');
  let port = 8081;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (values.port.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got "${values.port}"`);
  }
  let compactAfterBytes: number | undefined;
  if (values['compact-after-bytes'] !== undefined) {
    compactAfterBytes = Number(values['compact-after-bytes']);
    if (!Number.isInteger(compactAfterBytes) || compactAfterBytes <= 0) {
      throw new Error(`--compact-after-bytes must be a positive integer, got "${values['compact-after-bytes']}"`);
    }
  }
  return { dataDir, port, host: values.host ?? '127.0.0.1', fsync: values.fsync === true, compactAfterBytes };
}

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2));
  const cosmos = await startCosmos({ ...args, log: (line) => console.error(line) });
  console.log(`Cosmos DB emulator listening on http://${args.host}:${cosmos.port}`);
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

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`Cosmos DB emulator failed to start: ${(error as Error).message}`);
    process.exit(1);
  });
}
