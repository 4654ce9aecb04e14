import { ReceivedBatch } from '../events/receivedBatch';
import { aggregateBatch } from '../aggregation';
import { AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../aggregation/containers';
import type { StructuredLog } from '../common/structuredLog';
import { batchFields, recordBatchLag } from './batchRecords';
import type { ProcessingServices } from './processingServices';

/**
 * Applies a delivered batch to the Cosmos DB aggregates and user profiles exactly once in
 * effect; events that are not valid tracked events go to the dead-letter store with the reason.
 * Throws on persistent failures so the trigger's retry policy holds the partition. Logs the
 * structured records `events.aggregated`, `deadletter.written` and `eventhub.consumer_lag`
 * (docs/observability.md).
 */
export async function aggregateEvents(batch: ReceivedBatch, processing: ProcessingServices, log: StructuredLog): Promise<void> {
  if (batch.events.length === 0) return;
  const started = performance.now();
  const services = processing.clients;
  const fields = batchFields(batch);
  const result = await aggregateBatch(batch, {
    aggregates: services.cosmosContainer(AGGREGATES_CONTAINER),
    profiles: services.cosmosContainer(PROFILES_CONTAINER),
    windowsMinutes: services.settings.aggregationWindowsMinutes,
    rewardPolicy: processing.rewardPolicy,
    log: (message) => log('aggregation.note', { ...fields, message }, 'warn'),
  });
  if (result.poison.length > 0) {
    const deadLetterStarted = performance.now();
    const blob = await processing.deadLetters.write(batch, result.poison);
    log('deadletter.written', {
      ...fields, function: 'aggregateEvents', count: result.poison.length, blob, reason: result.poison[0].reason,
      durationMs: Math.round(performance.now() - deadLetterStarted),
    }, 'warn');
  }
  log('events.aggregated', {
    ...fields,
    applied: result.applied,
    skippedDuplicates: result.skippedDuplicates,
    repeatedIds: result.repeatedIds,
    poison: result.poison.length,
    documents: result.documents,
    cosmosOperations: result.cosmosOperations,
    rewards: result.rewards,
    supersededRewards: result.supersededRewards,
    durationMs: Math.round(performance.now() - started),
  });
  recordBatchLag(batch, log);
}
