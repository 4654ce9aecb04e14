// GET /logs/properties: the date range of the logged data (the raw archive's time windows).
import type { HttpResponseInit } from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import { parseBlobName } from '../../archive/archiveLayout';
import { serviceUnavailable } from '../personalizerErrors';

export interface LogApiDeps {
  archive: ContainerClient;
  /** The archive's window length: a blob holds events up to its window start plus this. */
  windowMinutes: number;
  log?: (message: string) => void;
}

export async function handleLogProperties(deps: LogApiDeps): Promise<HttpResponseInit> {
  try {
    let from = Infinity;
    let to = -Infinity;
    if (await deps.archive.exists()) {
      for await (const blob of deps.archive.listBlobsFlat()) {
        const parsed = parseBlobName(blob.name);
        if (!parsed) continue;
        from = Math.min(from, parsed.timeMs);
        to = Math.max(to, parsed.timeMs + deps.windowMinutes * 60_000);
      }
    }
    const dateRange = Number.isFinite(from) ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() } : {};
    return { status: 200, jsonBody: { dateRange }, headers: { 'cache-control': 'no-store' } };
  } catch (error) {
    deps.log?.(`log properties failed: ${(error as Error).stack ?? error}`);
    return serviceUnavailable('The log archive is unavailable right now; try again.');
  }
}
