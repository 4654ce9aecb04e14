import { ReceivedBatch } from '../events/receivedBatch';
import type { ProcessingServices } from './processingServices';

/** Archives a delivered batch as Capture-format Avro; a redelivered or re-cut batch adds nothing twice. */
export async function archiveEvents(batch: ReceivedBatch, processing: ProcessingServices, log: (message: string) => void): Promise<void> {
  if (batch.events.length === 0) return;
  const result = await processing.archive.write(batch);
  log(`archived ${result.archived} events of partition ${batch.partitionId} (skipped ${result.skippedDuplicates} already archived)`);
}
