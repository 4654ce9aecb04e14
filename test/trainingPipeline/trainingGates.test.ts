// Bad or insufficient data stops a run with a clear message and writes nothing to the registry;
// a trained model that is not better than the current one is registered but not promoted.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { ModelRegistry } from '../../src/models/modelRegistry';
import { rewardEvent } from '../../src/ranking/decisionEvents';
import { runTraining, type TrainingRunOptions } from '../../src/trainingPipeline';
import { generateDecisionLog } from '../../src/trainingPipeline/synthetic/syntheticDecisionLog';
import { DAY, T0, blobNames, readJsonBlob, seedArchive, startBlobEnv, type BlobEnv } from './pipelineTestKit';

let env: BlobEnv;
let models: ContainerClient;
let archive: ContainerClient;
const NOW = new Date(T0 + 10 * DAY);
const small = { minDecisions: 100, minPositives: 10 };

beforeAll(async () => {
  env = await startBlobEnv('training-gates');
  models = env.container('models');
  archive = env.container('archive');
  await seedArchive(archive, generateDecisionLog({ decisions: 2000, startMs: T0, seed: 11 }).events);
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

async function rejectedRun(name: string, opts: Partial<TrainingRunOptions>): Promise<string> {
  const result = await runTraining({ modelName: name, archive: { container: archive }, registry: models, now: () => NOW, gates: small, ...opts });
  expect(result.status).toBe('rejected');
  expect(result.version).toBeUndefined();
  expect(await blobNames(models, `${name}/`)).toEqual([]);
  return result.reason!;
}

async function archiveOf(name: string, events: TrackedEvent[]): Promise<{ container: ContainerClient }> {
  const container = env.container(name);
  await seedArchive(container, events);
  return { container };
}

describe('bad data is rejected with a clear message and nothing promoted', () => {
  it('an empty archive, a missing container, an empty range', async () => {
    const empty = path.join(env.tmp, 'empty-archive');
    fs.mkdirSync(empty);
    expect(await rejectedRun('bad-empty', { archive: { folder: empty } })).toMatch(/^archive: no decision events in folder .*empty-archive \(0 events read\)/);
    expect(await rejectedRun('bad-missing', { archive: { container: env.container('no-such-archive') } })).toMatch(/^archive: container no-such-archive does not exist/);
    expect(await rejectedRun('bad-range', { from: new Date(T0 - 400 * DAY), to: new Date(T0 - 300 * DAY) })).toMatch(
      /^archive: no decision events issued in \[2025-09-27T00:00:00.000Z, 2026-01-05T00:00:00.000Z\) in container archive \(0 events read\)$/,
    );
  });

  it('an unparsable archive', async () => {
    const dir = path.join(env.tmp, 'garbage-archive');
    const file = path.join(dir, 'ns', 'events', '0', '2026', '11', '01', '00', '00', '00.avro');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'this is not an Avro container file');
    expect(await rejectedRun('bad-avro', { archive: { folder: dir } })).toMatch(/^archive \(folder .*garbage-archive\): cannot be read: ns\/events\/0\/2026\/11\/01\/00\/00\/00\.avro: /);
  });

  it('decisions with a missing field', async () => {
    const events = generateDecisionLog({ decisions: 200, startMs: T0, seed: 12 }).events.map((e) => {
      if (e.type !== 'decision') return e;
      const copy = JSON.parse(JSON.stringify(e));
      delete copy.decision.actions[0].prior;
      return copy as TrackedEvent;
    });
    expect(await rejectedRun('bad-fields', { archive: await archiveOf('archive-missing-field', events) })).toMatch(
      /^archive: 200 of 200 decision events are malformed or unparsable \(more than 1%\); first: decision event dec-\S+: decision\.actions\[0\]\.prior: /,
    );
  });

  it('no rewards at all, or every decision rewarded (one class only)', async () => {
    const log = generateDecisionLog({ decisions: 300, startMs: T0, seed: 13 });
    const noRewards = log.events.filter((e) => e.type === 'decision');
    const reason = await rejectedRun('bad-no-rewards', { archive: await archiveOf('archive-no-rewards', noRewards) });
    expect(reason).toMatch(/^gates: minPositives: 0 positive outcomes \(at least 10 needed\); bothOutcomes: labels contain only one class: every usable decision has reward at the minimum \(no rewards\)$/);
    const allRewarded = [
      ...noRewards,
      ...log.decisions.map((d) => rewardEvent({ eventId: d.eventId, issuedAtMs: d.issuedAtMs, userId: d.userId, rewardActionId: d.rewardActionId, value: 1 }, new Date(d.issuedAtMs + 5000))),
    ];
    expect(await rejectedRun('bad-all-rewarded', { archive: await archiveOf('archive-all-rewarded', allRewarded) })).toMatch(/bothOutcomes: labels contain only one class: every usable decision has reward at the maximum/);
  });

  it('too few decisions, or none whose reward window has closed', async () => {
    expect(await rejectedRun('bad-few', { gates: { minDecisions: 5000 } })).toMatch(/^gates: minDecisions: 2000 usable decisions \(at least 5000 needed\)$/);
    expect(await rejectedRun('bad-pending', { now: () => new Date(T0 + 1000) })).toMatch(/^join: no usable decisions among 2000 \(0 outside the range, 2000 with their reward window still open, 0 never activated\)$/);
  });
});

describe('the promotion gate', () => {
  const NAME = 'gated-ranker';

  it('promotes a first model over the logging policy, then refuses one worse than the current recorded estimate', async () => {
    const first = await runTraining({ modelName: NAME, archive: { container: archive }, registry: models, now: () => NOW, gates: small });
    expect(first.status, first.reason).toBe('promoted');
    expect(first.report.gates.at(-1)).toMatchObject({ gate: 'policyValue', passed: true });
    expect(first.report.gates.at(-1)!.message).toMatch(/is not below the logging policy's observed value/);

    // An operator promotes a model that claims a much higher value.
    const registry = new ModelRegistry(models);
    const stored = await registry.loadVersion(NAME, first.version!);
    const manifest = stored.manifest as { metrics: Record<string, number> };
    await registry.registerModel(NAME, 'manual-high', stored.bytes, { ...(stored.manifest as object), version: undefined, name: undefined, metrics: { ...manifest.metrics, policyValueDr: 0.99 } } as never);
    await registry.promoteModel(NAME, 'manual-high', { ifMatchEtag: (await registry.readCurrent(NAME))!.etag });

    const second = await runTraining({ modelName: NAME, archive: { container: archive }, registry: models, now: () => NOW, gates: small, contract: 'current' });
    expect(second.status).toBe('registered');
    expect(second.reason).toMatch(/^not promoted: DR policy value 0\.\d{4} \[.*\] is below the current model gated-ranker\/manual-high's recorded DR estimate \(0\.9900\) by more than the margin 0\.01$/);
    expect(second.report).toMatchObject({ currentModel: { version: 'manual-high', recordedPolicyValue: 0.99 }, contract: { source: 'current model' }, promotion: { requested: true, attempted: false, promoted: false } });
    expect((await registry.readCurrent(NAME))!.version).toBe('manual-high');
    expect(await readJsonBlob(models, `${NAME}/${second.version}/report.json`)).toMatchObject({ status: 'registered', reason: second.reason });
  });

  it('learns from fractional rewards as soft labels', async () => {
    const log = generateDecisionLog({ decisions: 1500, startMs: T0, seed: 14, reward: { aggregation: 'sum' } });
    let n = 0;
    const events = log.events.map((e) => (e.type === 'reward' && n++ % 2 === 0 ? { ...e, value: 0.5 } : e));
    const result = await runTraining({ modelName: 'soft-ranker', archive: await archiveOf('archive-soft', events), registry: models, now: () => NOW, gates: small, promote: false });
    expect(result.status, result.reason).toBe('registered');
    const rewarded = log.events.filter((e) => e.type === 'reward').length;
    expect(result.report.labels).toMatchObject({ softLabelDecisions: Math.ceil(rewarded / 2), positives: rewarded - Math.ceil(rewarded / 2) / 2 });
    expect(result.report.split!.trainRows).toBeGreaterThan(result.report.split!.trainDecisions);
    expect(result.report.validation!.onnxParityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  it('registers without promoting when promotion is not requested', async () => {
    const result = await runTraining({ modelName: 'unpromoted', archive: { container: archive }, registry: models, now: () => NOW, gates: small, promote: false });
    expect(result).toMatchObject({ status: 'registered', reason: 'not promoted: promotion was not requested (--no-promote)' });
    expect(await blobNames(models, 'unpromoted/')).toEqual(['manifest.json', 'model.onnx', 'report.json'].map((f) => `unpromoted/${result.version}/${f}`));
  });
});
