// Continuous learning through Azurite: on by default, one run per ModelUpdateFrequency, runs with
// nothing new register nothing, new decisions train again, the window bounds what a run reads,
// LoggingOnly and the off switch train nothing, and the timer ticks every minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureClients } from '../../../src/clients/azureClients';
import { SettingsError } from '../../../src/config/settings';
import { readTrainingSettings, retrainDisabled } from '../../../src/config/trainingSettings';
import { ArchiveWriter } from '../../../src/archive/archiveWriter';
import { learningTick, type LearningTick } from '../../../src/training/continuousLearning/learningCycle';
import { readLearningState } from '../../../src/training/continuousLearning/learningState';
import { archiveTrackedEvents } from '../../../tools/synthetic/decisions/archiveTrackedEvents';
import { generateDecisionLog } from '../../../tools/synthetic/decisions/syntheticDecisionLog';
import { blobNames, DAY, T0, startBlobEnv, type BlobEnv } from '../offers/pipelineTestKit';

const MINUTE = 60_000;
const HOUR = 3_600_000;
let env: BlobEnv;
let settings: Record<string, string>;
let next: Record<string, number>;
let writer: ArchiveWriter;

beforeAll(async () => {
  env = await startBlobEnv('continuous-learning');
  writer = new ArchiveWriter(env.container('archive'), { windowMinutes: 60 });
  // 3,000 decisions a minute apart: 50 hours from T0.
  next = await archiveTrackedEvents(writer, generateDecisionLog({ decisions: 3000, startMs: T0, seed: 5 }).events, { partitions: 2, batchSize: 1000 });
  settings = {
    ArchiveStorage: env.az.connectionString,
    ModelsContainer: 'cl-models',
    RankingModelName: 'cl-ranker',
    RetrainMinDecisions: '100',
    RetrainMinPositives: '10',
    RetrainMaxDecisions: '1000',
  };
}, 60_000);
afterAll(async () => {
  await env?.stop();
});

const tick = (at: number, extra: Record<string, string> = {}, logs: string[] = []) =>
  learningTick({ app: new AzureClients({ ...settings, ...extra }), env: { ...settings, ...extra }, log: (m) => logs.push(m), now: () => new Date(at) });
const versions = async () => (await blobNames(env.container('cl-models'), 'cl-ranker/')).filter((n) => n.endsWith('/model.onnx'));
const ran = (t: LearningTick) => {
  if (!t.ran) throw new Error(`expected a run, got: ${t.reason}`);
  return t;
};

describe('continuous learning settings', () => {
  it('is on by default, every minute, training every 5 minutes', () => {
    expect(retrainDisabled({})).toBe(false);
    expect(retrainDisabled({ 'AzureWebJobs.retrainModel.Disabled': 'true' })).toBe(true);
    expect(retrainDisabled({ AzureWebJobs_retrainModel_Disabled: '1' })).toBe(true);
    expect(() => retrainDisabled({ 'AzureWebJobs.retrainModel.Disabled': 'maybe' })).toThrow(SettingsError);
    expect(readTrainingSettings({})).toEqual({
      schedule: '0 * * * * *', disabled: false, modelUpdateFrequencySeconds: 300, lookbackDays: 28, maxDecisions: 100_000,
      minDecisions: 1000, minPositives: 50, policyValueMargin: 0.01,
    });
    expect(readTrainingSettings({ ModelUpdateFrequency: 'PT15M' }).modelUpdateFrequencySeconds).toBe(900);
    expect(readTrainingSettings({ ModelUpdateFrequency: '01:00:00' }).modelUpdateFrequencySeconds).toBe(3600);
    expect(() => readTrainingSettings({ ModelUpdateFrequency: 'PT30S' })).toThrow(/ModelUpdateFrequency.*PT1M/);
    expect(() => readTrainingSettings({ ModelUpdateFrequency: 'often' })).toThrow(/ModelUpdateFrequency/);
    expect(() => readTrainingSettings({ RetrainMaxDecisions: '10' })).toThrow(/RetrainMaxDecisions/);
  });
});

describe('learningTick', () => {
  const start = T0 + 51 * HOUR;
  let firstVersion: string | undefined;

  it('trains at the first tick on a day of decisions, then waits ModelUpdateFrequency', async () => {
    const first = ran(await tick(start));
    expect(first.window).toEqual({ from: new Date(start - DAY).toISOString(), to: new Date(start).toISOString() });
    expect(first.result.status).toBe('promoted');
    firstVersion = first.result.version;
    expect(first.state).toMatchObject({ lastStatus: 'promoted', lastVersion: firstVersion, runs: 1, promotions: 1, window: { ms: DAY, tooFew: false } });
    expect(first.state.window!.decisions).toBeGreaterThan(1300);
    expect(await versions()).toHaveLength(1);

    expect(await tick(start + 4 * MINUTE)).toEqual({ ran: false, reason: `not due: next run at ${new Date(start + 5 * MINUTE).toISOString()}` });
  });

  it('registers nothing when no decision is newer than the last model, and reads a window sized to RetrainMaxDecisions', async () => {
    const again = ran(await tick(start + 5 * MINUTE));
    expect(again.result.status).toBe('rejected');
    expect(again.result.reason).toMatch(/^nothing new: no usable decision issued since /);
    expect(await versions()).toHaveLength(1);
    // 1,000 decisions at one a minute: a window of about 1,000 minutes, not the lookback.
    const windowMs = Date.parse(again.window.to) - Date.parse(again.window.from);
    expect(windowMs / MINUTE).toBeGreaterThan(900);
    expect(windowMs / MINUTE).toBeLessThan(1100);
    expect(again.state.window!.decisions).toBeLessThan(1200);
    expect(again.state).toMatchObject({ runs: 2, promotions: 1, lastVersion: null, trainedThrough: (await readLearningState(env.container('cl-models'), 'cl-ranker')).state!.trainedThrough });
  });

  it('trains again once new decisions have waited out their rewards', async () => {
    const later = T0 + 52 * HOUR;
    next = await archiveTrackedEvents(writer, generateDecisionLog({ decisions: 300, startMs: later, seed: 6 }).events, { partitions: 2, firstSequence: next });
    const third = ran(await tick(later + 6 * HOUR));
    expect(['promoted', 'registered']).toContain(third.result.status);
    expect(third.result.version).not.toBe(firstVersion);
    expect(await versions()).toHaveLength(2);
    expect(Date.parse(third.state.trainedThrough!)).toBeGreaterThanOrEqual(later);
    // The log grew; the run still read about RetrainMaxDecisions decisions.
    expect(third.state.window!.decisions).toBeLessThan(1500);
  });

  it('trains nothing in LoggingOnly mode or when switched off', async () => {
    const logs: string[] = [];
    const base = { app: new AzureClients(settings), env: settings, log: (m: string) => logs.push(m), now: () => new Date(T0 + 60 * HOUR) };
    // The configuration is asked with the tick's own ModelUpdateFrequency as its default.
    const defaults: number[] = [];
    const configured = async (defaultUpdateSeconds: number) => {
      defaults.push(defaultUpdateSeconds);
      return { modelUpdateFrequencySeconds: 60, learningMode: 'LoggingOnly' as const };
    };
    expect(await learningTick({ ...base, env: { ...settings, ModelUpdateFrequency: 'PT15M' }, learningConfig: configured })).toEqual({
      ran: false,
      reason: 'learning mode is LoggingOnly: decisions are logged, no model is trained',
    });
    expect(defaults).toEqual([900]);
    expect(await tick(T0 + 60 * HOUR, { 'AzureWebJobs.retrainModel.Disabled': 'true' }, logs)).toEqual({ ran: false, reason: 'continuous learning is off (AzureWebJobs.retrainModel.Disabled is true)' });
    expect(await versions()).toHaveLength(2);
  });

  it('registers a timer that ticks on RetrainSchedule (every minute by default)', async () => {
    const { installFunctionsCoreShim } = await import('../../../tools/local/host/functionsCoreShim');
    const registrations = installFunctionsCoreShim(() => {});
    await import('../../../functions/retrainModel');
    const timer = registrations.find((r) => r.name === 'retrainModel');
    expect(timer?.trigger).toMatchObject({ type: 'timerTrigger', schedule: '0 * * * * *', runOnStartup: false });
  });
});
