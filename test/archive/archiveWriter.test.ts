import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import avro from 'avsc';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import { ArchiveInputError } from '../../src/archive/archiveInputError';
import { parseBlockId } from '../../src/archive/archiveLayout';
import { BlobEnv, T0, batchOf, blobNames, makeBatch, makeEvent, range, rawRecords, startBlobEnv } from './archiveTestKit';

let env: BlobEnv;
let containerCount = 0;
const fresh = () => env.container(`arch-w-${++containerCount}`);

beforeAll(async () => { env = await startBlobEnv(); });
afterAll(async () => { await env?.stop(); });

const seqs = (records: { record: { sequenceNumber: number } }[]) => records.map((r) => r.record.sequenceNumber);

describe('ArchiveWriter', () => {
  it('appends several batches to one blob as Avro blocks, readable by avsc too', async () => {
    const container = fresh();
    const writer = new ArchiveWriter(container);
    const r1 = await writer.write(batchOf('0', 0, 9));
    const r2 = await writer.write(batchOf('0', 10, 24));
    const r3 = await writer.write(batchOf('0', 25, 30));
    expect([r1.archived, r2.archived, r3.archived]).toEqual([10, 15, 6]);
    const name = 'myns/events/0/2024/05/06/10/00/00.avro';
    expect(r1.blobs).toEqual([name]);
    expect(await blobNames(container)).toEqual([name]);

    const blob = container.getBlockBlobClient(name);
    const blocks = await blob.getBlockList('committed');
    expect(blocks.committedBlocks).toHaveLength(4); // header + 3 batches
    expect(blocks.committedBlocks!.slice(1).map((b) => parseBlockId(b.name)?.lastSeq)).toEqual([9, 24, 30]);
    const props = await blob.getProperties();
    expect(props.metadata?.highestsequencenumber).toBe('30');
    expect(props.metadata?.lastenqueuedtimeutc).toBe(new Date(T0 + 30_000).toISOString());

    const records = await rawRecords(container);
    expect(seqs(records)).toEqual(range(0, 30));
    const first = records[0].record;
    expect(JSON.parse(first.body!.toString())).toEqual({ type: 'page_view', id: 'e0', userId: 'u0', seq: 0 });
    expect(first.systemProperties['x-opt-partition-key']).toBe('u0');
    expect(first.properties).toEqual({ source: 'test', n: 0 });

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'arch-avsc-')), 'blob.avro');
    fs.writeFileSync(file, await blob.downloadToBuffer());
    const viaAvsc = await new Promise<number[]>((resolve, reject) => {
      const out: number[] = [];
      avro.createFileDecoder(file).on('data', (r: { SequenceNumber: number }) => out.push(r.SequenceNumber)).on('end', () => resolve(out)).on('error', reject);
    });
    expect(viaAvsc).toEqual(range(0, 30));
  });

  it('skips a redelivered batch without touching the blob', async () => {
    const container = fresh();
    const writer = new ArchiveWriter(container);
    await writer.write(batchOf('1', 0, 19));
    const name = 'myns/events/1/2024/05/06/10/00/00.avro';
    const etag = (await container.getBlobClient(name).getProperties()).etag;
    expect(await writer.write(batchOf('1', 0, 19))).toEqual({ archived: 0, skippedDuplicates: 20, blobs: [] });
    // A new writer (a restarted host, no cache) also finds them archived.
    expect(await new ArchiveWriter(container).write(batchOf('1', 0, 19))).toEqual({ archived: 0, skippedDuplicates: 20, blobs: [] });
    expect((await container.getBlobClient(name).getProperties()).etag).toBe(etag);
    expect(seqs(await rawRecords(container))).toEqual(range(0, 19));
  });

  it('archives each event once when batches are re-cut at other boundaries', async () => {
    const container = fresh();
    const writer = new ArchiveWriter(container);
    const results = [];
    for (const [a, b] of [[0, 9], [5, 14], [3, 20], [21, 21], [0, 30], [31, 40]]) {
      results.push(await new ArchiveWriter(container).write(batchOf('2', a, b)));
    }
    expect(results.map((r) => r.archived)).toEqual([10, 5, 6, 1, 9, 10]);
    expect(results.map((r) => r.skippedDuplicates)).toEqual([0, 5, 12, 0, 22, 0]);
    expect(seqs(await rawRecords(container))).toEqual(range(0, 40));
    expect(await writer.write(batchOf('2', 35, 45))).toMatchObject({ archived: 5, skippedDuplicates: 6 });
  });

  it('drops repeats and sorts inside one batch', async () => {
    const container = fresh();
    const events = [makeEvent(3), makeEvent(1), makeEvent(2), makeEvent(2), makeEvent(1)];
    const r = await new ArchiveWriter(container).write(makeBatch('0', events));
    expect(r).toMatchObject({ archived: 3, skippedDuplicates: 2 });
    expect(seqs(await rawRecords(container))).toEqual([1, 2, 3]);
  });

  it('keeps each event exactly once when writers race on the same partition', async () => {
    const container = fresh();
    // Three consumers own partition 3 at once, each processing from the same checkpoint in order,
    // with the stream cut into batches differently.
    const cuts = [7, 13, 50];
    const writers = cuts.map(() => new ArchiveWriter(container, { maxBlocksPerBlob: 4 }));
    const consumers = cuts.map(async (size, c) => {
      let archived = 0;
      for (let from = 0; from < 300; from += size) archived += (await writers[c].write(batchOf('3', from, Math.min(299, from + size - 1)))).archived;
      return archived;
    });
    const archived = await Promise.all(consumers);
    expect(archived.reduce((a, b) => a + b, 0)).toBe(300);
    // The writers did collide (so the conflict path was exercised), and rolled over at least once.
    expect(writers.reduce((n, w) => n + w.stats.conflicts, 0)).toBeGreaterThan(0);
    expect((await blobNames(container)).length).toBeGreaterThan(1);
    const records = await rawRecords(container);
    expect(records).toHaveLength(300);
    expect([...seqs(records)].sort((a, b) => a - b)).toEqual(range(0, 299));
    // Each blob in the chain respects the block cap.
    for (const name of await blobNames(container)) {
      const list = await container.getBlockBlobClient(name).getBlockList('committed');
      expect(list.committedBlocks!.length).toBeLessThanOrEqual(4);
    }
  });

  it('keeps each event once when several writers commit identical batches at the same moment', async () => {
    const container = fresh();
    const writers = Array.from({ length: 4 }, () => new ArchiveWriter(container, { maxBlocksPerBlob: 3 }));
    for (let from = 0; from < 100; from += 10) {
      const results = await Promise.all(writers.map((w) => w.write(batchOf('8', from, from + 9))));
      expect(results.reduce((n, r) => n + r.archived, 0)).toBe(10);
      expect(results.reduce((n, r) => n + r.skippedDuplicates, 0)).toBe(30);
    }
    const records = await rawRecords(container);
    expect(seqs(records).sort((a, b) => a - b)).toEqual(range(0, 99));
    expect(writers.reduce((n, w) => n + w.stats.conflicts, 0)).toBeGreaterThan(0);
  });

  it('refuses to append to a blob it did not write', async () => {
    const container = fresh();
    await container.createIfNotExists();
    const name = 'myns/events/9/2024/05/06/10/00/00.avro';
    const blob = container.getBlockBlobClient(name);
    const id = Buffer.from('native-capture-block-0001').toString('base64');
    await blob.stageBlock(id, Buffer.from('Obj\x01...'), 7);
    await blob.commitBlockList([id]);
    await expect(new ArchiveWriter(container).write(batchOf('9', 0, 3))).rejects.toThrow(/not written by ArchiveWriter/);
  });

  it('writes events of one batch that span two windows to two blobs', async () => {
    const container = fresh();
    const writer = new ArchiveWriter(container, { windowMinutes: 60 });
    const hour = 3_600_000;
    const events = [makeEvent(0, T0 + hour - 2000), makeEvent(1, T0 + hour - 1), makeEvent(2, T0 + hour), makeEvent(3, T0 + hour + 5)];
    const r = await writer.write(makeBatch('4', events));
    expect(r.archived).toBe(4);
    expect(r.blobs).toEqual(['myns/events/4/2024/05/06/10/00/00.avro', 'myns/events/4/2024/05/06/11/00/00.avro']);
    const records = await rawRecords(container);
    expect(records.map((x) => [x.blob, x.record.sequenceNumber])).toEqual([
      [r.blobs[0], 0], [r.blobs[0], 1], [r.blobs[1], 2], [r.blobs[1], 3],
    ]);
    // 15-minute windows name the blob by the window start.
    const q = await new ArchiveWriter(fresh(), { windowMinutes: 15 }).write(makeBatch('4', [makeEvent(9, T0 + 17 * 60_000 + 3000)]));
    expect(q.blobs).toEqual(['myns/events/4/2024/05/06/10/15/00.avro']);
  });

  it('rolls over to a new blob before the block cap, named by the next sequence number', async () => {
    const container = fresh();
    const writer = new ArchiveWriter(container, { maxBlocksPerBlob: 3 });
    for (let from = 0; from < 50; from += 5) await writer.write(batchOf('5', from, from + 4));
    const names = await blobNames(container);
    const base = 'myns/events/5/2024/05/06/10/00/00';
    // header + 2 data blocks per blob, 10 batches -> 5 blobs
    expect(names).toEqual([
      `${base}-00000000000000000010.avro`, `${base}-00000000000000000020.avro`, `${base}-00000000000000000030.avro`,
      `${base}-00000000000000000040.avro`, `${base}.avro`,
    ]);
    expect(seqs(await rawRecords(container, `${base}-00000000000000000020`))).toEqual(range(20, 29));
    // A writer without cache finds the newest blob of the chain and dedupes against it.
    const again = new ArchiveWriter(container, { maxBlocksPerBlob: 3 });
    expect(await again.write(batchOf('5', 30, 55))).toMatchObject({ archived: 6, skippedDuplicates: 20 });
    expect(await again.write(batchOf('5', 0, 55))).toMatchObject({ archived: 0, skippedDuplicates: 56 });
    const all = seqs(await rawRecords(container)).sort((a, b) => a - b);
    expect(all).toEqual(range(0, 55));
  });

  it('rolls over on the size cap', async () => {
    const container = fresh();
    const writer = new ArchiveWriter(container, { maxBlobBytes: 2048, codec: 'null' });
    for (let from = 0; from < 60; from += 10) await writer.write(batchOf('6', from, from + 9));
    const names = await blobNames(container);
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) {
      const list = await container.getBlockBlobClient(name).getBlockList('committed');
      const blocks = list.committedBlocks!;
      // Below the cap before the last block was added.
      expect(blocks.slice(0, -1).reduce((s, b) => s + b.size, 0)).toBeLessThan(2048);
    }
    expect(seqs(await rawRecords(container)).sort((a, b) => a - b)).toEqual(range(0, 59));
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const container = fresh();
    const writer = new ArchiveWriter(container);
    const bad = batchOf('7', 0, 2);
    (bad.events[1] as { sequenceNumber: unknown }).sequenceNumber = 'x';
    await expect(writer.write(bad)).rejects.toThrow(/batch\.events\[1\]\.sequenceNumber must be a non-negative integer/);
    const badTime = batchOf('7', 0, 2);
    badTime.events[2].enqueuedTimeUtc = new Date('nope');
    await expect(writer.write(badTime)).rejects.toBeInstanceOf(ArchiveInputError);
    await expect(writer.write(makeBatch('../x', []))).rejects.toThrow(/batch\.partitionId/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(writer.write(makeBatch('7', [{ ...makeEvent(0), body: circular }]))).rejects.toThrow(/batch\.events\[0\]\.body cannot be serialised/);
    expect(() => new ArchiveWriter(container, { windowMinutes: 7 })).toThrow(/options\.windowMinutes/);
    expect(() => new ArchiveWriter(container, { maxBlocksPerBlob: 60_000 })).toThrow(/options\.maxBlocksPerBlob/);
    expect(await container.exists()).toBe(false);
    expect(await writer.write(makeBatch('7', []))).toEqual({ archived: 0, skippedDuplicates: 0, blobs: [] });
  });
});
