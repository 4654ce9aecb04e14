import { ReceivedBatch } from '../events/receivedBatch';
import type { StructuredLog } from '../common/structuredLog';
import { batchFields, recordBatchLag } from './batchRecords';
import type { ProcessingServices } from './processingServices';

/**
 * Archives a delivered batch as Capture-format Avro; a redelivered or re-cut batch adds nothing
 * twice. Logs the structured records `events.archived` and `eventhub.consumer_lag`.
 */
export async function archiveEvents(batch: ReceivedBatch, processing: ProcessingServices, log: StructuredLog): Promise<void> {
  if (batch.events.length === 0) return;
  const started = performance.now();
  const result = await processing.archive.write(batch);
  log('events.archived', { ...batchFields(batch), archived: result.archived, skippedDuplicates: result.skippedDuplicates, durationMs: Math.round(performance.now() - started) });
  recordBatchLag(batch, log);
}
