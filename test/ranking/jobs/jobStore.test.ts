// The Personalizer API's one job store and runner against the Cosmos DB stand-in through the real
// SDK, with both kinds that use it (offline evaluations, feature importances): documents stored by
// the stores before they shared one still read (and new ones keep their shape); of many instances
// claiming at once exactly one wins (If-Match); a lapsed lease is taken over and the old owner can
// no longer renew or record; a job deleted while it runs stays deleted; the third unfinished start
// ends Failed; a released job is claimable at once without using an attempt; the runner renews its
// lease while it works, records outcomes and failures, resumes lapsed jobs, and gives its leases
// back when the instance closes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosmosClient, type Container } from '@azure/cosmos';
import { startCosmos, type CosmosEmulator } from '../../../tools/emulators/cosmos';
import { EvaluationStore, type EvaluationRecord } from '../../../src/ranking/evaluations/evaluationStore';
import { FeatureImportanceStore, type FeatureImportanceJob } from '../../../src/ranking/featureImportanceStore';
import { MAX_ATTEMPTS } from '../../../src/ranking/jobs/jobStore';
import { JobRunner } from '../../../src/ranking/jobs/jobRunner';

let cosmos: CosmosEmulator;
let client: CosmosClient;
let dataDir: string;
let containers = 0;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-store-'));
  cosmos = await startCosmos({ dataDir, port: 0 });
  client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  await client.databases.createIfNotExists({ id: 'jobs' });
});

afterAll(async () => {
  client?.dispose();
  await cosmos?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh Personalizer container (partition key /id, as PersonalizerContainer). */
async function freshContainer(): Promise<Container> {
  const { container } = await client.database('jobs').containers.createIfNotExists({ id: `personalizer-${++containers}`, partitionKey: { paths: ['/id'] } });
  return container;
}

const T = Date.parse('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(T + ms);
const LEASE = 120_000;

const evaluation = (evaluationId: string, extra: Partial<EvaluationRecord> = {}): EvaluationRecord => ({
  evaluationId,
  name: 'e',
  startTime: '2026-11-01T00:00:00.000Z',
  endTime: '2026-11-02T00:00:00.000Z',
  creationTime: at(0).toISOString(),
  status: 'NotSubmitted',
  policies: [],
  discovery: false,
  attempts: 0,
  ...extra,
});

const importance = (jobId: string, extra: Partial<FeatureImportanceJob> = {}): FeatureImportanceJob => ({
  jobId,
  name: 'fi',
  startTime: '2026-11-01T00:00:00.000Z',
  endTime: '2026-11-02T00:00:00.000Z',
  creationTime: at(0).toISOString(),
  status: 'Running',
  attempts: 0,
  ...extra,
});

describe('the job store', () => {
  it('reads the documents the two stores wrote before they shared one, and writes the same shapes', async () => {
    const container = await freshContainer();
    const evaluations = new EvaluationStore(async () => container);
    const importances = new FeatureImportanceStore(async () => container);
    // As the evaluation store wrote them: {id: evaluation-<40 hex of sha256>, kind, ...record, updatedAt}.
    const evalId = 'client/id?#1';
    const evalDocId = `evaluation-${crypto.createHash('sha256').update(evalId).digest('hex').slice(0, 40)}`;
    const result = { bucketMinutes: 60, evaluatedFrom: '2026-11-01T12:00:00.000Z', decisions: { joined: 3, trained: 1, evaluated: 2 }, policies: [], optimalPolicy: 'Online' };
    await container.items.create({ id: evalDocId, kind: 'evaluation', ...evaluation(evalId, { status: 'Succeeded', attempts: 1, result }), updatedAt: at(5).toISOString() });
    // As the feature importance store wrote them: {...job, id: featureImportance-<48 hex>, jobId, kind}, no attempts or lease.
    const fiId = 'x'.repeat(300);
    const fiDocId = `featureImportance-${crypto.createHash('sha256').update(fiId, 'utf8').digest('hex').slice(0, 48)}`;
    await container.items.create({ name: 'old', startTime: '2026-11-01T00:00:00.000Z', endTime: '2026-11-02T00:00:00.000Z', creationTime: at(1).toISOString(), status: 'Running', id: fiDocId, jobId: fiId, kind: 'featureImportance' });

    expect(await evaluations.get(evalId)).toEqual(evaluation(evalId, { status: 'Succeeded', attempts: 1, result }));
    expect(await evaluations.list()).toEqual([evaluation(evalId, { status: 'Succeeded', attempts: 1 })]); // the list leaves results in the store
    expect(await importances.get(fiId)).toEqual({ jobId: fiId, name: 'old', startTime: '2026-11-01T00:00:00.000Z', endTime: '2026-11-02T00:00:00.000Z', creationTime: at(1).toISOString(), status: 'Running', attempts: 0 });
    expect((await importances.list()).map((j) => j.jobId)).toEqual([fiId]);
    // Never started under a lease: claimable, and its first claim is attempt 1.
    expect(await importances.claim(fiId, 'me', LEASE, at(10))).toMatchObject({ status: 'Running', attempts: 1, lease: { owner: 'me' } });

    expect(await evaluations.create(evaluation('new-eval'), at(20))).toBe(true);
    expect(await evaluations.create(evaluation('new-eval'), at(21))).toBe(false);
    const evalNew = `evaluation-${crypto.createHash('sha256').update('new-eval').digest('hex').slice(0, 40)}`;
    const { resource } = await container.item(evalNew, evalNew).read();
    expect(resource).toMatchObject({ kind: 'evaluation', evaluationId: 'new-eval', status: 'NotSubmitted', updatedAt: at(20).toISOString() });
    expect(await importances.create(importance('new-fi'), at(30))).toBe(true);
    const fiNew = `featureImportance-${crypto.createHash('sha256').update('new-fi', 'utf8').digest('hex').slice(0, 48)}`;
    expect((await container.item(fiNew, fiNew).read()).resource).toMatchObject({ kind: 'featureImportance', jobId: 'new-fi', status: 'Running', attempts: 0 });
    // Each kind lists only its own jobs, newest first.
    expect((await evaluations.list()).map((e) => e.evaluationId)).toEqual([evalId, 'new-eval']); // created at once: by id
    expect((await importances.list()).map((j) => j.jobId)).toEqual([fiId, 'new-fi']);
    expect((await importances.unfinished()).map((u) => u.jobId).sort()).toEqual(['new-fi', fiId].sort());
  });

  it('lets exactly one of many instances claiming at once take a job (If-Match on the ETag)', async () => {
    const container = await freshContainer();
    const shared = new FeatureImportanceStore(async () => container);
    await shared.create(importance('contested'));
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => shared.claim('contested', `instance-${i}`, LEASE, at(0))));
    const winners = claims.filter((c) => c !== undefined);
    expect(winners).toHaveLength(1);
    const owner = winners[0]!.lease!.owner;
    expect(await shared.get('contested')).toMatchObject({ status: 'Running', attempts: 1, lease: { owner } });
    const loser = owner === 'instance-0' ? 'instance-1' : 'instance-0';
    expect(await shared.renew('contested', loser, LEASE, at(1000))).toBe(false);
    expect(await shared.finish('contested', loser, { status: 'Succeeded' }, at(1000))).toBe(false);
    expect(await shared.claim('contested', loser, LEASE, at(LEASE - 1))).toBeUndefined();
  });

  it('takes over a lapsed lease; the old owner can no longer renew or record; finished jobs are not claimed', async () => {
    const container = await freshContainer();
    const store = new EvaluationStore(async () => container);
    await store.create(evaluation('e1'));
    expect(await store.claim('e1', 'a', LEASE, at(0))).toMatchObject({ status: 'Running', attempts: 1 });
    expect(await store.renew('e1', 'a', LEASE, at(60_000))).toBe(true);
    expect((await store.get('e1'))!.lease).toEqual({ owner: 'a', until: at(60_000 + LEASE).toISOString() });
    expect(await store.claim('e1', 'b', LEASE, at(60_000 + LEASE - 1))).toBeUndefined();
    expect(await store.claim('e1', 'b', LEASE, at(60_000 + LEASE + 1))).toMatchObject({ status: 'Running', attempts: 2, lease: { owner: 'b' } });
    expect(await store.renew('e1', 'a', LEASE, at(200_000))).toBe(false);
    expect(await store.fail('e1', 'a', 'late', at(200_000))).toBe(false);
    expect(await store.finish('e1', 'b', { status: 'OnlinePolicyRetained', description: 'kept' }, at(210_000))).toBe(true);
    const done = await store.get('e1');
    expect(done).toMatchObject({ status: 'OnlinePolicyRetained', description: 'kept', attempts: 2 });
    expect(done!.lease).toBeUndefined();
    expect(await store.claim('e1', 'c', LEASE, at(999_999))).toBeUndefined();
    expect(await store.unfinished()).toEqual([]);
  });

  it('marks a job Failed instead of starting it a fourth time', async () => {
    const container = await freshContainer();
    const s = new FeatureImportanceStore(async () => container);
    await s.create(importance('tired'));
    for (let i = 0; i < MAX_ATTEMPTS; i++) expect(await s.claim('tired', `run-${i}`, LEASE, at(i * 2 * LEASE))).toMatchObject({ attempts: i + 1 });
    expect(await s.claim('tired', 'run-3', LEASE, at(MAX_ATTEMPTS * 2 * LEASE))).toBeUndefined();
    const failed = await s.get('tired');
    expect(failed).toMatchObject({ status: 'Failed', attempts: 3, description: 'the feature importance was started 3 times and never finished (its process stopped each time)' });
    expect(failed!.lease).toBeUndefined();
  });

  it('keeps a job deleted while it runs deleted, and gives a released job back without using an attempt', async () => {
    const container = await freshContainer();
    const store = new EvaluationStore(async () => container);
    await store.create(evaluation('gone'));
    await store.claim('gone', 'a', LEASE, at(0));
    expect(await store.delete('gone')).toBe(true);
    expect(await store.delete('gone')).toBe(false);
    expect(await store.renew('gone', 'a', LEASE, at(1))).toBe(false);
    expect(await store.finish('gone', 'a', { status: 'Succeeded' }, at(2))).toBe(false);
    expect(await store.get('gone')).toBeUndefined();

    await store.create(evaluation('handed-back'));
    await store.claim('handed-back', 'a', LEASE, at(0));
    expect(await store.release('handed-back', 'b', at(1))).toBe(false);
    expect(await store.release('handed-back', 'a', at(1))).toBe(true);
    const released = await store.get('handed-back');
    expect(released).toMatchObject({ status: 'Running', attempts: 0 });
    expect(released!.lease).toBeUndefined();
    expect(await store.claim('handed-back', 'b', LEASE, at(2))).toMatchObject({ attempts: 1, lease: { owner: 'b' } });
  });
});

describe('the job runner', () => {
  it('renews its lease while the work runs and records the outcome', async () => {
    const container = await freshContainer();
    const store = new FeatureImportanceStore(async () => container);
    await store.create(importance('slow'));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runner = new JobRunner<FeatureImportanceJob>({
      store,
      owner: 'here',
      leaseMs: 1500,
      work: async (job) => {
        await gate;
        return { status: 'Succeeded', decisions: job.attempts * 100, description: 'done' };
      },
      failure: () => 'failed',
    });
    expect(await runner.start('slow')).toBe(true);
    expect(await runner.start('slow')).toBe(true); // already running here: not claimed twice
    const first = Date.parse((await store.get('slow'))!.lease!.until);
    // The heartbeat (every max(1 s, lease / 3)) pushes the lease on while the work waits.
    let later = first;
    for (let i = 0; i < 40 && later <= first; i++) {
      await new Promise((r) => setTimeout(r, 100));
      later = Date.parse((await store.get('slow'))!.lease!.until);
    }
    expect(later).toBeGreaterThan(first);
    expect(await store.get('slow')).toMatchObject({ status: 'Running', attempts: 1 });
    release();
    await runner.idle();
    const done = await store.get('slow');
    expect(done).toMatchObject({ status: 'Succeeded', decisions: 100, description: 'done', attempts: 1 });
    expect(done!.lease).toBeUndefined();
  });

  it('resumes lapsed jobs only, records a failure with its reason, and gives leases back on close', async () => {
    const container = await freshContainer();
    const store = new FeatureImportanceStore(async () => container);
    const now = Date.now();
    await store.create(importance('lapsed', { attempts: 1, lease: { owner: 'dead', until: new Date(now - 1).toISOString() } }));
    await store.create(importance('held', { attempts: 1, lease: { owner: 'alive', until: new Date(now + LEASE).toISOString() } }));
    await store.create(importance('broken', { attempts: 1, lease: { owner: 'dead', until: new Date(now - 1).toISOString() } }));
    await store.create(importance('finished', { status: 'Succeeded', attempts: 1 }));
    const logs: string[] = [];
    const runner = new JobRunner<FeatureImportanceJob>({
      store,
      owner: 'restarted',
      work: async (job) => {
        if (job.jobId === 'broken') throw new Error('no model yet');
        return { status: 'Succeeded' };
      },
      failure: (error) => `data: ${(error as Error).message}`,
      log: (m) => logs.push(m),
    });
    expect(await runner.resume()).toBe(2);
    await runner.idle();
    expect(await store.get('lapsed')).toMatchObject({ status: 'Succeeded', attempts: 2 });
    expect(await store.get('broken')).toMatchObject({ status: 'Failed', attempts: 2, description: 'data: no model yet' });
    expect(await store.get('held')).toMatchObject({ status: 'Running', lease: { owner: 'alive' } });
    expect(await store.get('finished')).toMatchObject({ status: 'Succeeded', attempts: 1 });
    expect(await runner.resume()).toBe(0);

    // An instance closing while a job runs gives its lease back; another takes it over at once.
    await store.create(importance('interrupted'));
    let finishFirst!: () => void;
    const stuck = new Promise<void>((r) => (finishFirst = r));
    const closing = new JobRunner<FeatureImportanceJob>({ store, owner: 'closing', work: async () => (await stuck, { status: 'Succeeded', description: 'from the closed instance' }), failure: () => 'x', log: (m) => logs.push(m) });
    expect(await closing.start('interrupted')).toBe(true);
    await closing.close();
    expect(await closing.start('interrupted')).toBe(false);
    expect(await store.get('interrupted')).toMatchObject({ status: 'Running', attempts: 0 });
    const next = new JobRunner<FeatureImportanceJob>({ store, owner: 'next', work: async () => ({ status: 'Succeeded', description: 'from the next instance' }), failure: () => 'x' });
    expect(await next.resume()).toBe(1);
    await next.idle();
    finishFirst();
    await closing.idle();
    expect(await store.get('interrupted')).toMatchObject({ status: 'Succeeded', attempts: 1, description: 'from the next instance' });
    expect(logs.join('\n')).toContain('feature importance interrupted: not recorded');
  });
});
