// W3C trace context on Event Hubs messages and between the ranker's calls. Each message carries
// the context of the request that produced it as the application properties `traceparent` and
// `Diagnostic-Id` (the name the Azure SDKs and the Functions host read), set per message — not
// per batch — because the publisher's group commit puts messages of many requests in one batch.
// Without a registered OpenTelemetry tracer provider there is no active span and nothing is set.
import crypto from 'node:crypto';
import { context, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

export const TRACEPARENT_PROPERTY = 'traceparent';
export const DIAGNOSTIC_ID_PROPERTY = 'Diagnostic-Id';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function formatTraceParent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** A remote span context from a `traceparent` value (version 00), or undefined when it is not one. */
export function parseTraceParent(value: unknown): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return undefined;
  return { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16), isRemote: true };
}

/** The active span's context as `traceparent`, or undefined when there is none. */
export function activeTraceParent(ctx: Context = context.active()): string | undefined {
  const span = trace.getSpanContext(ctx);
  return span && trace.isSpanContextValid(span) ? formatTraceParent(span) : undefined;
}

/** The application properties that carry `traceparent` on a message. */
export function traceProperties(traceparent: string | undefined): Record<string, string> {
  return traceparent === undefined ? {} : { [TRACEPARENT_PROPERTY]: traceparent, [DIAGNOSTIC_ID_PROPERTY]: traceparent };
}

/** The producer's context a received message carries (traceparent, else Diagnostic-Id). */
export function messageSpanContext(properties: Record<string, unknown> | undefined): SpanContext | undefined {
  return parseTraceParent(properties?.[TRACEPARENT_PROPERTY]) ?? parseTraceParent(properties?.[DIAGNOSTIC_ID_PROPERTY]);
}

/**
 * The span context a decision's calls share (rank, then every reward and activation of its
 * eventId), derived from the eventId alone so the stateless reward call finds it without a lookup:
 * trace id and span id are the first bytes of a SHA-256 of the eventId.
 */
export function decisionSpanContext(eventId: string): SpanContext {
  const digest = crypto.createHash('sha256').update(`decision-trace\u0000${eventId}`, 'utf8').digest('hex');
  return { traceId: digest.slice(0, 32), spanId: digest.slice(32, 48), traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

const decisionTracer = () => trace.getTracer('personalization.ranking');

/**
 * Records the decision `eventId` in its own trace (decisionSpanContext), linked to the rank call's
 * span: the rewards and activations of that eventId join the same trace (withDecisionSpan), so
 * one trace leads from the rank call to every reward, through the hub, to the aggregation.
 */
export function recordDecisionSpan(eventId: string, attributes: Record<string, string> = {}): void {
  const caller = trace.getSpanContext(context.active());
  const span = decisionTracer().startSpan('decision', {
    kind: SpanKind.INTERNAL,
    attributes: { 'personalization.event_id': eventId, ...attributes },
    links: caller && trace.isSpanContextValid(caller) ? [{ context: caller }] : [],
  }, trace.setSpanContext(ROOT_CONTEXT, decisionSpanContext(eventId)));
  span.end();
}

/** Runs a reward or activation call of `eventId` in a span of the decision's trace, linked to the caller's span. */
export async function withDecisionSpan<T>(name: string, eventId: string, fn: () => Promise<T>): Promise<T> {
  const caller = trace.getSpanContext(context.active());
  const span = decisionTracer().startSpan(name, {
    kind: SpanKind.INTERNAL,
    attributes: { 'personalization.event_id': eventId },
    links: caller && trace.isSpanContextValid(caller) ? [{ context: caller }] : [],
  }, trace.setSpanContext(ROOT_CONTEXT, decisionSpanContext(eventId)));
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}
