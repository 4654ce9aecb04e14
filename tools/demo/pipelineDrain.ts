// Waits until the Event Hub triggers have caught up: for every consumer group and partition, the
// checkpoint the host keeps (BlobCheckpointStore in AzureWebJobsStorage) has reached the
// partition's last enqueued sequence number. The host checkpoints after a batch is archived /
// aggregated, so then every event sent so far is in the archive and the aggregates.
import { EventHubProducerClient } from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { BlobServiceClient } from '@azure/storage-blob';

export interface DrainOptions {
  consumerGroups?: string[];
  timeoutMs?: number;
  pollMs?: number;
}

export interface DrainState {
  /** Events enqueued but not yet checkpointed, per consumer group. */
  behind: Record<string, number>;
}

export async function pipelineBacklog(env: Record<string, string>, consumerGroups: string[]): Promise<DrainState> {
  const hub = env.EventHubName || 'events';
  const producer = new EventHubProducerClient(env.EventHubConnection, hub);
  const store = new BlobCheckpointStore(BlobServiceClient.fromConnectionString(env.AzureWebJobsStorage).getContainerClient('azure-webjobs-eventhub'));
  try {
    const ids = await producer.getPartitionIds();
    const last = new Map<string, number>();
    for (const id of ids) {
      const p = await producer.getPartitionProperties(id);
      last.set(id, p.isEmpty ? -1 : p.lastEnqueuedSequenceNumber);
    }
    const behind: Record<string, number> = {};
    for (const group of consumerGroups) {
      const checkpoints = await store.listCheckpoints(producer.fullyQualifiedNamespace, hub, group);
      const at = new Map(checkpoints.map((c) => [c.partitionId, c.sequenceNumber]));
      let total = 0;
      for (const [id, seq] of last) total += Math.max(0, seq - (at.get(id) ?? -1));
      behind[group] = total;
    }
    return { behind };
  } finally {
    await producer.close();
  }
}

/** Resolves with the seconds waited once nothing is behind; throws after the timeout. */
export async function waitForPipeline(env: Record<string, string>, opts: DrainOptions = {}): Promise<number> {
  const groups = opts.consumerGroups ?? [env.ArchiveConsumerGroup || 'archive', env.AggregateConsumerGroup || 'aggregate'];
  const started = Date.now();
  const deadline = started + (opts.timeoutMs ?? 300_000);
  for (;;) {
    const { behind } = await pipelineBacklog(env, groups);
    if (Object.values(behind).every((n) => n === 0)) return (Date.now() - started) / 1000;
    if (Date.now() > deadline) throw new Error(`pipeline still behind after ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(behind)}`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
}
