// Runs the stand-in in its own process (what the local host does), via main.js.
import path from 'node:path';
import { startChildService, type ChildService } from '../../local/services/childService';
import { EMULATOR_KEY, cosmosConnectionString } from './wellKnownKey';
import type { CosmosStandIn } from './server';

export async function startCosmosProcess(opts: {
  dataDir: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
  /** The compiled CLI; defaults to main.js next to this file (i.e. under dist/). */
  script?: string;
}): Promise<CosmosStandIn & { service: ChildService }> {
  const host = opts.host ?? '127.0.0.1';
  const script = opts.script ?? path.join(__dirname, 'main.js');
  const { service, match } = await startChildService(
    'Cosmos DB stand-in',
    script,
    ['--data-dir', opts.dataDir, '--port', String(opts.port ?? 8081), '--host', host],
    /Cosmos DB stand-in listening on http:\/\/[^\s]+:(\d+)/,
    opts.log ?? (() => {}),
  );
  const port = Number(match[1]);
  const endpoint = `http://${host}:${port}/`;
  return {
    port,
    endpoint,
    key: EMULATOR_KEY,
    connectionString: cosmosConnectionString(endpoint),
    service,
    stop: () => service.stop(),
  };
}
