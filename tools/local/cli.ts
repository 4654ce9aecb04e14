// `npm start`: runs the whole system locally. `npm run start:services`: only the emulators, for `func start`.
//   node dist/tools/local/cli.js [--services-only] [--data-dir DIR] [--port N] [--blob-port N]
//                              [--cosmos-port N] [--eventhubs-port N]      (port 0 picks a free one)
import path from 'node:path';
import { startLocalRuntime, LocalRuntimeOptions } from './localRuntime';
import { consoleLogger } from './host/hostLogger';

interface CliOptions {
  servicesOnly: boolean;
  dataDir?: string;
  ports: NonNullable<LocalRuntimeOptions['ports']>;
}

const PORT_FLAGS = { '--port': 'http', '--blob-port': 'blob', '--cosmos-port': 'cosmos', '--eventhubs-port': 'eventHubs' } as const;

export function parseCliArgs(args: string[]): CliOptions {
  const out: CliOptions = { servicesOnly: false, ports: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--services-only') out.servicesOnly = true;
    else if (arg === '--data-dir') out.dataDir = path.resolve(value());
    else if (arg in PORT_FLAGS) {
      const raw = value();
      const port = Number(raw);
      if (!/^\d+$/.test(raw) || port > 65535) throw new Error(`${arg} must be a port number 0-65535, got "${raw}"`);
      out.ports[PORT_FLAGS[arg as keyof typeof PORT_FLAGS]] = port;
    } else throw new Error(`unknown argument ${arg}`);
  }
  return out;
}

async function main(): Promise<void> {
  const { servicesOnly, dataDir, ports } = parseCliArgs(process.argv.slice(2));
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const logger = consoleLogger();
  logger.info(`Starting the local runtime (data in ${dataDir ?? '.local/'})…`);
  const runtime = await startLocalRuntime({ appRoot, servicesOnly, dataDir, ports, logger });
  for (const service of runtime.services) logger.info(`  ${service.name} on port ${service.port}`);
  if (servicesOnly) {
    logger.info('Emulators are running. For `func start`, put these in local.settings.json "Values":');
    for (const name of ['AzureWebJobsStorage', 'ArchiveStorage', 'CosmosDB', 'EventHubConnection']) {
      if (runtime.env[name]) console.log(`    "${name}": "${runtime.env[name]}",`);
    }
  } else {
    const routes = [...runtime.http!.functions].sort((a, b) => a.route.localeCompare(b.route));
    for (const fn of routes) {
      logger.info(`  ${fn.methods.join(',').padEnd(12)} ${runtime.url}${fn.route}  [${fn.authLevel}]`);
    }
    logger.info(`  function key: ${runtime.keys.functionKey}  (x-functions-key header; master key in .local/host-keys.json)`);
    logger.info(`  Personalizer-compatible API key (Ocp-Apim-Subscription-Key): ${runtime.env.PersonalizerApiKeys.split(',')[0]}`);
    logger.info(`Dashboard: ${runtime.url}/api/dashboard?code=${runtime.keys.functionKey}`);
    logger.info(`Ready: ${runtime.url}/api — health at ${runtime.url}/api/health. Ctrl-C stops.`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down…`);
    await runtime.close();
    logger.info('Stopped.');
    process.exit(0);
  };
  // A stray promise in one function must not take the whole host down, as it would not in Azure.
  process.on('unhandledRejection', (reason) => logger.error(`Unhandled rejection: ${(reason as Error)?.stack ?? reason}`));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`Local runtime failed to start: ${(error as Error)?.stack ?? error}`);
    process.exit(1);
  });
}
