// What the Functions host does for tracing when host.json says `telemetryMode: OpenTelemetry`:
// each invocation gets a span of the host (a server span for HTTP, continuing the caller's
// `traceparent` header; a consumer span for an Event Hub batch), and the worker receives that
// span's context as `context.traceContext`. The stand-in does the same through the OpenTelemetry
// API, so without a registered tracer provider (plain `npm start`) nothing is recorded.
import { context, propagation, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { activeTraceParent } from '../../../src/common/traceContext';

const tracer = () => trace.getTracer('functions-host-stand-in');

export interface InvocationTrace {
  /** For InvocationContext's `traceContext`. */
  traceContext: { traceParent?: string; traceState?: string; attributes: Record<string, string> };
  end(error?: unknown): void;
}

/** Starts the host's span of one invocation; `headers` (HTTP) may carry the caller's traceparent. */
export function startInvocationTrace(functionName: string, kind: 'http' | 'eventHub' | 'timer', headers?: Record<string, string>): InvocationTrace {
  const parent = headers ? propagation.extract(context.active(), headers) : context.active();
  const span: Span = tracer().startSpan(functionName, {
    kind: kind === 'http' ? SpanKind.SERVER : kind === 'eventHub' ? SpanKind.CONSUMER : SpanKind.INTERNAL,
    attributes: { 'faas.name': functionName, 'faas.trigger': kind === 'http' ? 'http' : kind === 'eventHub' ? 'pubsub' : 'timer' },
  }, parent);
  const traceParent = activeTraceParent(trace.setSpan(context.active(), span));
  return {
    traceContext: { ...(traceParent ? { traceParent } : {}), attributes: {} },
    end(error?: unknown) {
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      span.end();
    },
  };
}
