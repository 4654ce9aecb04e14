import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import { ArchivedEvent, readArchive, readArchiveFolder } from '../../src/archive/archiveReader';
import { encodeCaptureFile } from '../../src/archive/captureAvro';
import { syncMarkerFor } from '../../src/archive/avroContainer';
import { formatCaptureTime } from '../../src/archive/captureTime';
import type { CaptureRecord } from '../../src/archive/captureSchema';
import { BlobEnv, T0, makeBatch, makeEvent, range, startBlobEnv } from './archiveTestKit';

let env: BlobEnv;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'arch-read-'));
beforeAll(async () => { env = await startBlobEnv(); });
afterAll(async () => {
  await env?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function collect(events: AsyncIterable<ArchivedEvent>): Promise<ArchivedEvent[]> {
  const out: ArchivedEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const MIN = 60_000;
/** Event `seq` of the test stream is enqueued `seq` minutes after T0 (10:00), so 0..179 span three hours. */
const at = (seq: number) => T0 + seq * MIN + 17;

/** A record the way Capture writes it: whole-second time string; x-opt-enqueued-time only when asked. */
function nativeRecord(seq: number, enqueuedMs: number, withMsTime: boolean): CaptureRecord {
  return {
    sequenceNumber: seq,
    offset: String(seq * 512),
    enqueuedTimeUtc: formatCaptureTime(new Date(enqueuedMs)),
    systemProperties: withMsTime ? { 'x-opt-enqueued-time': enqueuedMs, 'x-opt-partition-key': `k${seq}` } : {},
    properties: { origin: 'capture' },
    body: Buffer.from(JSON.stringify({ seq })),
  };
}

describe('readArchive', () => {
  it('yields the events of an envelope message one by one, in order, under its sequence number', async () => {
    const container = env.container('arch-read-envelopes');
    const writer = new ArchiveWriter(container);
    const envelope = { ...makeEvent(1, at(1)), body: Buffer.from(JSON.stringify([{ id: 'a', n: 1 }, { id: 'b', n: 2 }, { id: 'c', n: 3 }])) };
    const whitespace = { ...makeEvent(2, at(2)), body: Buffer.from(' \n[{"id":"d"}]') };
    await writer.write(makeBatch('0', [makeEvent(0, at(0)), envelope, whitespace, makeEvent(3, at(3))]));
    const events = await collect(readArchive(container));
    expect(events.map((e) => [e.sequenceNumber, e.envelopePosition, JSON.parse(e.body.toString('utf8')).id])).toEqual([
      [0, undefined, 'e0'], [1, 0, 'a'], [1, 1, 'b'], [1, 2, 'c'], [2, 0, 'd'], [3, undefined, 'e3'],
    ]);
    expect(events[2].properties).toEqual(envelope.properties);
  });

  it('yields each (partition, sequence number) once, in order, across blobs and rollovers', async () => {
    const container = env.container('arch-read-ours');
    const writer = new ArchiveWriter(container, { maxBlocksPerBlob: 3 });
    for (const pid of ['1', '0', '10', '2']) {
      // Batches of 20 across three hourly windows, partly redelivered and re-cut.
      for (const [a, b] of [[0, 19], [20, 39], [10, 59], [60, 99], [100, 139], [90, 179]]) {
        await writer.write(makeBatch(pid, range(a, b).map((s) => makeEvent(s, at(s)))));
      }
    }
    // A stray overlapping copy (as if an earlier tool had captured part of partition 0 too).
    const stray = 'myns/events/0/2024/05/06/10/30/00.avro';
    const file = encodeCaptureFile([range(25, 35).map((s) => nativeRecord(s, at(s), true))], 'deflate', syncMarkerFor(stray));
    await container.getBlockBlobClient(stray).upload(file, file.length);

    const events = await collect(readArchive(container));
    expect([...new Set(events.map((e) => e.partitionId))]).toEqual(['0', '1', '2', '10']);
    for (const pid of ['0', '1', '2', '10']) {
      expect(events.filter((e) => e.partitionId === pid).map((e) => e.sequenceNumber)).toEqual(range(0, 179));
    }
    const e42 = events.find((e) => e.partitionId === '2' && e.sequenceNumber === 42)!;
    expect(e42.enqueuedTimeUtc.toISOString()).toBe(new Date(at(42)).toISOString());
    expect(e42.partitionKey).toBe('u0');
    expect(e42.offset).toBe(String(42 * 512));
    expect(e42.properties).toEqual({ source: 'test', n: 42 });
    expect(JSON.parse(e42.body.toString())).toMatchObject({ id: 'e42', seq: 42 });
    expect(e42.blobName).toMatch(/^myns\/events\/2\/2024\/05\/06\/10\/00\/00(-\d{20})?\.avro$/);

    // Time range [10:45, 11:30): by enqueued time, `to` exclusive; prefix narrows to one partition.
    const from = new Date(T0 + 45 * MIN);
    const to = new Date(T0 + 90 * MIN + 17);
    const slice = await collect(readArchive(container, { prefix: 'myns/events/1/', from, to }));
    expect(slice.map((e) => e.sequenceNumber)).toEqual(range(45, 89));
    expect(new Set(slice.map((e) => e.partitionId))).toEqual(new Set(['1']));
    expect(await collect(readArchive(container, { from: new Date(T0 + 10 * 3_600_000) }))).toEqual([]);
  });

  it('reads a native-Capture-like container (one block per file, time strings only) and the same files from a folder', async () => {
    const container = env.container('arch-read-native');
    await container.createIfNotExists();
    const dir = path.join(tmp, 'capture');
    // Capture with a 5-minute window: files named by window start, events every 90 s, partitions 0 and 1.
    const expected: number[] = [];
    for (const pid of ['0', '1']) {
      let seq = 0;
      for (let w = 0; w < 4; w++) {
        const start = T0 + w * 5 * MIN;
        const records: CaptureRecord[] = [];
        for (let t = start; t < start + 5 * MIN; t += 90_000) records.push(nativeRecord(seq++, t, w % 2 === 0));
        if (pid === '0') expected.push(...records.map((r) => r.sequenceNumber));
        const d = new Date(start);
        const name = `capns/hub1/${pid}/2024/05/06/10/${String(d.getUTCMinutes()).padStart(2, '0')}/00.avro`;
        const file = encodeCaptureFile([records], w % 2 === 0 ? 'deflate' : 'null', crypto.getRandomValues(Buffer.alloc(16)));
        await container.getBlockBlobClient(name).upload(file, file.length);
        fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), file);
      }
      // An empty file, as Capture writes for windows without events.
      const empty = encodeCaptureFile([], 'deflate', Buffer.alloc(16, 1));
      await container.getBlockBlobClient(`capns/hub1/${pid}/2024/05/06/10/20/00.avro`).upload(empty, empty.length);
    }
    const fromBlob = await collect(readArchive(container));
    expect(fromBlob.filter((e) => e.partitionId === '0').map((e) => e.sequenceNumber)).toEqual(expected);
    expect(fromBlob).toHaveLength(2 * expected.length);
    // Whole-second time strings parse as UTC; x-opt-enqueued-time (ms) wins where present.
    const e = fromBlob.find((x) => x.partitionId === '1' && x.sequenceNumber === 5)!;
    expect(e.enqueuedTimeUtc.toISOString()).toBe(new Date(T0 + 6.5 * MIN).toISOString());
    expect(e.body.toString()).toBe('{"seq":5}');
    expect(e.properties).toEqual({ origin: 'capture' });

    const fromFolder = await collect(readArchiveFolder(dir));
    expect(fromFolder.map((x) => [x.partitionId, x.sequenceNumber, x.enqueuedTimeUtc.getTime()])).toEqual(
      fromBlob.map((x) => [x.partitionId, x.sequenceNumber, x.enqueuedTimeUtc.getTime()]),
    );
    const window = await collect(readArchiveFolder(dir, { prefix: 'capns/hub1/1/', from: new Date(T0 + 6 * MIN), to: new Date(T0 + 9 * MIN) }));
    expect(window.map((x) => x.enqueuedTimeUtc.getTime() - T0)).toEqual([6.5 * MIN, 8 * MIN]);
  });

  it('rejects bad options and corrupt blobs with clear errors', async () => {
    const container = env.container('arch-read-bad');
    await container.createIfNotExists();
    await expect(collect(readArchive(container, { from: new Date('x') }))).rejects.toThrow(/opts\.from must be a valid Date/);
    expect(() => readArchiveFolder(path.join(tmp, 'missing'))).toThrow(/dir must be an existing folder/);
    // Blobs outside the time range are not even downloaded: by path (window start >= to) or by the
    // writer's lastenqueuedtimeutc metadata (< from). Garbage there must not be read.
    await container.getBlockBlobClient('ns/hub/0/2024/05/06/12/00/00.avro').upload('garbage', 7);
    await container.getBlockBlobClient('ns/hub/0/2024/05/06/09/00/00.avro').upload('garbage', 7, { metadata: { lastenqueuedtimeutc: new Date(T0 - 1).toISOString() } });
    expect(await collect(readArchive(container, { from: new Date(T0), to: new Date(T0 + 2 * 3_600_000) }))).toEqual([]);
    await container.getBlockBlobClient('ns/hub/0/2024/05/06/10/00/00.avro').upload('garbage', 7);
    await expect(collect(readArchive(container))).rejects.toThrow(/ns\/hub\/0\/2024\/05\/06\/09\/00\/00\.avro: Not an Avro object container/);
  });
});
