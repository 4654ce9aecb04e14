import path from 'node:path';
import { startAzurite, BlobEmulator } from './services/azurite';
import { startChildService, ChildService } from './services/childService';

/** The Cosmos DB emulator's well-known key (public, not a secret). */
export const COSMOS_EMULATOR_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface RunningService {
  name: string;
  connectionString: string;
  port: number;
  stop(): Promise<void>;
  child: ChildService;
}

const distRoot = path.resolve(__dirname, '..', '..');

function script(rel: string): string {
  // Compiled JS lives under dist/; when this file runs from TypeScript sources (tests), use dist/ beside it.
  const base = __filename.endsWith('.ts') ? path.join(distRoot, 'dist') : distRoot;
  return path.join(base, 'tools', rel);
}

export async function startBlobService(dataDir: string, port: number, log: (l: string) => void): Promise<RunningService> {
  const az: BlobEmulator = await startAzurite({ dataDir, port, log });
  return { name: 'Blob (Azurite)', connectionString: az.connectionString, port: az.port, stop: az.stop, child: az.service };
}

export async function startCosmosService(dataDir: string, port: number, log: (l: string) => void): Promise<RunningService> {
  const { service, match } = await startChildService(
    'Cosmos DB emulator',
    script('emulators/cosmos/main.js'),
    ['--data-dir', dataDir, '--port', String(port)],
    /Cosmos DB emulator listening on (http:\/\/[^\s]+:(\d+))/,
    log,
  );
  const endpoint = match[1].endsWith('/') ? match[1] : `${match[1]}/`;
  return {
    name: 'Cosmos DB (emulator)',
    connectionString: `AccountEndpoint=${endpoint};AccountKey=${COSMOS_EMULATOR_KEY};`,
    port: Number(match[2]),
    stop: () => service.stop(),
    child: service,
  };
}

export interface HubSpec {
  name: string;
  partitions: number;
  consumerGroups: string[];
}

export async function startEventHubsService(dataDir: string, port: number, hubs: HubSpec[], log: (l: string) => void): Promise<RunningService> {
  const hubArgs = hubs.flatMap((h) => ['--hub', `${h.name}:${h.partitions}${h.consumerGroups.length ? `:${h.consumerGroups.join(',')}` : ''}`]);
  const { service, match } = await startChildService(
    'Event Hubs emulator',
    script('emulators/eventhubs/main.js'),
    ['--data-dir', dataDir, '--port', String(port), ...hubArgs],
    /Event Hubs emulator listening on ([^\s:]+):(\d+)/,
    log,
  );
  const actualPort = Number(match[2]);
  return {
    name: 'Event Hubs (emulator)',
    connectionString: `Endpoint=sb://${match[1]}:${actualPort};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`,
    port: actualPort,
    stop: () => service.stop(),
    child: service,
  };
}
