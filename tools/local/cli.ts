// `npm start`: runs the whole system locally. `npm run start:services`: only the emulators, for `func start`.
//   node dist/tools/local/cli.js [--services-only] [--data-dir DIR] [--port N] [--blob-port N]
//                              [--cosmos-port N] [--eventhubs-port N]      (port 0 picks a free one)
//                              [--rate-limit PER_MINUTE [--rate-burst N]]
import path from 'node:path';
import { DEFAULT_PORTS, startLocalRuntime, LocalRuntimeOptions } from './localRuntime';
import { consoleLogger } from './host/hostLogger';
import { command, flag, nonNegativeInteger, option, parseCommandLine, port, positiveInteger, runCommand, text, type OptionValues } from '../cli/commandLine';

const LOCAL_COMMAND = command({
  usage: 'npm start [-- options]   |   npm run start:services [-- options]',
  summary: 'Runs the whole system locally (emulators and the Functions host stand-in);\nwith --services-only, only the emulators, for `func start`.',
  options: {
    'services-only': flag('start the emulators only'),
    'data-dir': option('where the services keep their data', text, { placeholder: '<dir>', defaultText: '.local/' }),
    port: option('Functions host HTTP port (0 picks a free one)', port, { defaultText: String(DEFAULT_PORTS.http) }),
    'blob-port': option('Blob service port', port, { defaultText: String(DEFAULT_PORTS.blob) }),
    'cosmos-port': option('Cosmos DB port', port, { defaultText: String(DEFAULT_PORTS.cosmos) }),
    'eventhubs-port': option('Event Hubs (AMQP) port', port, { defaultText: String(DEFAULT_PORTS.eventHubs) }),
    'rate-limit': option('requests a minute each client (address, and anonymous/user id in the query) may make to the anonymous routes; 429 with Retry-After past it (0: no limit)', nonNegativeInteger, { default: 0 }),
    'rate-burst': option('requests a client may make at once before --rate-limit paces it', positiveInteger, { defaultText: 'a tenth of --rate-limit, at least 10' }),
  },
});

interface CliOptions {
  servicesOnly: boolean;
  dataDir?: string;
  ports: NonNullable<LocalRuntimeOptions['ports']>;
  rateLimit?: LocalRuntimeOptions['rateLimit'];
}

function cliOptions(v: OptionValues<typeof LOCAL_COMMAND.options>): CliOptions {
  const ports: CliOptions['ports'] = {};
  if (v.port !== undefined) ports.http = v.port;
  if (v['blob-port'] !== undefined) ports.blob = v['blob-port'];
  if (v['cosmos-port'] !== undefined) ports.cosmos = v['cosmos-port'];
  if (v['eventhubs-port'] !== undefined) ports.eventHubs = v['eventhubs-port'];
  const perMinute = v['rate-limit'];
  const rateLimit = perMinute > 0 ? { perMinute, burst: v['rate-burst'] ?? Math.max(10, Math.round(perMinute / 10)) } : undefined;
  return { servicesOnly: v['services-only'], ...(v['data-dir'] !== undefined ? { dataDir: path.resolve(v['data-dir']) } : {}), ports, ...(rateLimit ? { rateLimit } : {}) };
}

export function parseCliArgs(args: string[]): CliOptions {
  return cliOptions(parseCommandLine(LOCAL_COMMAND, args).values);
}

async function main(options: CliOptions): Promise<void> {
  const { servicesOnly, dataDir, ports, rateLimit } = options;
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const logger = consoleLogger();
  logger.info(`Starting the local runtime (data in ${dataDir ?? '.local/'})…`);
  const runtime = await startLocalRuntime({ appRoot, servicesOnly, dataDir, ports, logger, demoShop: true, ...(rateLimit ? { rateLimit } : {}) });
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
    logger.info(`  catalog key (x-catalog-key, PUT/GET/DELETE /api/manage/products and /api/manage/offers): ${runtime.env.CatalogApiKeys.split(',')[0]}`);
    logger.info(`  campaign key (x-campaign-key, POST /api/manage/campaigns/{id}/plan): ${runtime.env.CampaignApiKeys.split(',')[0]}`);
    if (rateLimit) logger.info(`  anonymous routes: at most ${rateLimit.perMinute} requests a minute per client, ${rateLimit.burst} at once (429 with Retry-After past it)`);
    logger.info(`Dashboard: ${runtime.url}/api/dashboard#code=${runtime.keys.functionKey}`);
    logger.info(`Demo shop: ${runtime.url}/shop/ (import the catalog first: README, "Demo shop")`);
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
  void runCommand(LOCAL_COMMAND, (values) => main(cliOptions(values)), { keepAlive: true, failurePrefix: 'Local runtime failed to start' });
}
