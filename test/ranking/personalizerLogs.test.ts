// Personalizer's log and feature-importance operations through the local host, against Azurite,
// the Cosmos DB stand-in and the Event Hubs emulator:
// - Log_Interactions / Log_Observations: uploaded decisions and rewards are published like rank's,
//   and (archived as archiveEvents would) join training;
// - FeatureImportances: on a model trained from a log where only the user's tier matters, the
//   job runs asynchronously and puts user.tier (and the namespace user) first; the resume timer
//   takes over a job whose runner died (its lease lapsed) and fails one started three times;
// - Log_Delete: a date range, then everything, leaves the archive's training view and the Capture
//   blobs (client events stay), with audit records, and Log_GetProperties follows; a tombstone
//   hides what the retention lock keeps, and a later deletion's sweep rewrites it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import { readArchive } from '../../src/archive/archiveReader';
import { DELETIONS_PREFIX, readDeletionRecords, type LogDeletionRecord } from '../../src/archive/logDeletions';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { decisionEvent, rewardEvent, type DecisionRecord } from '../../src/events/learningEvents';
import { SeededRandom } from '../../src/learners/random';
import { runTraining } from '../../src/training';
import { readLoggedEvents } from '../../src/training/offers/readLoggedEvents';
import { joinRewards } from '../../src/training/offers/rewardJoin';
import { archiveTrackedEvents } from '../../tools/synthetic/decisions/archiveTrackedEvents';
import { appServices } from '../../src/app/appServices';
import { InvocationContext } from '@azure/functions';
import { installFunctionsCoreShim } from '../../tools/local/host/functionsCoreShim';
import { PREVIEW } from '../../src/ranking/http/personalizerApi';
import { startRankingStack, type RankingStack } from './fixtures/rankingStack';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();
/** The synthetic log: two days, ending a day ago (every reward wait has passed). */
const LOG_START = Math.floor((NOW - 3 * DAY) / HOUR) * HOUR;
const DECISIONS = 2400;
const SPACING = Math.floor((2 * DAY) / DECISIONS);

/**
 * Decisions over three offers chosen uniformly at random; the click probability depends only on
 * the user's tier (gold 0.7, basic 0.1), not on the channel, the discount or the offer.
 */
function tierLog(): { events: TrackedEvent[]; decisions: DecisionRecord[] } {
  const rng = new SeededRandom(11);
  const events: TrackedEvent[] = [];
  const decisions: DecisionRecord[] = [];
  for (let i = 0; i < DECISIONS; i++) {
    const issuedAtMs = LOG_START + i * SPACING;
    const tier = rng.next() < 0.4 ? 'gold' : 'basic';
    const actions = ['a', 'b', 'c'].map((id) => ({ id, features: [{ offer: { discount: Math.round(rng.next() * 30) / 100, kind: id } }], prior: 0.1, score: Number.NaN, probability: 1 / 3, excluded: false }));
    const chosen = actions[rng.int(3)].id;
    const record: DecisionRecord = {
      eventId: `tier-${i}`,
      source: 'rank',
      issuedAtMs,
      userId: `u-${rng.int(500)}`,
      segment: 'all',
      contextFeatures: [{ user: { tier } }, { site: { channel: rng.next() < 0.5 ? 'web' : 'app' } }],
      actions,
      ranking: [chosen, ...actions.map((a) => a.id).filter((id) => id !== chosen)],
      rewardActionId: chosen,
      greedyActionId: 'a',
      explored: true,
      epsilon: 1,
      model: null,
      profile: null,
      activated: true,
      reward: { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1 },
    };
    decisions.push(record);
    events.push(decisionEvent(record, new Date(issuedAtMs)));
    if (rng.next() < (tier === 'gold' ? 0.7 : 0.1)) {
      events.push(rewardEvent({ eventId: record.eventId, issuedAtMs, userId: record.userId, rewardActionId: chosen, value: 1 }, new Date(issuedAtMs + 30_000)));
    }
  }
  return { events, decisions };
}

/** Client events beside the decisions: they must survive every log deletion. */
function pageViews(n: number): TrackedEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(LOG_START + i * Math.floor((2 * DAY) / n) + 1000).toISOString();
    return { id: `pv-${i}`, type: 'page_view', userId: `u-${i % 50}`, timestamp: at, receivedAt: at, schemaVersion: 1 } as TrackedEvent;
  });
}

let stack: RankingStack;
let archive: ContainerClient;
let writer: ArchiveWriter;
let nextSeq: Record<string, number> = {};

async function archiveEvents(events: readonly TrackedEvent[], enqueuedAtMs?: (e: TrackedEvent) => number): Promise<void> {
  nextSeq = await archiveTrackedEvents(writer, events, { partitions: 2, firstSequence: nextSeq, ...(enqueuedAtMs ? { enqueuedAtMs } : {}) });
}

const api = (path: string, init: RequestInit = {}) => {
  const url = `${stack.url}/personalizer/${path}${path.includes('?') ? '&' : '?'}api-version=${PREVIEW}`;
  return fetch(url, { ...init, headers: { 'Ocp-Apim-Subscription-Key': stack.apiKeys[0], 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
};

async function countArchived(): Promise<{ learning: number; pageViews: number }> {
  let learning = 0;
  let views = 0;
  for await (const e of readArchive(archive)) {
    const type = (JSON.parse(e.body.toString('utf8')) as { type: string }).type;
    if (type === 'page_view') views++;
    else learning++;
  }
  return { learning, pageViews: views };
}

beforeAll(async () => {
  stack = await startRankingStack({ env: { 'AzureWebJobs.retrainModel.Disabled': 'true' } });
  archive = BlobServiceClient.fromConnectionString(process.env.ArchiveStorage!).getContainerClient('archive');
  await archive.createIfNotExists();
  writer = new ArchiveWriter(archive, { windowMinutes: 60 });
  const log = tierLog();
  await archiveEvents([...log.events, ...pageViews(200)]);
  const result = await runTraining({
    modelName: 'offer-ranker',
    archive: { container: archive },
    registry: BlobServiceClient.fromConnectionString(process.env.ArchiveStorage!).getContainerClient('models'),
    now: () => new Date(NOW),
    gates: { minDecisions: 500, minPositives: 100, policyValueMargin: 1 },
    gbdt: { nEstimators: 60 },
  });
  expect(result.status, result.reason).toBe('promoted');
}, 180_000);
/** Waits for the feature importance jobs this process runs (the host's instance is this process). */
const settleFeatureImportanceJobs = () => appServices().ranking().featureImportanceJobs.idle();

afterAll(async () => {
  await settleFeatureImportanceJobs();
  await stack?.stop();
}, 30_000);

describe('Log_Interactions and Log_Observations', () => {
  const interaction = (eventId: string, at: string) => ({
    eventId,
    timestamp: at,
    request: { contextFeatures: [{ user: { tier: 'gold' } }], actions: [{ id: 'a', features: [{ offer: { discount: 0.1 } }] }, { id: 'b', features: [{ offer: { discount: 0 } }] }] },
    response: { ranking: [{ id: 'b', probability: 0.9 }, { id: 'a', probability: 0.1 }], rewardActionId: 'b' },
  });

  it('publishes uploaded decisions and rewards, which join training like rank decisions', async () => {
    const at = new Date(NOW - 2 * HOUR).toISOString();
    const later = new Date(NOW - 2 * HOUR + 60_000).toISOString();
    const up = await api('logs/interactions', { method: 'POST', body: JSON.stringify([interaction('ext-1', at), interaction('ext-2', at)]) });
    expect(up.status, await up.clone().text()).toBe(204);
    const obs = await api('logs/observations', { method: 'POST', body: JSON.stringify([{ eventId: 'ext-1', value: 1, timestamp: later }, { eventId: 'ext-2', activated: true, timestamp: later }]) });
    expect(obs.status, await obs.clone().text()).toBe(204);
    const uploaded = (e: { body: TrackedEvent }) => JSON.stringify(e.body).includes('"ext-');
    const received = await stack.waitForEvents((events) => events.filter(uploaded).length >= 4);
    const mine = received.filter(uploaded).map((e) => e.body);
    expect(mine.map((e) => e.type).sort()).toEqual(['activation', 'decision', 'decision', 'reward']);

    // archiveEvents' part, then the trainer's view.
    await archiveEvents(mine, () => NOW - HOUR);
    const log = await readLoggedEvents({ container: archive }, { from: new Date(NOW - 3 * HOUR) });
    const joined = joinRewards(log, { nowMs: NOW, fromMs: NOW - 3 * HOUR }).joined;
    expect(joined.map((j) => [j.decision.eventId, j.reward, j.decision.actions[j.decision.chosen].probability])).toEqual([
      ['ext-1', 1, 0.9],
      ['ext-2', 0, 0.9],
    ]);
  });

  it('refuses a bad upload with a 400 naming the field, and publishes nothing of it', async () => {
    const before = stack.received.length;
    const cases: [string, unknown, string][] = [
      ['logs/interactions', [interaction('x-1', new Date().toISOString()), { ...interaction('x-2', new Date().toISOString()), response: { ranking: [{ id: 'b', probability: 1 }], rewardActionId: 'zzz' } }], '[1].response.rewardActionId'],
      ['logs/interactions', [{ ...interaction('x-3', new Date().toISOString()), request: { actions: [] } }], '[0].request.actions'],
      ['logs/interactions', { not: 'an array' }, 'body'],
      ['logs/observations', [{ eventId: 'x-1', value: 'high' }], '[0].value'],
      ['logs/observations', [{ eventId: 'x-1', value: 1, timestamp: 'yesterday' }], '[0].timestamp'],
      ['logs/observations', [{ value: 1 }], '[0].eventId'],
      ['logs/observations', [{ eventId: 'x-1', value: 1, extra: true }], '[0].extra'],
    ];
    for (const [path, body, target] of cases) {
      const res = await api(path, { method: 'POST', body: JSON.stringify(body) });
      expect(res.status, target).toBe(400);
      const json = (await res.json()) as { error: { code: string; target: string; message: string } };
      expect(json.error.target).toBe(target);
      expect(json.error.message.startsWith(`${target}: `)).toBe(true);
    }
    const binary = await api('logs/interactions', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0x0c, 0x00, 0x00, 0x00, 0x08, 0x00]) });
    expect(binary.status).toBe(400);
    expect(((await binary.json()) as { error: { message: string } }).error.message).toMatch(/^body: is not JSON: Vowpal Wabbit's binary/);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.received.length).toBe(before);
  });
});

describe('FeatureImportances', () => {
  it('computes permutation importances of the served model on the window asynchronously, user.tier first', async () => {
    const body = { name: 'tier check', startTime: new Date(LOG_START).toISOString(), endTime: new Date(LOG_START + 2 * DAY).toISOString() };
    const created = await api('featureImportances/fi-1', { method: 'PUT', body: JSON.stringify(body) });
    expect(created.status, await created.clone().text()).toBe(200);
    const again = await api('featureImportances/fi-1', { method: 'PUT', body: JSON.stringify(body) });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { innerError: { code: 'FeatureImportanceAlreadyExists' } } });

    let job: { status: string; featureScores?: { namespace: string; featureName: string; score: number }[]; namespaceScores?: { namespace: string; score: number }[]; description?: string } = { status: 'Running' };
    const until = Date.now() + 60_000;
    while (job.status === 'Running' && Date.now() < until) {
      job = (await (await api('featureImportances/fi-1')).json()) as typeof job;
      if (job.status === 'Running') await new Promise((r) => setTimeout(r, 200));
    }
    expect(job.status, job.description).toBe('Succeeded');
    const scores = job.featureScores!;
    expect(scores[0]).toMatchObject({ namespace: 'user', featureName: 'tier', score: 1 });
    expect((scores[0] as unknown as { lossIncrease: number }).lossIncrease).toBeGreaterThan(0.1);
    // Sorted, normalised, and everything else matters far less than the tier.
    expect(scores.map((s) => s.score)).toEqual([...scores.map((s) => s.score)].sort((a, b) => b - a));
    for (const s of scores.slice(1)) expect(s.score, `${s.namespace}.${s.featureName}`).toBeLessThan(0.2);
    expect(job.namespaceScores![0]).toMatchObject({ namespace: 'user', score: 1 });
    expect(job.namespaceScores!.find((n) => n.namespace === 'site')?.score ?? 0).toBeLessThan(0.2);

    const list = (await (await api('featureImportances?maxpagesize=1')).json()) as { value: { id: string; status: string }[]; nextLink?: string };
    expect(list.value).toEqual([expect.objectContaining({ id: 'fi-1', status: 'Succeeded', name: 'tier check' })]);
    expect(list.nextLink).toBeUndefined();
  }, 90_000);

  it('fails a job whose window holds no logged decisions, saying why; deletes jobs', async () => {
    const created = await api('featureImportances/empty', { method: 'PUT', body: JSON.stringify({ name: 'nothing', startTime: '2020-01-01T00:00:00Z', endTime: '2020-01-02T00:00:00Z' }) });
    expect(created.status).toBe(200);
    await settleFeatureImportanceJobs();
    const job = (await (await api('featureImportances/empty')).json()) as { status: string; description: string };
    expect(job).toMatchObject({ status: 'Failed' });
    expect(job.description).toMatch(/no decisions/);
    const bad = await api('featureImportances/bad', { method: 'PUT', body: JSON.stringify({ name: 'x', startTime: '2020-01-02T00:00:00Z', endTime: '2020-01-01T00:00:00Z' }) });
    expect(await bad.json()).toMatchObject({ error: { target: 'endTime' } });
    expect((await api('featureImportances/empty', { method: 'DELETE' })).status).toBe(204);
    expect((await api('featureImportances/empty')).status).toBe(404);
    expect(((await (await api('featureImportances')).json()) as { value: { id: string }[] }).value.map((v) => v.id)).toEqual(['fi-1']);
  }, 60_000);

  it('takes over a job whose runner died once its lease ran out (the resume timer), and fails one started three times', async () => {
    const store = appServices().ranking().featureImportanceStore;
    const past = new Date(Date.now() - 1000).toISOString();
    const base = { name: 'orphan', startTime: new Date(LOG_START).toISOString(), endTime: new Date(LOG_START + 2 * DAY).toISOString(), creationTime: new Date().toISOString(), status: 'Running' as const };
    // Runners that died mid-run (their leases lapsed), one alive elsewhere, one that never finished three times.
    await store.create({ ...base, jobId: 'fi-orphan', attempts: 1, lease: { owner: 'stopped-instance', until: past } });
    await store.create({ ...base, jobId: 'fi-held', attempts: 1, lease: { owner: 'live-instance', until: new Date(Date.now() + 3_600_000).toISOString() } });
    await store.create({ ...base, jobId: 'fi-tired', attempts: 3, lease: { owner: 'stopped-instance', until: past } });
    // A job stored before jobs had leases (no attempts, no lease) is read as never started under one.
    await store.create({ ...base, jobId: 'fi-legacy' } as Parameters<typeof store.create>[0]);
    // Nobody took this one over for half an hour (the timer was off): the API reports Timeout until one does.
    await store.create({ ...base, jobId: 'fi-stale', attempts: 1, lease: { owner: 'stopped-instance', until: new Date(Date.now() - 31 * 60_000).toISOString() } });
    expect(await (await api('featureImportances/fi-stale')).json()).toMatchObject({ status: 'Timeout' });
    const before = (await (await api('featureImportances/fi-orphan')).json()) as Record<string, unknown>;
    expect(before).toMatchObject({ id: 'fi-orphan', status: 'Running' });
    expect(Object.keys(before)).not.toContain('lease');
    expect(Object.keys(before)).not.toContain('attempts');
    expect(Object.keys(before)).not.toContain('jobId');

    const registrations = installFunctionsCoreShim(() => {});
    await import('../../functions/resumePersonalizerJobs');
    const timer = registrations.find((r) => r.name === 'resumePersonalizerJobs')!;
    expect(timer.trigger).toMatchObject({ type: 'timerTrigger', schedule: '30 * * * * *' });
    const logs: string[] = [];
    await timer.handler({ isPastDue: false }, new InvocationContext({ functionName: 'resumePersonalizerJobs', logHandler: (_level, ...args) => logs.push(args.join(' ')) }));
    expect(logs.join('\n')).toContain('resumed 3 feature importance(s)');

    for (const id of ['fi-orphan', 'fi-legacy', 'fi-stale']) {
      const job = (await (await api(`featureImportances/${id}`)).json()) as { status: string; description?: string; featureScores: { namespace: string; featureName: string; score: number }[] };
      expect(job.status, job.description).toBe('Succeeded');
      expect(job.featureScores[0]).toMatchObject({ namespace: 'user', featureName: 'tier', score: 1 });
    }
    const orphan = await store.get('fi-orphan');
    expect(orphan).toMatchObject({ status: 'Succeeded', attempts: 2 });
    expect(orphan!.lease).toBeUndefined();
    expect(await store.get('fi-legacy')).toMatchObject({ status: 'Succeeded', attempts: 1 });
    expect(await store.get('fi-held')).toMatchObject({ status: 'Running', attempts: 1, lease: { owner: 'live-instance' } });
    const tired = (await (await api('featureImportances/fi-tired')).json()) as { status: string; description: string };
    expect(tired).toMatchObject({ status: 'Failed', description: expect.stringMatching(/feature importance was started 3 times and never finished/) });
    // Nothing left to take over: a second tick starts nothing.
    logs.length = 0;
    await timer.handler({ isPastDue: false }, new InvocationContext({ functionName: 'resumePersonalizerJobs', logHandler: (_level, ...args) => logs.push(args.join(' ')) }));
    expect(logs.join('\n')).not.toContain('resumed');
    for (const id of ['fi-orphan', 'fi-held', 'fi-tired', 'fi-legacy', 'fi-stale']) expect((await api(`featureImportances/${id}`, { method: 'DELETE' })).status).toBe(204);
  }, 120_000);
});

describe('Log_Delete', () => {
  const properties = async () => ((await (await api('logs/properties')).json()) as { dateRange: { from?: string; to?: string } }).dateRange;
  const records = async () => (await readDeletionRecords(archive)).filter((r) => r.phase === 'finished' || r.kind === 'sweep');

  it('deletes a date range from the training view and the blobs, keeps client events, and records who, when, what', async () => {
    const before = await countArchived();
    const from = new Date(LOG_START).toISOString();
    const to = new Date(LOG_START + DAY).toISOString();
    const res = await api(`logs?from=${from}&to=${to}`, { method: 'DELETE', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status, await res.clone().text()).toBe(204);

    const log = await readLoggedEvents({ container: archive });
    const issued = [...log.decisions.values()].map((d) => d.issuedAtMs);
    expect(issued.filter((t) => t < LOG_START + DAY)).toEqual([]);
    expect(issued.filter((t) => t >= LOG_START + DAY).length).toBeGreaterThan(DECISIONS / 2 - 20);
    // The blobs were rewritten, not just hidden: nothing is left for the tombstone to hide.
    expect(log.stats.deletedByTombstone).toBe(0);
    const after = await countArchived();
    expect(after.pageViews).toBe(before.pageViews);
    const [record] = await records();
    expect(record).toMatchObject({ kind: 'deletion', range: { from, to }, requestedBy: { operation: 'Log_Delete', clientAddress: '203.0.113.9' }, pendingBlobs: [] });
    expect(record.requestedBy.apiKeyFingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(record)).not.toContain(stack.apiKeys[0]);
    expect(record.removed.decisions).toBeGreaterThan(DECISIONS / 2 - 20);
    expect(record.removed.decisions + record.removed.rewards).toBe(before.learning - after.learning);
    // The logs now start where the deleted range ended (the archive's hour windows).
    expect((await properties()).from).toBe(new Date(LOG_START + DAY).toISOString());
  }, 60_000);

  it('hides what the retention lock keeps (tombstone), and a later deletion sweeps it', async () => {
    // As Azure leaves it when the lock refused the rewrite: a finished deletion with a pending blob.
    const blob = (await (async () => {
      for await (const b of archive.listBlobsFlat()) if (b.name.endsWith('.avro')) {
        for await (const e of readArchive(archive, { prefix: b.name })) if (JSON.parse(e.body.toString('utf8')).type === 'decision') return b.name;
      }
      return undefined;
    })())!;
    expect(blob).toBeDefined();
    const locked: LogDeletionRecord = {
      id: 'locked-1', kind: 'deletion', phase: 'finished', requestedAt: new Date().toISOString(), requestedBy: { operation: 'Log_Delete' },
      range: { from: null, to: null }, removed: { decisions: 0, rewards: 0, activations: 0 }, blobsRewritten: 0, pendingBlobs: [blob],
    };
    const text = JSON.stringify(locked);
    await archive.getBlockBlobClient(`${DELETIONS_PREFIX}00000000T000000000Z-locked-1-finished.json`).upload(text, text.length);
    const hidden = await readLoggedEvents({ container: archive });
    expect(hidden.decisions.size).toBe(0);
    expect(hidden.stats.deletedByTombstone).toBeGreaterThan(0);
    expect((await countArchived()).learning).toBeGreaterThan(0);

    // The next deletion (here of a range with nothing in it) sweeps the pending blob.
    expect((await api('logs?from=2020-01-01&to=2020-01-02', { method: 'DELETE' })).status).toBe(204);
    const sweep = (await records()).find((r) => r.kind === 'sweep');
    expect(sweep).toMatchObject({ sweptDeletions: ['locked-1'], pendingBlobs: [], blobsRewritten: 1 });
    expect(sweep!.removed.decisions).toBeGreaterThan(0);
  }, 60_000);

  it('deletes everything (the definition: no range), and Log_GetProperties then has no date range', async () => {
    expect((await api('logs', { method: 'DELETE' })).status).toBe(204);
    expect((await countArchived()).learning).toBe(0);
    expect((await countArchived()).pageViews).toBe(200);
    expect(await properties()).toEqual({});
    // v1.0 too.
    const v1 = await fetch(`${stack.url}/personalizer/v1.0/logs`, { method: 'DELETE', headers: { 'Ocp-Apim-Subscription-Key': stack.apiKeys[0] } });
    expect(v1.status).toBe(204);
    const bad = await api('logs?from=last-week', { method: 'DELETE' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { target: 'from' } });
  }, 60_000);
});
