// The processing functions' structured records through the Event Hubs emulator and the host
// stand-in: per batch the partition, sequence range, counts and duration as fields; a poison
// message gives `deadletter.written`; the consumer lag per consumer group and partition comes
// from the partition's last enqueued sequence number (`eventhub.consumer_lag`).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { EventHubProducerClient } from '@azure/event-hubs';
import { startFuzzRuntime, type FuzzRuntime } from './fuzzKit';
import { eventually } from './eventually';

/** key=value fields of the host log lines of `event` (the local form of the records). */
function records(rt: FuzzRuntime, event: string): Record<string, string>[] {
  return rt.log.lines
    .map((line) => new RegExp(`^\\w+ \\w+ \\([0-9a-f]{8}\\): ${event.replace('.', '\\.')} (.*)$`).exec(line)?.[1])
    .filter((rest): rest is string => rest !== undefined)
    .map((rest) => Object.fromEntries([...rest.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)].map((m) => [m[1], m[2].startsWith('"') ? JSON.parse(m[2]) : m[2]])));
}


describe('structured records of the processing functions', () => {
  let rt: FuzzRuntime;
  beforeAll(async () => {
    rt = await startFuzzRuntime({}, { triggers: true });
  }, 90_000);
  afterAll(async () => rt?.close());

  it('logs batches, dead letters and consumer lag as fields', async () => {
    const producer = new EventHubProducerClient(rt.runtime.env.EventHubConnection, rt.runtime.env.EventHubName);
    await producer.sendBatch([{ body: { hello: 'world' } }, { body: { id: 'ok-1', type: 'page_view', userId: 'rec-user', timestamp: new Date().toISOString() } }], { partitionId: '0' });
    await producer.close();

    const dead = await eventually(() => records(rt, 'deadletter.written'), (r) => r.length > 0);
    expect(dead[0]).toMatchObject({ function: 'aggregateEvents', consumerGroup: 'aggregate', partition: '0', count: '1', firstSequenceNumber: expect.stringMatching(/^\d+$/), blob: expect.any(String), reason: expect.stringMatching(/type/) });

    for (const event of ['events.aggregated', 'events.archived']) {
      const batch = (await eventually(() => records(rt, event), (r) => r.some((x) => x.partition === '0'))).find((x) => x.partition === '0')!;
      expect(batch, event).toMatchObject({ partition: '0', messages: '2', firstSequenceNumber: expect.stringMatching(/^\d+$/), lastSequenceNumber: expect.stringMatching(/^\d+$/), durationMs: expect.stringMatching(/^\d+$/) });
      expect(Number(batch.lastSequenceNumber) - Number(batch.firstSequenceNumber)).toBe(1);
    }
    const aggregated = records(rt, 'events.aggregated').find((x) => x.partition === '0')!;
    expect(aggregated).toMatchObject({ applied: '1', poison: '1', consumerGroup: 'aggregate' });

    const lags = await eventually(() => records(rt, 'eventhub.consumer_lag'), (r) => r.some((x) => x.consumerGroup === 'aggregate') && r.some((x) => x.consumerGroup === 'archive'));
    const lag = lags.find((x) => x.consumerGroup === 'aggregate' && x.partition === '0')!;
    expect(lag).toMatchObject({ partition: '0', lag: expect.stringMatching(/^\d+$/), lastEnqueuedSequenceNumber: expect.stringMatching(/^\d+$/) });
    expect(Number(lag.lag)).toBe(Number(lag.lastEnqueuedSequenceNumber) - Number(lag.lastProcessedSequenceNumber));
  }, 90_000);
});
