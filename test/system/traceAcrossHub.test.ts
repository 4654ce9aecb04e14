// OpenTelemetry end to end, with an in-process collector: the spans of the whole local system go
// to an in-memory exporter (the host stand-in plays the Functions host of `telemetryMode:
// OpenTelemetry`, the app registers the Functions instrumentation as in Azure). One trace leads
// from `POST /api/events` through the Event Hubs emulator into archiveEvents and aggregateEvents,
// with every message carrying its request's traceparent / Diagnostic-Id even when the messages of
// many requests share a batch; and the rank call's decision trace holds its rewards.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AzureFunctionsInstrumentation } from '@azure/functions-opentelemetry-instrumentation';
import { EventHubConsumerClient, earliestEventPosition } from '@azure/event-hubs';
import type { FuzzRuntime } from './fuzzKit';
import { eventually } from './eventually';

const exporter = new InMemorySpanExporter();
// Before anything loads @azure/functions: the instrumentation patches it when it is first loaded.
const provider = new BasicTracerProvider();
provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
provider.register({ contextManager: new AsyncLocalStorageContextManager(), propagator: new W3CTraceContextPropagator() });
const instrumentation = new AzureFunctionsInstrumentation();

const spans = () => exporter.getFinishedSpans();
const byTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);
const named = (list: ReadableSpan[], name: string) => list.filter((s) => s.name === name);


describe('one trace across the hub', () => {
  let rt: FuzzRuntime;
  let send: typeof import('./fuzzKit').send;

  beforeAll(async () => {
    const kit = await import('./fuzzKit');
    send = kit.send;
    rt = await kit.startFuzzRuntime({}, { triggers: true });
  }, 90_000);
  afterAll(async () => {
    await rt?.close();
    instrumentation.disable();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('continues each request\'s trace from POST /api/events into archiveEvents and aggregateEvents, per message', async () => {
    // Twelve requests at once, each with its own trace, for users whose messages share partitions and batches.
    const traces = Array.from({ length: 12 }, (_, i) => ({
      traceId: `${(i + 1).toString(16).padStart(2, '0')}${'ab'.repeat(15)}`,
      parent: `00-${(i + 1).toString(16).padStart(2, '0')}${'ab'.repeat(15)}-${'cd'.repeat(8)}-01`,
    }));
    const answers = await Promise.all(traces.map((t, i) => send(rt.url, {
      method: 'POST', path: '/api/events',
      headers: { 'content-type': 'application/json', traceparent: t.parent },
      body: JSON.stringify([{ id: `trace-${i}-a`, type: 'page_view', userId: `tu-${i}` }, { id: `trace-${i}-b`, type: 'offer_view', userId: `tu-${i}`, offerId: 'o-1' }]),
    })));
    expect(answers.map((a) => a.status)).toEqual(traces.map(() => 202));

    // The messages in the hub carry their request's trace (the HTTP function's span, a child of the caller's).
    const env = rt.runtime.env;
    const consumer = new EventHubConsumerClient('$Default', env.EventHubConnection, env.EventHubName);
    const seen = new Map<string, Record<string, unknown>>();
    const subscription = consumer.subscribe({
      processEvents: async (events) => {
        for (const e of events) for (const item of Array.isArray(e.body) ? e.body : [e.body]) seen.set((item as { id: string }).id, e.properties ?? {});
      },
      processError: async () => {},
    }, { startPosition: earliestEventPosition, maxWaitTimeInSeconds: 0.5 });
    await eventually(() => seen.size, (n) => n >= 24);
    await subscription.close();
    await consumer.close();
    traces.forEach((t, i) => {
      const props = seen.get(`trace-${i}-a`)!;
      expect(props.traceparent, `message of request ${i}`).toMatch(new RegExp(`^00-${t.traceId}-[0-9a-f]{16}-01$`));
      expect(props['Diagnostic-Id']).toBe(props.traceparent);
    });

    // Each request's trace holds the host's HTTP span and a consumer span of both Event Hub functions.
    for (const t of traces) {
      const found = await eventually(() => byTrace(t.traceId), (list) => named(list, 'archiveEvents process').length > 0 && named(list, 'aggregateEvents process').length > 0);
      const http = named(found, 'captureEvents');
      expect(http, `trace ${t.traceId}`).toHaveLength(1);
      expect(http[0].parentSpanId).toBe('cd'.repeat(8));
      for (const fn of ['archiveEvents', 'aggregateEvents']) {
        const consumerSpan = named(found, `${fn} process`)[0];
        expect(consumerSpan, `${fn} in trace ${t.traceId}`).toBeDefined();
        // Its parent is the span the message was published in (inside the HTTP function's invocation).
        expect(found.some((s) => s.spanContext().spanId === consumerSpan.parentSpanId) || consumerSpan.parentSpanId === http[0].spanContext().spanId).toBe(true);
        // … and it links to the batch span, which links back to every message's producer context.
        const batchSpan = spans().find((s) => s.spanContext().spanId === consumerSpan.links[0]?.context.spanId)!;
        expect(batchSpan.name).toBe(`${fn} process`);
        expect(batchSpan.links.some((l) => l.context.traceId === t.traceId)).toBe(true);
      }
    }
    // Requests shared batches: some batch span links to messages of several traces.
    const batchSpans = spans().filter((s) => s.name === 'aggregateEvents process' && s.links.length > 1);
    expect(Math.max(...batchSpans.map((s) => new Set(s.links.map((l) => l.context.traceId)).size))).toBeGreaterThan(1);
  }, 90_000);

  it('puts a decision\'s rewards, and their way through the hub, in the decision\'s trace', async () => {
    const headers = { 'content-type': 'application/json', 'ocp-apim-subscription-key': rt.secrets.personalizerApiKey };
    const ranked = await send(rt.url, { method: 'POST', path: '/personalizer/v1.0/rank', headers, body: JSON.stringify({ contextFeatures: [{ d: 'm' }], actions: [{ id: 'x', features: [{ a: 1 }] }] }) });
    expect(ranked.status, ranked.text).toBe(201);
    const { eventId } = JSON.parse(ranked.text) as { eventId: string };
    const reward = await send(rt.url, { method: 'POST', path: `/personalizer/v1.0/events/${encodeURIComponent(eventId)}/reward`, headers, body: '{"value":1}' });
    expect(reward.status).toBe(204);
    const decision = await eventually(() => spans().find((s) => s.name === 'decision' && s.attributes['personalization.event_id'] === eventId), (s) => s !== undefined);
    expect(decision).toBeDefined();
    const rankSpan = spans().find((s) => s.name === 'personalizerApi' && s.spanContext().spanId === decision!.links[0]?.context.spanId);
    expect(rankSpan, 'the decision span links to the rank call').toBeDefined();
    const traceId = decision!.spanContext().traceId;
    const inTrace = await eventually(() => byTrace(traceId), (list) => named(list, 'aggregateEvents process').length > 0);
    expect(named(inTrace, 'reward')).toHaveLength(1);
    expect(named(inTrace, 'aggregateEvents process').length).toBeGreaterThan(0);
  }, 60_000);
});
