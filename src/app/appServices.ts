import { Container } from '@azure/cosmos';
import { ContainerClient } from '@azure/storage-blob';
import { EventHubProducerClient } from '@azure/event-hubs';
import { readSettings, Settings } from '../config/settings';
import { createEventHubProducer } from '../clients/eventHubClients';
import { createCosmosClient } from '../clients/cosmosClients';
import { createBlobServiceClient } from '../clients/blobClients';
import { EventHubPublisher } from '../clients/eventHubPublisher';

/**
 * Clients shared by all invocations of one function app instance, created on first use so a
 * function that needs only Event Hubs does not fail when Cosmos DB is not configured.
 */
export class AppServices {
  readonly settings: Settings;
  private producer?: EventHubProducerClient;
  private publisherInstance?: EventHubPublisher;
  private cosmos?: ReturnType<typeof createCosmosClient>;
  private archiveBlobs?: ReturnType<typeof createBlobServiceClient>;

  constructor(env: Record<string, string | undefined> = process.env) {
    this.settings = readSettings(env);
  }

  eventHubProducer(): EventHubProducerClient {
    this.producer ??= createEventHubProducer(this.settings.eventHub, this.settings.eventHubName, this.settings.eventHubSendTimeoutSeconds * 1000);
    return this.producer;
  }

  publisher(): EventHubPublisher {
    this.publisherInstance ??= new EventHubPublisher(this.eventHubProducer(), { sendTimeoutMs: this.settings.eventHubSendTimeoutSeconds * 1000 });
    return this.publisherInstance;
  }

  cosmosContainer(name: string): Container {
    this.cosmos ??= createCosmosClient(this.settings.cosmos);
    return this.cosmos.database(this.settings.cosmosDatabase).container(name);
  }

  cosmosClient() {
    this.cosmos ??= createCosmosClient(this.settings.cosmos);
    return this.cosmos;
  }

  archiveContainer(name: string): ContainerClient {
    this.archiveBlobs ??= createBlobServiceClient(this.settings.archiveStorage, 'ArchiveStorage');
    return this.archiveBlobs.getContainerClient(name);
  }

  async close(): Promise<void> {
    await this.producer?.close();
    this.cosmos?.dispose();
  }
}

// Kept on globalThis so that every copy of this module in a process (compiled and source, as
// under a test runner) shares one instance and one reset.
const SHARED = Symbol.for('personalization.appServices');
const holder = globalThis as { [SHARED]?: AppServices };

/** The process-wide services, built from the app settings (process.env) on first use. */
export function appServices(): AppServices {
  holder[SHARED] ??= new AppServices();
  return holder[SHARED];
}

/** For hosts that change settings between runs (tests, the local host's restart). */
export async function resetAppServices(): Promise<void> {
  const old = holder[SHARED];
  holder[SHARED] = undefined;
  await old?.close();
}
