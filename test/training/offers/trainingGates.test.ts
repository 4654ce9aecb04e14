// Bad or insufficient data stops a run with a clear message and writes nothing to the registry;
// a trained model that is worse than the current one on the same validation decisions is
// registered but not promoted.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { FEATURE_CONTRACT_VERSION, type FeatureContract } from '../../../src/features/featureContract';
import { ModelRegistry } from '../../../src/models/modelRegistry';
import { rewardEvent } from '../../../src/events/learningEvents';
import { runTraining, type TrainingRunOptions } from '../../../src/training';
import { generateDecisionLog } from '../../../tools/synthetic/decisions/syntheticDecisionLog';
import { pairedDifference, policyValueGate } from '../../../src/training/offers/trainingGates';
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

  it('no decisions of the sources asked for', async () => {
    expect(await rejectedRun('gate-sources', { sources: ['recommendations'] })).toMatch(/^sources: none of the archive's 2000 decisions came from recommendations/);
  });

  it('too few decisions, or none whose reward window has closed', async () => {
    expect(await rejectedRun('bad-few', { gates: { minDecisions: 5000 } })).toMatch(/^gates: minDecisions: 2000 usable decisions \(at least 5000 needed\)$/);
    expect(await rejectedRun('bad-pending', { now: () => new Date(T0 + 1000) })).toMatch(/^join: no usable decisions among 2000 \(0 outside the range, 2000 with their reward window still open, 0 never activated\)$/);
  });
});

describe('the paired policy comparison', () => {
  it('averages per-decision differences and narrows the interval when both sides move together', () => {
    const a = [0.5, 0.1, 0.9, 0.3];
    const b = [0.4, 0.0, 0.8, 0.2];
    const d = pairedDifference(a, b);
    expect(d.value).toBeCloseTo(0.1, 12);
    expect(d.standardError).toBeCloseTo(0, 12);
    expect(() => pairedDifference([1], [1, 2])).toThrow(RangeError);
  });

  it('passes within the margin and fails beyond it, whatever the two values are', () => {
    const est = (value: number, se = 0.05) => ({ value, lower: value - 2 * se, upper: value + 2 * se, standardError: se });
    const reference = (value: number, diff: number) => ({ kind: 'current model' as const, estimate: est(value), source: 'the current model', difference: est(diff, 0.004) });
    expect(policyValueGate(est(0.395), reference(0.4, -0.005), 0.01)).toMatchObject({ passed: true, threshold: 0.39 });
    const failed = policyValueGate(est(0.38), reference(0.4, -0.02), 0.01);
    expect(failed.passed).toBe(false);
    expect(failed.message).toMatch(/^DR policy value 0\.3800 \[0\.2800, 0\.4800\] is below the current model \(0\.4000 \[0\.3000, 0\.5000\]\) by more than the margin 0\.01; difference -0\.0200 \[-0\.0280, -0\.0120\] \(paired\)$/);
  });
});

describe('the promotion gate', () => {
  const NAME = 'gated-ranker';
  const registry = () => new ModelRegistry(models);
  // Half the decisions validate: 3,000 decisions make the two models' difference clear.
  let gateArchive: { container: ContainerClient };
  beforeAll(async () => {
    gateArchive = await archiveOf('archive-gate', generateDecisionLog({ decisions: 6000, startMs: T0, seed: 15 }).events);
  }, 60_000);
  const train = (opts: Partial<TrainingRunOptions> = {}) =>
    runTraining({ modelName: NAME, archive: gateArchive, registry: models, now: () => NOW, gates: small, validationFraction: 0.5, ...opts });
  /** Registers `bytes` (with a copy of `from`'s manifest) as `version` and points current at it, as an operator would. */
  async function promoteByHand(from: string, version: string, bytes?: Buffer, metrics: Record<string, number> = {}): Promise<void> {
    const stored = await registry().loadVersion(NAME, from);
    const { sha256: _sha, name: _name, version: _version, ...manifest } = stored.manifest as Record<string, unknown> & { metrics: Record<string, number> };
    await registry().registerModel(NAME, version, bytes ?? stored.bytes, { ...manifest, metrics: { ...manifest.metrics, ...metrics } } as never);
    await registry().promoteModel(NAME, version, { ifMatchEtag: (await registry().readCurrent(NAME))!.etag });
  }
  let firstVersion: string;
  let weakVersion: string;
  // The logged prior alone: it tells offers apart but knows nothing of the user or the context.
  const blind: FeatureContract = { version: FEATURE_CONTRACT_VERSION, features: [{ name: 'prior', source: 'prior' }] };

  it('promotes a first model over the logging policy, compared on the same decisions', async () => {
    const first = await train();
    expect(first.status, first.reason).toBe('promoted');
    firstVersion = first.version!;
    expect(first.report.gates.at(-1)).toMatchObject({ gate: 'policyValue', passed: true });
    expect(first.report.gates.at(-1)!.message).toMatch(/is not below the logging policy's observed value \(0\.\d{4} \[.*\]\) by more than the margin 0\.01; difference \+0\.\d{4}/);
    const c = first.report.policyComparison!;
    expect(c).toMatchObject({ reference: 'logging policy', decisions: first.report.split!.validationDecisions, passed: true });
    expect(c.difference.value).toBeCloseTo(c.newValue.value - first.report.offPolicy!.logging.value, 10);
    const manifest = await readJsonBlob(models, `${NAME}/${firstVersion}/manifest.json`);
    expect(manifest.metrics.referencePolicyValue).toBeCloseTo(first.report.offPolicy!.logging.value, 12);
    expect(manifest.metrics.currentPolicyValueDr).toBeUndefined();
  });

  it("ignores the current model's recorded estimate: it is scored again on the run's decisions", async () => {
    // An operator promotes the same model claiming a much higher value; the claim changes nothing.
    await promoteByHand(firstVersion, 'manual-high', undefined, { policyValueDr: 0.99 });
    const second = await train({ contract: 'current' });
    expect(second.status, second.reason).toBe('promoted');
    const onValidation = second.report.currentModel.onValidation!;
    expect(second.report.currentModel).toMatchObject({ version: 'manual-high', recordedPolicyValue: 0.99 });
    // Same data, same trainer: the same trees; the ONNX session (float32) and TypeScript agree.
    expect(onValidation.greedy.dr!.value).toBeCloseTo(second.report.offPolicy!.greedy.dr!.value, 4);
    expect(second.report.policyComparison).toMatchObject({ reference: 'current model', passed: true });
    expect(Math.abs(second.report.policyComparison!.difference.value)).toBeLessThan(1e-4);
    const manifest = await readJsonBlob(models, `${NAME}/${second.version}/manifest.json`);
    expect(manifest.metrics.currentPolicyValueDr).toBeCloseTo(onValidation.greedy.dr!.value, 12);
  });

  it('a current model that is better on the same decisions blocks promotion', async () => {
    const before = (await registry().readCurrent(NAME))!.version;
    const worse = await train({ contract: blind });
    expect(worse.status).toBe('registered');
    weakVersion = worse.version!;
    expect(worse.reason).toMatch(new RegExp(`^not promoted: DR policy value 0\\.\\d{4} \\[.*\\] is below the current model ${NAME}/${before}'s DR value on the same \\d+ decisions \\(0\\.\\d{4} .*\\) by more than the margin 0\\.01; difference -0\\.\\d{4} `));
    const c = worse.report.policyComparison!;
    expect(c.difference.value).toBeLessThan(-0.05);
    expect(worse.report.promotion).toMatchObject({ requested: true, attempted: false, promoted: false });
    expect((await registry().readCurrent(NAME))!.version).toBe(before);
    expect(await readJsonBlob(models, `${NAME}/${worse.version}/report.json`)).toMatchObject({ status: 'registered', reason: worse.reason });
  });

  it('a current model that is worse on the same decisions does not', async () => {
    await promoteByHand(weakVersion, 'weak-current');
    const better = await train();
    expect(better.status, better.reason).toBe('promoted');
    expect(better.report.currentModel.version).toBe('weak-current');
    const c = better.report.policyComparison!;
    expect(c.reference).toBe('current model');
    expect(c.difference.value).toBeGreaterThan(0.05);
    expect(c.referenceValue.value).toBeCloseTo(better.report.currentModel.onValidation!.greedy.dr!.value, 12);
  });

  it('falls back to the logging policy, and says why, when the current model cannot be loaded', async () => {
    await promoteByHand(firstVersion, 'broken', Buffer.from('not an ONNX model'));
    const result = await train();
    expect(result.status, result.reason).toBe('promoted');
    expect(result.report.currentModel.onValidation).toBeNull();
    expect(result.report.currentModel.problem).toMatch(/^gated-ranker\/broken cannot be loaded: model\.onnx: /);
    expect(result.report.policyComparison).toMatchObject({ reference: 'logging policy', source: "the logging policy's observed value (the current model broken could not be evaluated)" });
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
