import { ReceivedBatch } from '../events/receivedBatch';
import { aggregateBatch } from '../aggregation';
import { AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../aggregation/containers';
import type { ProcessingServices } from './processingServices';

/**
 * Applies a delivered batch to the Cosmos DB aggregates and user profiles exactly once in
 * effect; events that are not valid tracked events go to the dead-letter store with the reason.
 * Throws on persistent failures so the trigger's retry policy holds the partition.
 */
export async function aggregateEvents(batch: ReceivedBatch, processing: ProcessingServices, log: (message: string) => void): Promise<void> {
  if (batch.events.length === 0) return;
  const services = processing.clients;
  const result = await aggregateBatch(batch, {
    aggregates: services.cosmosContainer(AGGREGATES_CONTAINER),
    profiles: services.cosmosContainer(PROFILES_CONTAINER),
    windowsMinutes: services.settings.aggregationWindowsMinutes,
    rewardPolicy: processing.rewardPolicy,
    log,
  });
  if (result.poison.length > 0) {
    const blob = await processing.deadLetters.write(batch, result.poison);
    log(`dead-lettered ${result.poison.length} events of partition ${batch.partitionId} to ${blob}: ${result.poison[0].reason}`);
  }
  log(`aggregated ${result.applied} events of partition ${batch.partitionId} into ${result.documents} documents with ${result.cosmosOperations} Cosmos operations (skipped ${result.skippedDuplicates} already applied)`);
}
