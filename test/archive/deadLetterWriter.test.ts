import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { DeadLetterWriter, DeadLetterRecord } from '../../src/archive/deadLetterWriter';
import { BlobEnv, T0, blobNames, makeBatch, makeEvent, startBlobEnv } from './archiveTestKit';

let env: BlobEnv;
beforeAll(async () => { env = await startBlobEnv(); });
afterAll(async () => { await env?.stop(); });

async function readLines(env: BlobEnv, container: string, name: string): Promise<DeadLetterRecord[]> {
  const text = (await env.container(container).getBlobClient(name).downloadToBuffer()).toString('utf8');
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as DeadLetterRecord);
}

describe('DeadLetterWriter', () => {
  it('writes poison events with reasons to a per-batch JSON-lines blob, idempotently', async () => {
    const container = env.container('deadletter-a');
    const writer = new DeadLetterWriter(container);
    const e7 = makeEvent(7);
    const e3 = { ...makeEvent(3), body: Buffer.from([0xff, 0xfe, 0x00]), partitionKey: undefined, properties: { bin: Buffer.from('hi'), big: 5n } };
    const e5 = { ...makeEvent(5), body: 'not json {' };
    const batch = makeBatch('2', [makeEvent(2), e3, makeEvent(4), e5, makeEvent(6), e7]);
    const items = [
      { event: e7, reason: 'schema: type is required' },
      { event: e3, reason: 'body is not JSON' },
      { event: e5, reason: 'body is not JSON' },
    ];
    const name = await writer.write(batch, items);
    expect(name).toBe('events/2/2024/05/06/3-7.json');
    const lines = await readLines(env, 'deadletter-a', name!);
    expect(lines.map((l) => [l.sequenceNumber, l.reason, l.bodyEncoding])).toEqual([
      [3, 'body is not JSON', 'base64'],
      [5, 'body is not JSON', 'utf8'],
      [7, 'schema: type is required', 'utf8'],
    ]);
    expect(Buffer.from(lines[0].body!, 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x00]));
    expect(lines[0].properties).toEqual({ bin: Buffer.from('hi').toString('base64'), big: '5' });
    expect(lines[0].partitionKey).toBeUndefined();
    expect(lines[1].body).toBe('not json {');
    expect(JSON.parse(lines[2].body!)).toMatchObject({ id: 'e7' });
    expect(lines[2]).toMatchObject({
      eventHub: 'events', partitionId: '2', consumerGroup: 'archive', offset: String(7 * 512),
      enqueuedTimeUtc: new Date(T0 + 7000).toISOString(), partitionKey: 'u0',
    });

    // Redelivery rewrites the same blob instead of adding another.
    expect(await new DeadLetterWriter(container).write(batch, [...items].reverse())).toBe(name);
    expect(await blobNames(container)).toEqual([name]);
    expect(await readLines(env, 'deadletter-a', name!)).toEqual(lines);
  });

  it('writes nothing for no items and names bad fields', async () => {
    const container = env.container('deadletter-b');
    const writer = new DeadLetterWriter(container);
    const batch = makeBatch('0', [makeEvent(1)]);
    expect(await writer.write(batch, [])).toBeUndefined();
    await expect(writer.write(batch, [{ event: makeEvent(1), reason: '' }])).rejects.toThrow(/items\[0\]\.reason must be a non-empty string/);
    await expect(writer.write(batch, [{ event: { ...makeEvent(1), offset: 5 as unknown as string }, reason: 'x' }])).rejects.toThrow(/items\[0\]\.event\.offset must be a string/);
    await expect(writer.write({ ...batch, eventHubName: '' }, [])).rejects.toThrow(/batch\.eventHubName/);
    expect(await container.exists()).toBe(false);
  });
});
