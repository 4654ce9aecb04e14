import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from '@azure/event-hubs';
import { EventHubsEmulator } from '../../../../tools/emulators/eventhubs';
import { receiveEvents, startTestEmulator, tempDir } from './helpers';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function withClients<T>(emulator: EventHubsEmulator, hub: string, fn: (p: EventHubProducerClient, c: EventHubConsumerClient) => Promise<T>): Promise<T> {
  const producer = new EventHubProducerClient(emulator.connectionString(hub));
  const consumer = new EventHubConsumerClient('$Default', emulator.connectionString(hub));
  try {
    return await fn(producer, consumer);
  } finally {
    await producer.close();
    await consumer.close();
  }
}

/** The emulator's compiled CLI, as `npm start` runs it (npm test builds dist/ first). */
function compiledEmulator(): string {
  return path.resolve(__dirname, '../../../../dist/tools/emulators/eventhubs');
}

function startCli(jsDir: string, args: string[]): Promise<{ child: ChildProcess; port: number; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [path.join(jsDir, 'main.js'), ...args], {
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => void child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Event Hubs emulator listening on 127\.0\.0\.1:(\d+)$/m.exec(out);
      if (m) resolve({ child, port: Number(m[1]), exited });
    });
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${err}`)));
  });
}

describe('durability', () => {
  it('keeps events and numbering across a clean restart', async () => {
    const dataDir = tempDir('ehemu-restart');
    const hubs = [{ name: 'keep', partitionCount: 2 }];
    const first = await startTestEmulator(hubs, { dataDir });
    const offsets = await withClients(first.emulator, 'keep', async (producer) => {
      await producer.sendBatch([{ body: 'a' }, { body: 'b' }], { partitionId: '1' });
      return (await producer.getPartitionProperties('1')).lastEnqueuedOffset;
    });
    await first.emulator.stop();

    const second = await startTestEmulator(hubs, { dataDir });
    cleanups.push(() => second.emulator.stop());
    await withClients(second.emulator, 'keep', async (producer, consumer) => {
      const props = await producer.getPartitionProperties('1');
      expect(props).toMatchObject({ lastEnqueuedSequenceNumber: 1, lastEnqueuedOffset: offsets, isEmpty: false });
      await producer.sendBatch([{ body: 'c' }], { partitionId: '1' });
      const events = await receiveEvents(consumer, 3, { partitionId: '1', startPosition: earliestEventPosition });
      expect(events.map((e) => [e.body, e.sequenceNumber])).toEqual([['a', 0], ['b', 1], ['c', 2]]);
      expect(Number(events[2].offset)).toBeGreaterThan(Number(offsets));
      // A checkpointed offset from before the restart still positions a reader.
      const after = await receiveEvents(consumer, 1, { partitionId: '1', startPosition: { offset: offsets } });
      expect(after.map((e) => e.body)).toEqual(['c']);
    });
  });

  it('acknowledged sends survive SIGKILL of the emulator process; SIGTERM stops it cleanly', async () => {
    const jsDir = compiledEmulator();
    const dataDir = tempDir('ehemu-kill');
    const cli = await startCli(jsDir, ['--data-dir', dataDir, '--port', '0', '--hub', 'crash:2:archive']);
    const body = 'y'.repeat(200);
    const producer = new EventHubProducerClient(`Endpoint=sb://127.0.0.1:${cli.port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`, 'crash');
    for (let b = 0; b < 20; b++) {
      await producer.sendBatch(Array.from({ length: 50 }, (_, i) => ({ body: { i: b * 50 + i, body } })), { partitionId: '0' });
    }
    cli.child.kill('SIGKILL'); // right after the last acknowledgement
    await cli.exited;
    await producer.close().catch(() => undefined);

    const restarted = await startTestEmulator([{ name: 'crash', partitionCount: 2, consumerGroups: ['archive'] }], { dataDir });
    await withClients(restarted.emulator, 'crash', async (p, consumer) => {
      const events = await receiveEvents(consumer, 1000, { partitionId: '0', startPosition: earliestEventPosition });
      expect(events.map((e) => (e.body as { i: number }).i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(events[999].sequenceNumber).toBe(999);
      await p.sendBatch([{ body: 'next' }], { partitionId: '0' });
      expect((await p.getPartitionProperties('0')).lastEnqueuedSequenceNumber).toBe(1000);
    });
    await restarted.emulator.stop();

    const again = await startCli(jsDir, ['--data-dir', dataDir, '--port', '0', '--hub', 'crash:2']);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('retention deletes old segments (injected clock)', async () => {
    let clock = Date.now() - 10 * 3_600_000;
    const { emulator } = await startTestEmulator([{ name: 'short', partitionCount: 1, retentionHours: 1 }], {
      now: () => clock,
      segmentMaxAgeMs: 1_000,
      retentionCheckIntervalMs: 50,
    });
    cleanups.push(() => emulator.stop());
    await withClients(emulator, 'short', async (producer, consumer) => {
      await producer.sendBatch([{ body: 'old-1' }, { body: 'old-2' }]);
      clock += 2_000;
      await producer.sendBatch([{ body: 'old-3' }]);
      clock += 2 * 3_600_000; // both old segments are now past the 1 h retention
      await producer.sendBatch([{ body: 'fresh' }]);
      const deadline = Date.now() + 5_000;
      while ((await producer.getPartitionProperties('0')).beginningSequenceNumber === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const props = await producer.getPartitionProperties('0');
      expect(props).toMatchObject({ beginningSequenceNumber: 3, lastEnqueuedSequenceNumber: 3, isEmpty: false });
      const events = await receiveEvents(consumer, 1, { partitionId: '0', startPosition: earliestEventPosition });
      expect(events.map((e) => [e.body, e.sequenceNumber])).toEqual([['fresh', 3]]);
    });
  });
});
