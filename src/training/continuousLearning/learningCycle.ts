// Continuous learning: what each tick of the retrainModel timer (every minute) does. When the model
// update frequency has passed since the last run, train the ranker's model on the sliding window
// of decisions whose reward wait is over (learningWindow.ts), gate it off-policy and promote it
// (runTraining); every instance then serves it within RankingModelPollSeconds. Runs with nothing
// new since the last trained model stop before training, so an idle shop costs one archive read
// per period and registers nothing. The outcome of every run is kept in the learning state.
import type { AzureClients } from '../../clients/azureClients';
import type { Env } from '../../config/settings';
import { readTrainingSettings, RETRAIN_DISABLED_SETTING } from '../../config/trainingSettings';
import { readModelIntegrity } from '../../config/modelIntegritySettings';
import { assertModelWrites } from '../../models/modelRegistry';
import { runTraining } from '../offers/runTraining';
import type { TrainingRunResult } from '../offers/trainingRunOptions';
import { gatesFromSettings, resolveModelName, storageOf } from '../offers/trainingTargets';
import { trainingSummaryJson } from '../offers/trainingSummary';
import { LearningStateConflictError, readLearningState, writeLearningState, type LearningState } from './learningState';
import { nextWindowMs } from './learningWindow';

const DAY_MS = 86_400_000;

export type LearningMode = 'Online' | 'Apprentice' | 'LoggingOnly';

/** The service configuration's fields that drive learning. */
export interface LearningConfig {
  modelUpdateFrequencySeconds: number;
  learningMode: LearningMode;
}

export interface LearningCycleDeps {
  app: AzureClients;
  env: Env;
  log: (message: string) => void;
  now?: () => Date;
  /** Read at every tick (a change applies at the next one); default: the settings, mode Online. */
  learningConfig?: () => Promise<LearningConfig>;
}

export type LearningTick =
  | { ran: false; reason: string }
  | { ran: true; result: TrainingRunResult; window: { from: string; to: string }; state: LearningState };

export async function learningTick(deps: LearningCycleDeps): Promise<LearningTick> {
  const say = (line: string) => deps.log(`retrainModel: ${line}`);
  const settings = readTrainingSettings(deps.env);
  if (settings.disabled) {
    const reason = `continuous learning is off (${RETRAIN_DISABLED_SETTING} is true)`;
    say(reason);
    return { ran: false, reason };
  }
  // A serving-only instance (ModelRegistryAccess=read) fails every tick, due or not: loud.
  const integrity = readModelIntegrity(deps.env);
  assertModelWrites(integrity, 'continuous learning (retrainModel)');
  const config = deps.learningConfig ? await deps.learningConfig() : { modelUpdateFrequencySeconds: settings.modelUpdateFrequencySeconds, learningMode: 'Online' as const };
  if (config.learningMode === 'LoggingOnly') return { ran: false, reason: 'learning mode is LoggingOnly: decisions are logged, no model is trained' };

  const now = deps.now?.() ?? new Date();
  const modelName = resolveModelName('offers', deps.env);
  const { archive, registry } = storageOf(deps.app);
  const stored = await readLearningState(registry, modelName);
  const previous = stored.state;
  if (previous) {
    const dueAt = Date.parse(previous.lastRunAt) + config.modelUpdateFrequencySeconds * 1000;
    if (now.getTime() < dueAt) return { ran: false, reason: `not due: next run at ${new Date(dueAt).toISOString()}` };
  }

  const windowMs = nextWindowMs(previous?.window ?? undefined, { maxDecisions: settings.maxDecisions, lookbackMs: settings.lookbackDays * DAY_MS });
  const from = new Date(now.getTime() - windowMs);
  const trainedThroughMs = previous?.trainedThrough ? Date.parse(previous.trainedThrough) : undefined;
  let result: TrainingRunResult | undefined;
  let failure: string | undefined;
  try {
    result = await runTraining({
      modelName,
      archive: { container: archive },
      registry,
      integrity,
      from,
      to: now,
      gates: gatesFromSettings(deps.env),
      now: () => now,
      ...(trainedThroughMs !== undefined ? { newDecisionsSince: new Date(trainedThroughMs + 1) } : {}),
      log: say,
    });
    say(trainingSummaryJson(result));
  } catch (error) {
    // Storage or trainer failures: recorded (so the next run waits a period, not a minute) and rethrown to the host.
    failure = (error as Error).message;
  }

  const report = result?.report;
  const trained = result?.status === 'promoted' || result?.status === 'registered';
  const decisionsRead = report?.archive?.decisions ?? 0;
  const usable = report?.join?.used ?? 0;
  const state: LearningState = {
    schemaVersion: 1,
    lastRunAt: now.toISOString(),
    lastStatus: result?.status ?? 'failed',
    lastReason: failure ?? result?.reason ?? null,
    lastVersion: result?.version ?? null,
    trainedThrough: trained && report?.newestDecision ? report.newestDecision : previous?.trainedThrough ?? null,
    window: result ? { ms: windowMs, decisions: decisionsRead, tooFew: result.status === 'rejected' && usable < settings.minDecisions } : previous?.window ?? null,
    runs: (previous?.runs ?? 0) + 1,
    promotions: (previous?.promotions ?? 0) + (result?.status === 'promoted' ? 1 : 0),
  };
  try {
    await writeLearningState(registry, modelName, state, stored.etag);
  } catch (error) {
    if (!(error instanceof LearningStateConflictError)) throw error;
    say(`${error.message}; this run's outcome is not recorded`);
  }
  if (failure !== undefined) throw new Error(`continuous learning run failed: ${failure}`);
  return { ran: true, result: result!, window: { from: from.toISOString(), to: now.toISOString() }, state };
}
