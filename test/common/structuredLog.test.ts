// Structured records: text `event key=value …` without telemetry; with it, an OpenTelemetry log
// record whose attributes (Application Insights' customDimensions) are `event` and the fields.
import { afterEach, describe, expect, it } from 'vitest';
import { logs, type LogRecord, type Logger, type LoggerProvider } from '@opentelemetry/api-logs';
import { formatRecord, setOpenTelemetryLogging, structuredLog } from '../../src/common/structuredLog';

function capture() {
  const records: LogRecord[] = [];
  const logger: Logger = { emit: (r) => void records.push(r) };
  const provider: LoggerProvider = { getLogger: () => logger };
  logs.setGlobalLoggerProvider(provider);
  return records;
}

afterEach(() => {
  setOpenTelemetryLogging(false);
  logs.disable();
});

describe('structured records', () => {
  it('formats fields as key=value, quoting text with spaces and escaping control characters', () => {
    expect(formatRecord('deadletter.written', { partition: '3', count: 2, reason: 'type: is required\n', skipped: undefined, ok: true }))
      .toBe('deadletter.written partition=3 count=2 reason="type: is required\\\\u000a" ok=true');
  });

  it('writes text to the invocation log without telemetry, and only an OpenTelemetry record with it', () => {
    const records = capture();
    const lines: [string, string][] = [];
    const log = structuredLog((level, line) => lines.push([level, line]));
    log('eventhub.consumer_lag', { consumerGroup: 'aggregate', partition: '1', lag: 42 });
    expect(lines).toEqual([['info', 'eventhub.consumer_lag consumerGroup=aggregate partition=1 lag=42']]);
    expect(records).toEqual([]);

    setOpenTelemetryLogging(true);
    log('deadletter.written', { partition: '0', count: 1, blob: 'x.avro', missing: undefined }, 'warn');
    expect(lines).toHaveLength(1);
    expect(records).toEqual([expect.objectContaining({
      severityText: 'WARN',
      body: 'deadletter.written partition=0 count=1 blob=x.avro',
      attributes: { event: 'deadletter.written', partition: '0', count: 1, blob: 'x.avro' },
    })]);
  });
});
