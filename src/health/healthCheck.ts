import type { HttpResponseInit } from '@azure/functions';
import { AzureClients } from '../clients/azureClients';

export interface DependencyStatus {
  ok: boolean;
  ms: number;
  error?: string;
}

const TIMEOUT_MS = 5_000;

async function probe(check: () => Promise<unknown>): Promise<DependencyStatus> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { ok: true, ms: Date.now() - started };
  } catch (error) {
    // Only the error's kind and message: never connection strings or tokens.
    const e = error as { code?: unknown; statusCode?: unknown; message?: unknown };
    const detail = [e.statusCode, e.code].filter((x) => x !== undefined).join(' ');
    const message = typeof e.message === 'string' ? e.message.split('\n')[0].slice(0, 200) : String(error);
    return { ok: false, ms: Date.now() - started, error: detail ? `${detail}: ${message}` : message };
  } finally {
    clearTimeout(timer);
  }
}

/** GET /api/health: each dependency the app writes to, 200 when all answer, 503 otherwise. */
export async function checkHealth(services: AzureClients): Promise<HttpResponseInit> {
  const { settings } = services;
  const [eventHubs, cosmosDb, archiveStorage] = await Promise.all([
    probe(() => services.eventHubProducer().getEventHubProperties()),
    probe(() => services.cosmosClient().database(settings.cosmosDatabase).read()),
    probe(async () => {
      const exists = await services.archiveContainer(settings.archiveContainer).exists();
      if (!exists) throw new Error(`container ${settings.archiveContainer} does not exist`);
    }),
  ]);
  const dependencies = { eventHubs, cosmosDb, archiveStorage };
  const healthy = Object.values(dependencies).every((d) => d.ok);
  return {
    status: healthy ? 200 : 503,
    jsonBody: { status: healthy ? 'healthy' : 'unhealthy', dependencies },
    headers: { 'cache-control': 'no-store' },
  };
}
