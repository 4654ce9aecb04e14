import './setup';
import { app } from '@azure/functions';
import { appServices } from '../src/app/appServices';
import { contextLog } from '../src/common/structuredLog';
import { withBatchSpans } from '../src/processing/batchSpans';
import { toReceivedBatch } from '../src/processing/eventHubTriggerInput';
import { aggregateEvents } from '../src/processing/aggregateHandler';

app.eventHub('aggregateEvents', {
  connection: 'EventHubConnection',
  eventHubName: '%EventHubName%',
  consumerGroup: '%AggregateConsumerGroup%',
  cardinality: 'many',
  // Retry forever: the partition waits rather than skipping events it could not aggregate.
  retry: { strategy: 'exponentialBackoff', maxRetryCount: -1, minimumInterval: { seconds: 1 }, maximumInterval: { minutes: 2 } },
  handler: (messages, context) => {
    const batch = toReceivedBatch(messages, context.triggerMetadata);
    return withBatchSpans('aggregateEvents', batch, () => aggregateEvents(batch, appServices().processing(), contextLog(context)));
  },
});
