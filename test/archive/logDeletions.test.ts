// Deleting the learning loop's events from the archive, against Azurite: the archive writer's
// exactly-once bookkeeping survives a rewrite, envelopes lose only their deleted events, native
// Capture blobs are rewritten whole, and a blob the retention policy refuses stays pending (hidden
// by the tombstone) until a sweep after the policy let go. Azurite has no immutability policies,
// so the refusal is what the SDK throws for Azure's answer (409 BlobImmutableDueToPolicy), injected
// for the writes of the locked blobs only; every other call reaches Azurite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import { readArchive } from '../../src/archive/archiveReader';
import { encodeCaptureFile } from '../../src/archive/captureAvro';
import { syncMarkerFor } from '../../src/archive/avroContainer';
import { deleteLoggedEvents, isTombstoned, readDeletionRecords, readTombstones, sweepPending } from '../../src/archive/logDeletions';
import type { ReceivedEvent } from '../../src/events/receivedBatch';
import { T0, makeBatch, rawRecords, startBlobEnv, type BlobEnv } from './archiveTestKit';

let env: BlobEnv;
const locked = new Set<string>();

/** Azure's error for a write of a blob under a time-based retention policy (what the SDK throws). */
function immutableError(): Error {
  return Object.assign(new Error('This operation is not permitted as the blob is immutable due to a policy.'), { name: 'RestError', statusCode: 409, code: 'BlobImmutableDueToPolicy' });
}

/**
 * The container with Azure's retention lock on the `locked` blobs: their writes (commit, upload,
 * delete) are refused as Azure refuses them; everything else, reads included, reaches Azurite.
 */
function container(name: string): ContainerClient {
  const real = env.service.getContainerClient(name);
  return new Proxy(real, {
    get(target, prop, receiver) {
      if (prop !== 'getBlockBlobClient') return Reflect.get(target, prop, receiver);
      return (blobName: string) => {
        const blob = target.getBlockBlobClient(blobName);
        return new Proxy(blob, {
          get(b, p, r) {
            const value = Reflect.get(b, p, r);
            if (locked.has(blobName) && (p === 'commitBlockList' || p === 'upload' || p === 'delete')) return () => Promise.reject(immutableError());
            return typeof value === 'function' ? value.bind(b) : value;
          },
        });
      };
    },
  });
}

const decision = (n: number, atMs: number) => ({ id: `dec-${n}`, type: 'decision', userId: 'u1', timestamp: new Date(atMs).toISOString(), decision: { eventId: `ev-${n}` } });
const reward = (n: number, atMs: number) => ({ id: `rwd-${n}`, type: 'reward', userId: 'u1', value: 1, timestamp: new Date(atMs).toISOString(), decision: { eventId: `ev-${n}` } });
const view = (n: number, atMs: number) => ({ id: `pv-${n}`, type: 'page_view', userId: 'u1', timestamp: new Date(atMs).toISOString() });

function event(seq: number, body: unknown, enqueuedMs = T0 + seq * 1000): ReceivedEvent {
  return { body, sequenceNumber: seq, offset: String(seq * 512), enqueuedTimeUtc: new Date(enqueuedMs), partitionKey: 'u1', properties: {} };
}

async function bodies(c: ContainerClient): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readArchive(c)) out.push((JSON.parse(e.body.toString('utf8')) as { id: string }).id);
  return out;
}

const by = { requestedBy: { operation: 'test' } };

beforeAll(async () => {
  env = await startBlobEnv();
}, 60_000);
afterAll(async () => env?.stop());

describe('deleteLoggedEvents', () => {
  it('removes the range from the blobs; the writer then appends and still skips redelivered sequence numbers', async () => {
    const c = container('rewrite');
    const writer = new ArchiveWriter(c, { windowMinutes: 60 });
    // Blocks of mixed events, one envelope (a decision and a page view in one message).
    await writer.write(makeBatch('0', [event(0, decision(0, T0)), event(1, view(1, T0)), event(2, reward(0, T0 + 2000))]));
    await writer.write(makeBatch('0', [event(3, [decision(3, T0 + 3000), view(3, T0 + 3000)]), event(4, decision(4, T0 + 10 * 60_000))]));
    const record = await deleteLoggedEvents(c, { fromMs: T0, toMs: T0 + 5 * 60_000 }, { ...by, now: () => new Date(T0 + 3_600_000) });
    expect(record.removed).toEqual({ decisions: 2, rewards: 1, activations: 0 });
    expect(record.blobsRewritten).toBe(1);
    expect(await bodies(c)).toEqual(['pv-1', 'pv-3', 'dec-4']);
    // The envelope kept its page view, under its own sequence number.
    const raw = await rawRecords(c);
    expect(raw.map((r) => r.record.sequenceNumber)).toEqual([1, 3, 4]);

    // Redelivery of old sequence numbers adds nothing; new ones are appended after the rewrite (same writer, stale ETag).
    const again = await writer.write(makeBatch('0', [event(4, decision(4, T0)), event(5, view(5, T0 + 5000))]));
    expect(again).toMatchObject({ archived: 1, skippedDuplicates: 1 });
    const fresh = new ArchiveWriter(c, { windowMinutes: 60 });
    expect(await fresh.write(makeBatch('0', [event(2, reward(0, T0))]))).toMatchObject({ archived: 0, skippedDuplicates: 1 });
    expect(await bodies(c)).toEqual(['pv-1', 'pv-3', 'dec-4', 'pv-5']);
    const records = await readDeletionRecords(c);
    expect(records.map((r) => r.phase)).toEqual(['finished', 'started']);
  });

  it('rewrites a native Capture blob whole', async () => {
    const c = container('native');
    await c.createIfNotExists();
    const name = 'ns/events/0/2024/05/06/10/00/00.avro';
    const rec = (seq: number, body: unknown) => ({ sequenceNumber: seq, offset: String(seq), enqueuedTimeUtc: new Date(T0 + seq).toISOString(), systemProperties: {}, properties: {}, body: Buffer.from(JSON.stringify(body)) });
    const file = encodeCaptureFile([[rec(0, decision(0, T0)), rec(1, view(1, T0))]], 'deflate', syncMarkerFor('native-capture'));
    await c.getBlockBlobClient(name).upload(file, file.length);
    const record = await deleteLoggedEvents(c, {}, by);
    expect(record.removed.decisions).toBe(1);
    expect(await bodies(c)).toEqual(['pv-1']);
  });

  it('leaves a locked blob pending, hidden by the tombstone, and a sweep rewrites it once the lock let go', async () => {
    const c = container('locked');
    const writer = new ArchiveWriter(c, { windowMinutes: 60 });
    await writer.write(makeBatch('0', [event(0, decision(0, T0)), event(1, view(1, T0))]));
    await writer.write(makeBatch('1', [event(0, decision(7, T0))]));
    const lockedBlob = 'myns/events/0/2024/05/06/10/00/00.avro';
    locked.add(lockedBlob);
    const record = await deleteLoggedEvents(c, {}, by);
    expect(record.pendingBlobs).toEqual([lockedBlob]);
    expect(record.removed.decisions).toBe(1); // partition 1's blob
    expect(await bodies(c)).toEqual(['dec-0', 'pv-1']);

    const tombstones = await readTombstones(c);
    const archived = [];
    for await (const e of readArchive(c)) archived.push(e);
    expect(archived.map((e) => isTombstoned(e.body, e.enqueuedTimeUtc.getTime(), tombstones))).toEqual([true, false]);
    // A decision archived after the deletion is not covered by it.
    expect(isTombstoned(Buffer.from(JSON.stringify(decision(9, T0))), Date.now() + 60_000, tombstones)).toBe(false);

    // Still locked: the sweep finds it still pending, removes nothing and leaves no record.
    const recordsBefore = (await readDeletionRecords(c)).length;
    const first = await sweepPending(c, await readDeletionRecords(c), by);
    expect(first).toMatchObject({ kind: 'sweep', blobsRewritten: 0, pendingBlobs: [lockedBlob], sweptDeletions: [] });
    expect((await readDeletionRecords(c)).length).toBe(recordsBefore);
    // A foreign file under the records' prefix is no record and stops nothing.
    await c.getBlockBlobClient('personalizer-log-deletions/notes.json').upload('not json', 8);
    expect(await readTombstones(c)).toEqual(tombstones);
    locked.delete(lockedBlob);
    const second = await sweepPending(c, await readDeletionRecords(c), by);
    expect(second).toMatchObject({ blobsRewritten: 1, pendingBlobs: [], sweptDeletions: [record.id], removed: { decisions: 1, rewards: 0, activations: 0 } });
    expect(await bodies(c)).toEqual(['pv-1']);
    // Nothing pending any more, and the deletion (of 2024 events, requested now) is checked for late archiving only.
    expect(await sweepPending(c, await readDeletionRecords(c), by)).toMatchObject({ blobsRewritten: 0, sweptDeletions: [] });
  });

  it('removes, at the next sweep, events enqueued before a deletion but archived after its rewrite', async () => {
    const c = container('late');
    const writer = new ArchiveWriter(c, { windowMinutes: 60 });
    const nowMs = Date.now();
    const hour = Math.floor(nowMs / 3_600_000) * 3_600_000;
    await writer.write(makeBatch('0', [event(0, decision(0, hour), hour), event(1, view(1, hour), hour)]));
    const record = await deleteLoggedEvents(c, {}, { ...by, now: () => new Date(nowMs) });
    expect(record.removed.decisions).toBe(1);
    // The archiver catches up with an event the hub had before the deletion.
    await writer.write(makeBatch('0', [event(2, decision(2, hour + 1), hour + 1)]));
    expect(await bodies(c)).toEqual(['pv-1', 'dec-2']);
    const sweep = await sweepPending(c, await readDeletionRecords(c), { ...by, now: () => new Date(nowMs + 60_000) });
    expect(sweep).toMatchObject({ blobsRewritten: 1, removed: { decisions: 1 } });
    expect(await bodies(c)).toEqual(['pv-1']);
    // A week later the deletion is no longer looked at.
    expect(await sweepPending(c, await readDeletionRecords(c), { ...by, now: () => new Date(nowMs + 8 * 86_400_000) })).toBeUndefined();
  });
});
