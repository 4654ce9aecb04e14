import type { HttpResponseInit } from '@azure/functions';
import { AzureClients } from '../clients/azureClients';

/** What an anonymous caller learns of a dependency: up or down, and how long the probe took. */
export interface DependencyStatus {
  ok: boolean;
  ms: number;
}

interface Probe extends DependencyStatus {
  /** Why it failed; logged for the operators, never answered (the route is anonymous). */
  error?: string;
}

const TIMEOUT_MS = 5_000;

async function probe(check: () => Promise<unknown>): Promise<Probe> {
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
    const firstLine = typeof e.message === 'string' ? e.message.split('\n')[0].slice(0, 200) : '';
    // Some SDK errors (the AMQP connection's) come with an empty message: name them at least.
    const message = firstLine || (error instanceof Error ? error.name : String(error)) || 'failed';
    return { ok: false, ms: Date.now() - started, error: detail ? `${detail}: ${message}` : message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /api/health: each dependency the app writes to, 200 when all answer, 503 otherwise. The
 * answer says only up/down and latency (host names and error texts help an attacker map the
 * system); why a dependency is down goes to the log.
 */
export async function checkHealth(services: AzureClients, log: (message: string) => void = () => undefined): Promise<HttpResponseInit> {
  const { settings } = services;
  const [eventHubs, cosmosDb, archiveStorage] = await Promise.all([
    probe(() => services.eventHubProducer().getEventHubProperties()),
    probe(() => services.cosmosClient().database(settings.cosmosDatabase).read()),
    probe(async () => {
      const exists = await services.archiveContainer(settings.archiveContainer).exists();
      if (!exists) throw new Error(`container ${settings.archiveContainer} does not exist`);
    }),
  ]);
  const probes = { eventHubs, cosmosDb, archiveStorage };
  const dependencies: Record<string, DependencyStatus> = {};
  for (const [name, { ok, ms, error }] of Object.entries(probes)) {
    dependencies[name] = { ok, ms };
    if (!ok) log(`health: ${name} is down (probe ${ms} ms): ${error}`);
  }
  const healthy = Object.values(dependencies).every((d) => d.ok);
  return {
    status: healthy ? 200 : 503,
    jsonBody: { status: healthy ? 'healthy' : 'unhealthy', dependencies },
    headers: { 'cache-control': 'no-store' },
  };
}
