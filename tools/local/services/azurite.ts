import path from 'node:path';
import fs from 'node:fs';
import { startChildService, ChildService } from './childService';

/** The well-known development account of the storage emulators (public, not a secret). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface BlobEmulator {
  port: number;
  blobEndpoint: string;
  connectionString: string;
  service: ChildService;
  stop(): Promise<void>;
}

export function blobConnectionString(blobEndpoint: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`;
}

/** Starts Azurite's blob service (only) in a child process, data under `dataDir`. Port 0 picks a free port. */
export async function startAzurite(opts: {
  dataDir: string;
  port?: number;
  host?: string;
  log?: (line: string) => void;
}): Promise<BlobEmulator> {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const script = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
  const host = opts.host ?? '127.0.0.1';
  const { service, match } = await startChildService(
    'Azurite blob',
    script,
    [
      '--blobHost', host,
      '--blobPort', String(opts.port ?? 10000),
      '--location', opts.dataDir,
      '--skipApiVersionCheck',
      '--disableTelemetry',
    ],
    /successfully listens on https?:\/\/[^:]+:(\d+)/,
    opts.log ?? (() => {}),
  );
  const port = Number(match[1]);
  const blobEndpoint = `http://${host}:${port}/${DEV_ACCOUNT_NAME}`;
  return { port, blobEndpoint, connectionString: blobConnectionString(blobEndpoint), service, stop: () => service.stop() };
}
