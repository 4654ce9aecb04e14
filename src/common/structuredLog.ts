// Structured records: an event name and fields (partition, sequence range, counts, durations), not
// free text. With telemetry on, a record is an OpenTelemetry log record whose attributes are the
// fields plus `event`, which Application Insights stores as customDimensions — the alert rules of
// infra/ query those names (docs/observability.md lists them); without it (local runs, tests) it
// is a text line `<event> key=value …` in the function's own log.
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { metrics } from '@opentelemetry/api';
import { logText } from './logText';

export type LogFieldValue = string | number | boolean;
export type LogFields = Record<string, LogFieldValue | undefined>;
export type LogLevel = 'info' | 'warn' | 'error';

/** Writes one structured record. */
export type StructuredLog = (event: string, fields: LogFields, level?: LogLevel) => void;

const LOGGER_NAME = 'personalization';
const SEVERITY: Record<LogLevel, SeverityNumber> = { info: SeverityNumber.INFO, warn: SeverityNumber.WARN, error: SeverityNumber.ERROR };

function formatValue(value: LogFieldValue): string {
  if (typeof value !== 'string') return String(value);
  const safe = logText(value, 500);
  return /^[^\s"=]+$/.test(safe) ? safe : JSON.stringify(safe);
}

/** The text form of a record: `event key=value …` (strings quoted when they hold spaces). */
export function formatRecord(event: string, fields: LogFields): string {
  const parts = [event];
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) parts.push(`${key}=${formatValue(value)}`);
  return parts.join(' ');
}

// Whether the process exports OpenTelemetry logs (set by src/app/telemetry.ts when it starts).
// Then the invocation's text log is not written too: the Functions instrumentation forwards that
// log as records of its own, and every line would reach Application Insights twice.
let openTelemetryLogging = false;

export function setOpenTelemetryLogging(on: boolean): void {
  openTelemetryLogging = on;
}

/**
 * A structured log: each record is an OpenTelemetry log record with the fields as attributes
 * (when the process exports them), else a text line to `write` (the invocation's log, by level).
 */
export function structuredLog(write: (level: LogLevel, line: string) => void): StructuredLog {
  return (event, fields, level = 'info') => {
    const line = formatRecord(event, fields);
    if (!openTelemetryLogging) {
      write(level, line);
      return;
    }
    const attributes: Record<string, LogFieldValue> = { event };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) attributes[key] = value;
    logs.getLogger(LOGGER_NAME).emit({ severityNumber: SEVERITY[level], severityText: level.toUpperCase(), body: line, attributes });
  };
}

/** A structured log over an invocation context's log methods. */
export function contextLog(context: { log(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void }): StructuredLog {
  return structuredLog((level, line) => (level === 'error' ? context.error(line) : level === 'warn' ? context.warn(line) : context.log(line)));
}

const lagGauge = () => metrics.getMeter(LOGGER_NAME).createGauge('eventhub.consumer_lag', { description: 'Events enqueued in the partition after the last one processed', unit: '{event}' });
let gauge: ReturnType<typeof lagGauge> | undefined;

/**
 * Consumer lag of one partition (events enqueued after the batch's last one): the log record
 * `eventhub.consumer_lag` and the OpenTelemetry gauge of the same name, both with the dimensions
 * `consumerGroup` and `partition`.
 */
export function recordConsumerLag(log: StructuredLog, lag: { consumerGroup: string; partition: string; lag: number; lastEnqueuedSequenceNumber: number; lastProcessedSequenceNumber: number }): void {
  log('eventhub.consumer_lag', lag, 'info');
  gauge ??= lagGauge();
  gauge.record(lag.lag, { consumerGroup: lag.consumerGroup, partition: lag.partition });
}
