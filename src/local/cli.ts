// `npm start`: runs the whole system locally. `npm run start:services`: only the emulators, for `func start`.
import path from 'node:path';
import { startLocalRuntime } from './localRuntime';
import { consoleLogger } from './host/hostLogger';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const servicesOnly = args.includes('--services-only');
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const logger = consoleLogger();
  logger.info('Starting the local runtime (data in .local/)…');
  const runtime = await startLocalRuntime({ appRoot, servicesOnly, logger });
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

main().catch((error) => {
  console.error(`Local runtime failed to start: ${(error as Error)?.stack ?? error}`);
  process.exit(1);
});
