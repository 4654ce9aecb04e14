// The sweepLogDeletions timer function (functions/sweepLogDeletions.ts) through the local host's
// timer trigger: at its daily time it rewrites a blob a deletion left pending (the retention lock
// has let go of it) and records the sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import { DELETIONS_PREFIX, readDeletionRecords, type LogDeletionRecord } from '../../src/archive/logDeletions';
import { closeAppServices } from '../../src/app/appServices';
import { installFunctionsCoreShim } from '../../tools/local/host/functionsCoreShim';
import { silentLogger } from '../../tools/local/host/hostLogger';
import { startTimerTriggers } from '../../tools/local/host/timerTriggerHost';
import { T0, makeBatch, rawRecords, startBlobEnv, type BlobEnv } from './archiveTestKit';

let env: BlobEnv;
beforeAll(async () => {
  env = await startBlobEnv();
}, 60_000);
afterAll(async () => {
  await closeAppServices();
  await env?.stop();
});

describe('sweepLogDeletions timer', () => {
  it('rewrites the pending blobs at 02:45 UTC', async () => {
    const archive = env.container('archive');
    const decision = { id: 'd0', type: 'decision', userId: 'u', timestamp: new Date(T0).toISOString(), decision: { eventId: 'e0' } };
    const view = { id: 'v1', type: 'page_view', userId: 'u', timestamp: new Date(T0).toISOString() };
    await new ArchiveWriter(archive).write(makeBatch('0', [0, 1].map((seq) => ({ body: seq === 0 ? decision : view, sequenceNumber: seq, offset: String(seq), enqueuedTimeUtc: new Date(T0), properties: {} }))));
    const [blob] = [...new Set((await rawRecords(archive)).map((r) => r.blob))];
    const pending: LogDeletionRecord = {
      id: 'held-1', kind: 'deletion', phase: 'finished', requestedAt: new Date(T0 + 3_600_000).toISOString(), requestedBy: { operation: 'Log_Delete' },
      range: { from: null, to: null }, removed: { decisions: 0, rewards: 0, activations: 0 }, blobsRewritten: 0, pendingBlobs: [blob],
    };
    const text = JSON.stringify(pending);
    await archive.getBlockBlobClient(`${DELETIONS_PREFIX}20240506T110000000Z-held-1-finished.json`).upload(text, text.length);

    process.env.ArchiveStorage = env.az.connectionString;
    const registrations = installFunctionsCoreShim(() => {});
    await import('../../functions/sweepLogDeletions');
    expect(registrations.map((r) => r.name)).toContain('sweepLogDeletions');
    // The host's clock just before the timer's time.
    const start = Date.now();
    const base = Date.UTC(2026, 11, 6, 2, 44, 59, 500);
    const host = startTimerTriggers(registrations, {}, silentLogger, () => new Date(base + (Date.now() - start)));
    try {
      const until = Date.now() + 20_000;
      let sweep: LogDeletionRecord | undefined;
      while (!sweep && Date.now() < until) {
        sweep = (await readDeletionRecords(archive)).find((r) => r.kind === 'sweep');
        if (!sweep) await new Promise((r) => setTimeout(r, 200));
      }
      expect(sweep).toMatchObject({ sweptDeletions: ['held-1'], blobsRewritten: 1, removed: { decisions: 1 }, requestedBy: { operation: 'sweepLogDeletions timer' } });
      expect((await rawRecords(archive)).map((r) => JSON.parse(r.record.body!.toString('utf8')).id)).toEqual(['v1']);
    } finally {
      await host.close();
    }
  }, 60_000);
});
