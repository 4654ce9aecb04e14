// GET /api/health with every dependency down: 503, only up/down and latency in the answer (the
// route is anonymous), the reasons in the log.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { AzureClients } from '../../src/clients/azureClients';
import { checkHealth } from '../../src/health/healthCheck';
import { COSMOS_EMULATOR_KEY } from '../../tools/local/localServices';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('checkHealth', () => {
  it('answers 503 with up/down and latency only, and logs why each dependency is down', async () => {
    const port = await closedPort();
    const clients = new AzureClients({
      CosmosDB: `AccountEndpoint=http://127.0.0.1:${port}/;AccountKey=${COSMOS_EMULATOR_KEY};`,
      ArchiveStorage: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${COSMOS_EMULATOR_KEY};BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
      EventHubConnection: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=${COSMOS_EMULATOR_KEY};UseDevelopmentEmulator=true`,
    });
    const logs: string[] = [];
    try {
      const response = await checkHealth(clients, (line) => logs.push(line));
      expect(response.status).toBe(503);
      const body = response.jsonBody as { status: string; dependencies: Record<string, Record<string, unknown>> };
      expect(body.status).toBe('unhealthy');
      expect(Object.keys(body.dependencies).sort()).toEqual(['archiveStorage', 'cosmosDb', 'eventHubs']);
      for (const status of Object.values(body.dependencies)) {
        expect(Object.keys(status).sort()).toEqual(['ms', 'ok']);
        expect(status.ok).toBe(false);
      }
      expect(JSON.stringify(body)).not.toContain('127.0.0.1');
      expect(logs).toHaveLength(3);
      for (const name of ['eventHubs', 'cosmosDb', 'archiveStorage']) expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^health: ${name} is down \\(probe \\d+ ms\\): .+`)));
    } finally {
      await clients.close();
    }
  }, 30_000);
});
