import { Container } from '@azure/cosmos';
import { ContainerClient } from '@azure/storage-blob';
import { EventHubProducerClient } from '@azure/event-hubs';
import { readSettings, Settings } from '../config/settings';
import { createEventHubProducer } from './eventHubClients';
import { createCosmosClient } from './cosmosClients';
import { createBlobServiceClient } from './blobClients';
import { EventHubPublisher } from './eventHubPublisher';

/**
 * The Azure clients of one function app instance, created on first use so a function that
 * needs only Event Hubs does not fail when Cosmos DB is not configured. One instance per
 * process lives in src/app/appServices.ts; tools and tests may make their own.
 */
export class AzureClients {
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
