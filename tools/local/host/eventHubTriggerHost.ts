import {
  EventHubConsumerClient,
  ReceivedEventData,
  PartitionContext,
  Subscription,
  earliestEventPosition,
  latestEventPosition,
  EventPosition,
} from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import { ContainerClient } from '@azure/storage-blob';
import { FunctionRegistration } from './functionsCoreShim';
import { invokeFunction } from './invokeFunction';
import { HostConfig, resolveBindingExpression } from './hostConfig';
import { retryPolicyFrom, RetryPolicy } from './retryPolicy';
import { HostLogger } from './hostLogger';
import { azureCredential } from '../../../src/clients/credential';

export interface EventHubTriggerHostOptions {
  env: Record<string, string | undefined>;
  hostConfig: HostConfig;
  /** Container for checkpoints and ownership, as the host keeps them in AzureWebJobsStorage. */
  checkpointContainer: ContainerClient;
  logger: HostLogger;
}

export interface EventHubTriggerHost {
  /** Per function, how many batches succeeded / were retried / were given up. */
  stats(): Record<string, { batches: number; events: number; retries: number; abandoned: number }>;
  close(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

function startPosition(config: HostConfig): EventPosition {
  const initial = config.eventHubs.initialOffset;
  if (initial.type === 'fromEnd') return latestEventPosition;
  if (initial.type === 'fromEnqueuedTime') return { enqueuedOn: initial.enqueuedTimeUtc };
  return earliestEventPosition;
}

function createConsumer(connection: string, consumerGroup: string, hubName: string, env: Record<string, string | undefined>, store: BlobCheckpointStore) {
  const connectionString = env[connection];
  if (connectionString) return new EventHubConsumerClient(consumerGroup, connectionString, hubName, store);
  const namespace = env[`${connection}__fullyQualifiedNamespace`];
  if (namespace) return new EventHubConsumerClient(consumerGroup, namespace, hubName, azureCredential(env[`${connection}__clientId`]), store);
  throw new Error(`Event Hub trigger connection "${connection}": set ${connection} or ${connection}__fullyQualifiedNamespace`);
}

/** Shapes trigger metadata like the Functions host does for an Event Hub trigger with cardinality many. */
export function triggerMetadataFor(events: ReceivedEventData[], partition: PartitionContext) {
  const systemProperties = events.map((e) => ({
    'x-opt-sequence-number': e.sequenceNumber,
    'x-opt-offset': e.offset,
    'x-opt-enqueued-time': e.enqueuedTimeUtc.toISOString(),
    ...(e.partitionKey ? { 'x-opt-partition-key': e.partitionKey } : {}),
    sequenceNumber: e.sequenceNumber,
    offset: e.offset,
    enqueuedTimeUtc: e.enqueuedTimeUtc.toISOString(),
    partitionKey: e.partitionKey ?? null,
  }));
  return {
    partitionContext: {
      consumerGroup: partition.consumerGroup,
      eventHubName: partition.eventHubName,
      fullyQualifiedNamespace: partition.fullyQualifiedNamespace,
      partitionId: partition.partitionId,
      // What the receiver's runtime metrics say of the partition's newest event (the consumer
      // tracks it), so the function can compute its lag, as with TrackLastEnqueuedEventProperties.
      ...(partition.lastEnqueuedEventProperties?.sequenceNumber !== undefined
        ? { lastEnqueuedEventProperties: { sequenceNumber: partition.lastEnqueuedEventProperties.sequenceNumber, enqueuedTime: partition.lastEnqueuedEventProperties.enqueuedOn?.toISOString() ?? null } }
        : {}),
    },
    partitionKeyArray: events.map((e) => e.partitionKey ?? null),
    offsetArray: events.map((e) => e.offset),
    sequenceNumberArray: events.map((e) => e.sequenceNumber),
    enqueuedTimeUtcArray: events.map((e) => e.enqueuedTimeUtc.toISOString()),
    propertiesArray: events.map((e) => e.properties ?? {}),
    systemPropertiesArray: systemProperties,
  };
}

/**
 * Feeds the app's Event Hub triggers the way the Functions host does: batches of up to
 * maxEventBatchSize per partition, in order; the checkpoint moves only after the handler
 * returns; a failing batch is retried per the function's retry policy while its partition
 * waits; with no policy left, the host logs the failure and moves on (as Azure does).
 */
export async function startEventHubTriggers(registrations: FunctionRegistration[], opts: EventHubTriggerHostOptions): Promise<EventHubTriggerHost> {
  await opts.checkpointContainer.createIfNotExists();
  const abort = new AbortController();
  const running: { consumer: EventHubConsumerClient; subscription: Subscription }[] = [];
  const stats: Record<string, { batches: number; events: number; retries: number; abandoned: number }> = {};
  const store = new BlobCheckpointStore(opts.checkpointContainer);

  for (const registration of registrations.filter((r) => r.trigger.type.toLowerCase() === 'eventhubtrigger')) {
    const trigger = registration.trigger;
    const hubName = resolveBindingExpression(String(trigger.eventHubName ?? ''), opts.env);
    const consumerGroup = resolveBindingExpression(String(trigger.consumerGroup ?? '$Default'), opts.env);
    const connection = String(trigger.connection ?? '');
    const many = String(trigger.cardinality ?? 'many').toLowerCase() === 'many';
    const policy = retryPolicyFrom(registration.retryOptions);
    const consumer = createConsumer(connection, consumerGroup, hubName, opts.env, store);
    const fnStats = (stats[registration.name] = { batches: 0, events: 0, retries: 0, abandoned: 0 });
    const checkpointEvery = opts.hostConfig.eventHubs.batchCheckpointFrequency;
    const sinceCheckpoint = new Map<string, number>();

    const invoke = async (input: unknown, metadata: unknown, partition: PartitionContext): Promise<boolean> => {
      for (let retry = 0; ; retry++) {
        try {
          await invokeFunction(registration, 'eventHub', input, opts.logger, {
            triggerMetadata: metadata as Record<string, unknown>,
            ...(policy ? { retryContext: { retryCount: retry, maxRetryCount: policy.maxRetryCount } } : {}),
          });
          return true;
        } catch (error) {
          const message = (error as Error)?.message ?? String(error);
          if (abort.signal.aborted) return false;
          if (!policy || (policy.maxRetryCount !== -1 && retry >= policy.maxRetryCount)) {
            fnStats.abandoned++;
            opts.logger.error(`Executed '${registration.name}' (Failed, partition ${partition.partitionId}, no retries left; moving on as the host does): ${message}`);
            return true;
          }
          const delay = policy.delayMs(retry + 1);
          fnStats.retries++;
          opts.logger.warn(`Executed '${registration.name}' (Failed, partition ${partition.partitionId}); retry ${retry + 1} in ${delay} ms: ${message}`);
          await sleep(delay, abort.signal);
          if (abort.signal.aborted) return false;
        }
      }
    };

    const subscription = consumer.subscribe(
      {
        processEvents: async (events, partition) => {
          if (events.length === 0 || abort.signal.aborted) return;
          let completed = true;
          if (many) {
            completed = await invoke(events.map((e) => e.body), triggerMetadataFor(events, partition), partition);
          } else {
            for (const event of events) {
              const meta = triggerMetadataFor([event], partition);
              const single = {
                partitionContext: meta.partitionContext,
                ...meta.systemPropertiesArray[0],
                properties: meta.propertiesArray[0],
                systemProperties: meta.systemPropertiesArray[0],
              };
              if (!(await invoke(event.body, single, partition))) {
                completed = false;
                break;
              }
            }
          }
          // Shutting down mid-retry: leave the checkpoint where it was so the batch is delivered again.
          if (!completed) return;
          fnStats.batches++;
          fnStats.events += events.length;
          const count = (sinceCheckpoint.get(partition.partitionId) ?? 0) + 1;
          if (count >= checkpointEvery) {
            await partition.updateCheckpoint(events[events.length - 1]);
            sinceCheckpoint.set(partition.partitionId, 0);
          } else sinceCheckpoint.set(partition.partitionId, count);
        },
        processError: async (error, partition) => {
          if (abort.signal.aborted) return;
          const name = (error as { code?: string }).code ?? error.name;
          opts.logger.warn(`Event Hub trigger '${registration.name}' partition ${partition.partitionId || '-'}: ${name}: ${error.message}`);
        },
      },
      {
        maxBatchSize: opts.hostConfig.eventHubs.maxEventBatchSize,
        maxWaitTimeInSeconds: opts.hostConfig.eventHubs.maxWaitTimeSeconds,
        prefetchCount: opts.hostConfig.eventHubs.prefetchCount,
        startPosition: startPosition(opts.hostConfig),
        trackLastEnqueuedEventProperties: true,
      },
    );
    running.push({ consumer, subscription });
    opts.logger.info(`Event Hub trigger '${registration.name}': hub ${hubName}, consumer group ${consumerGroup}, batches of ${opts.hostConfig.eventHubs.maxEventBatchSize}`);
  }

  return {
    stats: () => stats,
    async close() {
      abort.abort();
      await Promise.all(running.map(async ({ consumer, subscription }) => {
        await subscription.close();
        await consumer.close();
      }));
    },
  };
}
