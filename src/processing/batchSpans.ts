// Consumer spans of an Event Hub batch. A batch holds messages of many requests (the publisher's
// group commit), so one parent cannot describe it: the batch gets one span (child of the
// invocation's context) with a link to every message's producer context, and each distinct
// producer context gets its own consumer span as a child — so the trace of `POST /api/events`
// continues across the hub into archiveEvents and aggregateEvents — linked back to the batch span.
// Without a registered tracer provider every span is a no-op of the API.
import { context, trace, SpanKind, SpanStatusCode, type Link, type Span } from '@opentelemetry/api';
import { formatTraceParent, messageSpanContext } from '../common/traceContext';
import type { ReceivedBatch } from '../events/receivedBatch';

/** Producer traces given their own child span per batch; more are only linked from the batch span. */
export const MAX_TRACE_SPANS_PER_BATCH = 128;

const tracer = () => trace.getTracer('personalization.processing');

/** Runs `fn` inside the batch's span, with the per-trace consumer spans around it. */
export async function withBatchSpans<T>(functionName: string, batch: ReceivedBatch, fn: () => Promise<T>): Promise<T> {
  const attributes = {
    'messaging.system': 'eventhubs',
    'messaging.operation.type': 'process',
    'messaging.destination.name': batch.eventHubName,
    'messaging.consumer.group.name': batch.consumerGroup,
    'messaging.destination.partition.id': batch.partitionId,
    'messaging.batch.message_count': batch.events.length,
    'faas.name': functionName,
  };
  // Distinct producer contexts in order, with the sequence numbers of their messages.
  const producers = new Map<string, { link: Link; sequenceNumbers: number[] }>();
  for (const event of batch.events) {
    const producer = messageSpanContext(event.properties);
    if (!producer) continue;
    const key = formatTraceParent(producer);
    const entry = producers.get(key);
    if (entry) entry.sequenceNumbers.push(event.sequenceNumber);
    else producers.set(key, { link: { context: producer, attributes: { 'messaging.eventhubs.message.sequence_number': event.sequenceNumber } }, sequenceNumbers: [event.sequenceNumber] });
  }
  const batchSpan = tracer().startSpan(`${functionName} process`, { kind: SpanKind.CONSUMER, attributes, links: [...producers.values()].map((p) => p.link) });
  const batchLink: Link = { context: batchSpan.spanContext() };
  const perTrace: Span[] = [];
  for (const { link, sequenceNumbers } of [...producers.values()].slice(0, MAX_TRACE_SPANS_PER_BATCH)) {
    perTrace.push(tracer().startSpan(`${functionName} process`, {
      kind: SpanKind.CONSUMER,
      attributes: { ...attributes, 'messaging.batch.message_count': sequenceNumbers.length, 'messaging.eventhubs.sequence_numbers': sequenceNumbers.join(',') },
      links: [batchLink],
    }, trace.setSpanContext(context.active(), link.context)));
  }
  const end = (error?: unknown) => {
    for (const span of [batchSpan, ...perTrace]) {
      if (error !== undefined) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      }
      span.end();
    }
  };
  try {
    const result = await context.with(trace.setSpan(context.active(), batchSpan), fn);
    end();
    return result;
  } catch (error) {
    end(error);
    throw error;
  }
}
