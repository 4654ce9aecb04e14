// Offline evaluations end to end through the local host (Event Hubs emulator, Azurite, Cosmos DB
// stand-in): decisions and rewards logged through the API and archived as archiveEvents does, an
// evaluation created (v1.0 POST and preview PUT), answered at once, polled to completion, its
// results valid against the definitions' schemas; on a synthetic log with known click
// probabilities the Random and Baseline policies' intervals hold their true values; applying a
// policy changes the learning settings; a failure is recorded with its reason; an evaluation
// whose instance stopped is resumed from its lapsed lease.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../../src/archive/archiveWriter';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { appServices } from '../../src/app/appServices';
import { EvaluationJobs } from '../../src/training/evaluations/evaluationJobs';
import { archiveTrackedEvents } from '../../tools/synthetic/decisions/archiveTrackedEvents';
import { generateDecisionLog, type SyntheticLog } from '../../tools/synthetic/decisions/syntheticDecisionLog';
import { startRankingStack, type RankingStack } from './fixtures/rankingStack';
import { InvocationContext } from '@azure/functions';
import { installFunctionsCoreShim } from '../../tools/local/host/functionsCoreShim';

const SHARED = path.join(__dirname, '..', '..', '..', 'shared', 'personalizer-api');
const PREVIEW = '2022-09-01-preview';
const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['float', 'int32', 'int64', 'double', 'binary']) ajv.addFormat(f, true);
for (const [family, folder] of [['v1.0', 'stable-v1.0'], [PREVIEW, '2022-09-01-preview']]) {
  ajv.addSchema({ $id: family, definitions: JSON.parse(fs.readFileSync(path.join(SHARED, folder, 'Personalizer.json'), 'utf8')).definitions });
}
function expectValid(family: string, definition: string, body: unknown, array = false): void {
  const validate: ValidateFunction = ajv.compile(array ? { type: 'array', items: { $ref: `${family}#/definitions/${definition}` } } : { $ref: `${family}#/definitions/${definition}` });
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
}

describe('offline evaluations through the host', () => {
  let stack: RankingStack;
  let archive: ContainerClient;
  let synthetic: SyntheticLog;
  let liveFrom: string;
  let liveTo: string;
  const headers = () => ({ 'Ocp-Apim-Subscription-Key': stack.apiKeys[0], 'content-type': 'application/json' });
  const v1 = (p: string, init: RequestInit = {}) => fetch(`${stack.url}/personalizer/v1.0${p}`, { ...init, headers: headers() });
  const preview = (p: string, init: RequestInit = {}, query = '') => fetch(`${stack.url}/personalizer${p}?api-version=${PREVIEW}${query}`, { ...init, headers: headers() });

  async function pollV1(id: string, ms = 90_000): Promise<Record<string, any>> {
    const end = Date.now() + ms;
    for (;;) {
      const res = await v1(`/evaluations/${id}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, any>;
      if (body.status === 'completed' || body.status === 'failed') return body;
      if (Date.now() > end) throw new Error(`evaluation ${id} still ${body.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    stack = await startRankingStack({ env: { RankingRewardWaitSeconds: '5', 'AzureWebJobs.retrainModel.Disabled': 'true' } });
    archive = BlobServiceClient.fromConnectionString(process.env.ArchiveStorage!).getContainerClient('archive');
    await archive.createIfNotExists();
    const writer = new ArchiveWriter(archive, { windowMinutes: 60 });

    // Live traffic: 240 rank calls through the host, the second action rewarded more often.
    liveFrom = new Date().toISOString();
    const actions = ['a', 'b', 'c'].map((id, i) => ({ id, features: [{ kind: id, price: 10 * (i + 1) }] }));
    let rewards = 0;
    for (let i = 0; i < 240; i++) {
      const res = await v1('/rank', { method: 'POST', body: JSON.stringify({ contextFeatures: [{ device: i % 2 ? 'mobile' : 'desktop' }], actions }) });
      expect(res.status).toBe(201);
      const ranked = (await res.json()) as { eventId: string; rewardActionId: string };
      const p = ranked.rewardActionId === 'b' ? 0.6 : 0.2;
      if ((i * 7919) % 100 < p * 100) {
        rewards++;
        expect((await v1(`/events/${ranked.eventId}/reward`, { method: 'POST', body: JSON.stringify({ value: 1 }) })).status).toBe(204);
      }
    }
    const received = await stack.waitForEvents((e) => e.length >= 240 + rewards, 30_000);
    const live = received.flatMap((e) => (Array.isArray(e.body) ? (e.body as TrackedEvent[]) : [e.body]));
    // archiveEvents' work: the hub's events into the Capture archive.
    const next = await archiveTrackedEvents(writer, live, { partitions: 2 });
    liveTo = new Date(Date.now() + 1000).toISOString();

    // A synthetic log (known click probabilities) two days long, a month earlier.
    synthetic = generateDecisionLog({ decisions: 3000, startMs: T0, seed: 7 });
    await archiveTrackedEvents(writer, synthetic.events, { partitions: 2, firstSequence: next, enqueuedAtMs: (e) => Date.parse(e.receivedAt) + 5 });
    // The rewards' wait (5 s) must be over before the live decisions count.
    await new Promise((r) => setTimeout(r, 5500));
  }, 120_000);
  afterAll(async () => stack?.stop(), 30_000);

  it('creates (v1.0), answers at once, runs in the background and completes with schema-valid per-interval results', async () => {
    const created = await v1('/evaluations', {
      method: 'POST',
      body: JSON.stringify({
        name: 'live traffic',
        startTime: liveFrom,
        endTime: liveTo,
        policies: [
          { name: 'less exploration', arguments: '--cb_explore_adf --epsilon 0.05 --dsjson -l 0.5' },
          { name: 'squarecb', arguments: '--cb_explore_adf --squarecb --gamma_scale 100' },
        ],
        enableOfflineExperimentation: true,
      }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Record<string, any>;
    expectValid('v1.0', 'Evaluation', body);
    expect(body.status).toBe('pending');
    expect(created.headers.get('location')).toBe(`${stack.url}/personalizer/v1.0/evaluations/${body.id}`);

    const done = await pollV1(body.id);
    expect(done.status, done.description).toBe('completed');
    expectValid('v1.0', 'Evaluation', done);
    const names = done.policyResults.map((p: { name: string }) => p.name);
    expect(names).toEqual(['Online', 'Baseline', 'Random', 'less exploration', 'squarecb', 'Optimized learning settings']);
    const online = done.policyResults[0];
    expect(online.policySource).toBe('Online');
    // The online policy's weights are all 1: its IPS is the evaluated decisions' mean reward.
    expect(online.totalSummary.ipsEstimatorDenominator).toBe(done.decisions.evaluated);
    expect(online.totalSummary.snipsEstimatorDenominator).toBeCloseTo(done.decisions.evaluated, 6);
    expect(done.decisions.trained + done.decisions.evaluated).toBe(240);
    for (const p of done.policyResults) {
      const n = p.summary.reduce((s: number, x: { ipsEstimatorDenominator: number }) => s + x.ipsEstimatorDenominator, 0);
      expect(n, p.name).toBe(done.decisions.evaluated);
      expect(p.totalSummary.estimates.dr.confidenceInterval[0]).toBeLessThanOrEqual(p.totalSummary.estimates.dr.value);
    }
    expect(names).toContain(done.optimalPolicy);
    for (const tier of done.featureImportance) for (const column of tier) expect(typeof column).toBe('string');

    const list = await v1('/evaluations');
    const listed = (await list.json()) as unknown[];
    expectValid('v1.0', 'Evaluation', listed, true);
    expect(listed.map((e: any) => e.id)).toContain(body.id);
  }, 120_000);

  it('creates (preview PUT) with the client’s id; Get aggregates per interval, expanding or rolling; the estimates hold the known values', async () => {
    const id = 'synthetic-month';
    const put = await preview(`/evaluations/${id}`, {
      method: 'PUT',
      body: JSON.stringify({ name: 'synthetic', startTime: new Date(T0).toISOString(), endTime: new Date(T0 + 60 * HOUR).toISOString(), policies: [{ name: 'Greedy-ish', arguments: '--epsilon 0.01' }] }),
    });
    expect(put.status).toBe(200);
    expect(await put.text()).toBe('');
    expect(put.headers.get('location')).toContain(`/personalizer/evaluations/${id}?api-version=${PREVIEW}`);
    expect((await preview(`/evaluations/${id}`, { method: 'PUT', body: JSON.stringify({ name: 'again', startTime: '2026-11-01T00:00:00Z', endTime: '2026-11-02T00:00:00Z', policies: [] }) })).status).toBe(409);

    const v1Done = await pollV1(id);
    expect(v1Done.status, v1Done.description).toBe('completed');
    // The evaluation model's columns in importance tiers: on this log (device × category, discount, profile) several matter.
    expect(v1Done.featureImportance.length).toBeGreaterThan(1);
    expect(v1Done.featureImportance.flat().length).toBeGreaterThan(3);

    const rolling = await preview(`/evaluations/${id}`, {}, '&intervalInMinutes=60&window=Rolling');
    expect(rolling.status).toBe(200);
    const r = (await rolling.json()) as Record<string, any>;
    expectValid(PREVIEW, 'Evaluation', r);
    expect(r.status).toBe('Succeeded');
    expect(r.content.intervalInMinutes).toBe(60);
    const random = r.content.value.find((p: any) => p.name === 'Random');
    const hours = random.timeseries.data.map((d: any) => Date.parse(d.timeStamp));
    expect(hours.length).toBeGreaterThan(10);
    for (let i = 1; i < hours.length; i++) expect(hours[i] - hours[i - 1]).toBeGreaterThanOrEqual(HOUR);
    // Rolling: each hour alone (about 60 decisions).
    for (const d of random.timeseries.data) expect(d.decisions).toBeLessThanOrEqual(61);

    const expanding = (await (await preview(`/evaluations/${id}`, {}, '&intervalInMinutes=60')).json()) as Record<string, any>;
    const exp = expanding.content.value.find((p: any) => p.name === 'Random');
    const last = exp.timeseries.data.at(-1);
    expect(last.decisions).toBe(exp.summary.decisions);
    expect(last.expectedReward).toBeCloseTo(exp.summary.expectedReward, 10);

    // The truth: the mean true click probability of what Random / Baseline would show on the evaluated decisions.
    const evaluatedFrom = Date.parse(v1Done.evaluatedFrom);
    const evaluated = synthetic.decisions.filter((d) => d.issuedAtMs >= evaluatedFrom);
    expect(evaluated.length).toBe(v1Done.decisions.evaluated);
    const mean = (f: (d: (typeof evaluated)[number]) => number) => evaluated.reduce((s, d) => s + f(d), 0) / evaluated.length;
    const truth = {
      Random: mean((d) => {
        const eligible = d.actions.filter((a) => !a.excluded);
        return eligible.reduce((s, a) => s + synthetic.clickProbability(d.eventId, a.id), 0) / eligible.length;
      }),
      Baseline: mean((d) => synthetic.clickProbability(d.eventId, d.actions.find((a) => !a.excluded)!.id)),
    };
    for (const name of ['Random', 'Baseline'] as const) {
      const s = expanding.content.value.find((p: any) => p.name === name).summary;
      for (const k of ['ips', 'snips', 'dr']) {
        const [lo, hi] = s.estimates[k].confidenceInterval;
        expect(lo, `${name} ${k}`).toBeLessThanOrEqual(truth[name]);
        expect(hi, `${name} ${k}`).toBeGreaterThanOrEqual(truth[name]);
      }
    }

    const listed = (await (await preview('/evaluations', {}, '&maxpagesize=1')).json()) as Record<string, any>;
    expectValid(PREVIEW, 'Evaluations', listed);
    expect(listed.value).toHaveLength(1);
    expect(listed.nextLink).toContain('skip=1');
    expect((await preview(`/evaluations/${id}`, {}, '&intervalInMinutes=7')).status).toBe(400);
  }, 120_000);

  it('applies a policy of a completed evaluation to the learning settings', async () => {
    const id = 'to-apply';
    await preview(`/evaluations/${id}`, { method: 'PUT', body: JSON.stringify({ name: 'apply', startTime: liveFrom, endTime: liveTo, policies: [{ name: 'Five percent', arguments: '--cb_explore_adf --epsilon 0.05 --dsjson' }] }) });
    expect((await pollV1(id)).status).toBe('completed');
    const apply = (policyName: string, evaluationId = id) => preview('/configurations/applyFromEvaluation', { method: 'POST', body: JSON.stringify({ evaluationId, policyName }) });

    const res = await apply('five percent');
    expect(res.status).toBe(204);
    const policy = (await (await preview('/configurations/policy')).json()) as Record<string, unknown>;
    expect(policy).toMatchObject({ name: 'Five percent', arguments: '--cb_explore_adf --epsilon 0.05 --dsjson' });
    expect(((await (await preview('/configurations/service')).json()) as { explorationPercentage: number }).explorationPercentage).toBe(0.05);

    const random = await apply('Random');
    expect(random.status).toBe(400);
    expect(await random.json()).toMatchObject({ error: { target: 'policyName' } });
    expect((await apply('nope')).status).toBe(404);
    const missing = await apply('Online', 'no-such-evaluation');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { target: 'evaluationId', innerError: { code: 'EvaluationNotFound' } } });
  }, 120_000);

  it('records a failure with its reason, refuses bad contracts naming the field, and deletes', async () => {
    const created = await v1('/evaluations', { method: 'POST', body: JSON.stringify({ name: 'empty', startTime: '2020-01-01T00:00:00Z', endTime: '2020-01-02T00:00:00Z', policies: [] }) });
    const { id } = (await created.json()) as { id: string };
    const failed = await pollV1(id);
    expect(failed.status).toBe('failed');
    expect(failed.description).toMatch(/NoLogsExistInDateRange/);

    const bad = async (body: unknown, target: string) => {
      const res = await v1('/evaluations', { method: 'POST', body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { target: string; message: string } };
      expectValid('v1.0', 'ErrorResponse', json);
      expect(json.error.target).toBe(target);
    };
    await bad({ name: 'x', endTime: '2026-11-02T00:00:00Z', policies: [] }, 'startTime');
    await bad({ name: 'x', startTime: '2026-11-03T00:00:00Z', endTime: '2026-11-02T00:00:00Z', policies: [] }, 'endTime');
    await bad({ name: 'x', startTime: '2026-11-01T00:00:00Z', endTime: '2026-11-02T00:00:00Z', policies: [{ name: 'a', arguments: 'epsilon' }] }, 'policies[0].arguments');
    await bad({ name: 'x', startTime: '2026-11-01T00:00:00Z', endTime: '2026-11-02T00:00:00Z', policies: [{ name: 'a', arguments: '' }, { name: 'A', arguments: '' }] }, 'policies[1].name');

    expect((await v1(`/evaluations/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await v1(`/evaluations/${id}`)).status).toBe(404);
    expect((await v1(`/evaluations/${id}`, { method: 'DELETE' })).status).toBe(204);
  }, 120_000);

  it('resumes an evaluation whose instance stopped, once its lease has run out', async () => {
    const store = appServices().ranking().evaluationStore;
    const base = { name: 'orphan', startTime: liveFrom, endTime: liveTo, creationTime: new Date().toISOString(), policies: [], discovery: false };
    await store.create({ ...base, evaluationId: 'orphan-lapsed', status: 'Running', attempts: 1, lease: { owner: 'stopped-instance', until: new Date(Date.now() - 1000).toISOString() } });
    await store.create({ ...base, evaluationId: 'orphan-held', status: 'Running', attempts: 1, lease: { owner: 'live-instance', until: new Date(Date.now() + 3_600_000).toISOString() } });
    const jobs = new EvaluationJobs({ store, configurationStore: appServices().ranking().configurationStore, archive: { container: archive }, owner: 'restarted-instance' });
    expect(await jobs.resume()).toBe(1);
    await jobs.idle();
    expect(await store.get('orphan-lapsed')).toMatchObject({ status: 'Succeeded', attempts: 2 });
    expect(await store.get('orphan-held')).toMatchObject({ status: 'Running', lease: { owner: 'live-instance' } });

    // The deployed timer does the same, every minute, and returns once what it resumed is done.
    await store.create({ ...base, evaluationId: 'orphan-timer', status: 'Running', attempts: 1, lease: { owner: 'stopped-instance', until: new Date(Date.now() - 1000).toISOString() } });
    const registrations = installFunctionsCoreShim(() => {});
    await import('../../functions/resumePersonalizerJobs');
    const timer = registrations.find((r) => r.name === 'resumePersonalizerJobs')!;
    expect(timer.trigger).toMatchObject({ type: 'timerTrigger', schedule: '30 * * * * *' });
    const logs: string[] = [];
    const context = new InvocationContext({ functionName: 'resumePersonalizerJobs', logHandler: (_level, ...args) => logs.push(args.join(' ')) });
    await timer.handler({ isPastDue: false }, context);
    expect(await store.get('orphan-timer')).toMatchObject({ status: 'Succeeded', attempts: 2 });
    expect(logs.join('\n')).toContain('resumed 1 offline evaluation(s)');
    // A run that never finished three times is not started a fourth time.
    await store.create({ ...base, evaluationId: 'orphan-tired', status: 'Running', attempts: 3, lease: { owner: 'stopped-instance', until: new Date(Date.now() - 1000).toISOString() } });
    expect(await jobs.resume()).toBe(0);
    expect(await store.get('orphan-tired')).toMatchObject({ status: 'Failed', description: expect.stringMatching(/started 3 times/) });
  }, 120_000);

  it('auto-optimization: each period an automatic evaluation with discovery, its best settings applied only when clearly better', async () => {
    const service = (await (await preview('/configurations/service')).json()) as Record<string, unknown>;
    const put = await preview('/configurations/service', { method: 'PUT', body: JSON.stringify({ ...service, isAutoOptimizationEnabled: true, autoOptimizationFrequency: 'PT1H' }) });
    expect(put.status).toBe(200);
    const registrations = installFunctionsCoreShim(() => {});
    await import('../../functions/resumePersonalizerJobs');
    const timer = registrations.find((r) => r.name === 'resumePersonalizerJobs')!;
    const tick = async () => {
      const logs: string[] = [];
      await timer.handler({ isPastDue: false }, new InvocationContext({ functionName: 'resumePersonalizerJobs', logHandler: (_level, ...args) => logs.push(args.join(' ')) }));
      return logs.join('\n');
    };
    expect(await tick()).toMatch(/auto-optimization started auto-/);
    const listed = (await (await preview('/evaluations')).json()) as { value: { id: string; evaluationType: string; status: string }[] };
    expectValid(PREVIEW, 'Evaluations', listed);
    const auto = listed.value.filter((e) => e.evaluationType === 'Auto');
    expect(auto).toHaveLength(1);
    expect(['OptimalPolicyApplied', 'OnlinePolicyRetained']).toContain(auto[0].status);
    const got = (await (await preview(`/evaluations/${encodeURIComponent(auto[0].id)}`)).json()) as Record<string, any>;
    expectValid(PREVIEW, 'Evaluation', got);
    expect(got.content.value.map((p: any) => p.policySource)).toContain('OfflineExperimentation');
    expect(got.description).toMatch(/DR/);
    const policy = (await (await preview('/configurations/policy')).json()) as { name: string; arguments: string };
    const best = got.content.value.find((p: any) => p.name === got.optimalPolicy);
    if (auto[0].status === 'OptimalPolicyApplied') expect(policy).toMatchObject({ name: best.name, arguments: best.arguments });
    else expect(policy.name).not.toBe('Optimized learning settings');
    // Within the period nothing more is created.
    expect(await tick()).not.toMatch(/auto-optimization started/);
    expect(((await (await preview('/evaluations')).json()) as { value: { evaluationType: string }[] }).value.filter((e) => e.evaluationType === 'Auto')).toHaveLength(1);
  }, 120_000);
});
