// Continuous learning: what each tick of the retrainModel timer (every minute) does. When the model
// update frequency has passed since the last run, train the ranker's model on the sliding window
// of decisions whose reward wait is over (learningWindow.ts), gate it off-policy and promote it
// (runTraining); every instance then serves it within RankingModelPollSeconds. Runs with nothing
// new since the last trained model stop before training, so an idle shop costs one archive read
// per period and registers nothing. The outcome of every run is kept in the learning state.
// In Apprentice mode each run also updates latestApprenticeModeMetrics and, when the learning
// settings opt in (--auto_online_margin), switches to Online once the learner beats the baseline
// (apprenticeProgress.ts).
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
import { accumulate, apprenticeOutcomes, autoOnlineVerdict, heldOutComparison, type ApprenticeModeMetrics, type AutoOnlineSettings } from './apprenticeProgress';
import type { JoinedDecision } from '../offers/rewardJoin';

const DAY_MS = 86_400_000;

export type LearningMode = 'Online' | 'Apprentice' | 'LoggingOnly';

/** The service configuration's fields that drive learning. */
export interface LearningConfig {
  modelUpdateFrequencySeconds: number;
  learningMode: LearningMode;
  /** Learning settings --auto_online_margin: switch Apprentice → Online once the learner beats the baseline. */
  autoOnline?: AutoOnlineSettings;
}

/** Where Apprentice mode's metrics live and how the mode is switched (ConfigurationStore). */
export interface ApprenticeStore {
  apprenticeMetrics(): Promise<Record<string, unknown> | undefined>;
  writeApprenticeMetrics(metrics: Record<string, unknown>, now?: Date): Promise<void>;
  /** Apprentice → Online; false when the mode was no longer Apprentice. */
  switchApprenticeToOnline(now?: Date): Promise<boolean>;
}

export interface LearningCycleDeps {
  app: AzureClients;
  env: Env;
  log: (message: string) => void;
  now?: () => Date;
  /**
   * Read at every tick (a change applies at the next one); given the ModelUpdateFrequency setting
   * for when nothing is configured. Default: that setting, mode Online.
   */
  learningConfig?: (defaultUpdateSeconds: number) => Promise<LearningConfig>;
  /** Without it, Apprentice-mode runs train but write no metrics. */
  apprentice?: ApprenticeStore;
}

export type LearningTick =
  | { ran: false; reason: string }
  | { ran: true; result: TrainingRunResult; window: { from: string; to: string }; state: LearningState; apprentice?: ApprenticeModeMetrics };

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
  const config = deps.learningConfig ? await deps.learningConfig(settings.modelUpdateFrequencySeconds) : { modelUpdateFrequencySeconds: settings.modelUpdateFrequencySeconds, learningMode: 'Online' as const };
  if (config.learningMode === 'LoggingOnly') {
    // An Apprentice period the operator ended by choosing LoggingOnly is closed (one point read a tick).
    if (deps.apprentice) await endApprenticePeriod(deps.apprentice, deps.now?.() ?? new Date()).catch((e: Error) => say(`apprentice metrics not updated: ${e.message}`));
    return { ran: false, reason: 'learning mode is LoggingOnly: decisions are logged, no model is trained' };
  }

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
  let joined: readonly JoinedDecision[] = [];
  try {
    result = await runTraining({
      modelName,
      archive: { container: archive },
      registry,
      integrity,
      from,
      to: now,
      gates: gatesFromSettings(settings),
      now: () => now,
      ...(trainedThroughMs !== undefined ? { newDecisionsSince: new Date(trainedThroughMs + 1) } : {}),
      log: say,
      onJoined: (j) => (joined = j),
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
  let apprentice: ApprenticeModeMetrics | undefined;
  if (deps.apprentice) {
    // The model is trained and recorded either way: a configuration store that fails here costs this run's metrics only.
    try {
      apprentice = await apprenticeStep(deps.apprentice, config, joined, result!, now, say);
    } catch (error) {
      say(`apprentice metrics not updated: ${(error as Error).message}`);
    }
  }
  return { ran: true, result: result!, window: { from: from.toISOString(), to: now.toISOString() }, state, ...(apprentice ? { apprentice } : {}) };
}

/**
 * Apprentice mode: add the run's new apprentice decisions to the period's metrics and give the
 * switch's verdict. In another mode: end a period still open (the operator changed the mode), so the
 * next Apprentice period starts afresh.
 */
async function apprenticeStep(
  store: ApprenticeStore,
  config: LearningConfig,
  joined: readonly JoinedDecision[],
  result: TrainingRunResult,
  now: Date,
  say: (line: string) => void,
): Promise<ApprenticeModeMetrics | undefined> {
  if (config.learningMode !== 'Apprentice') {
    await endApprenticePeriod(store, now);
    return undefined;
  }
  const previous = (await store.apprenticeMetrics()) as ApprenticeModeMetrics | undefined;
  const open = previous && previous.endedAt === undefined ? previous : undefined;
  // A new period counts only decisions after the previous one ended.
  const afterMs = open ? Date.parse(open.lastProcessedEventTime) : previous?.endedAt ? Date.parse(previous.endedAt) : -Infinity;
  const evaluation = heldOutComparison(result.report, now);
  let metrics = accumulate(previous, apprenticeOutcomes(joined, afterMs), evaluation);
  if (!metrics) return undefined;
  if (config.autoOnline) {
    const verdict = autoOnlineVerdict(metrics, evaluation, config.autoOnline, now);
    if (verdict.decision === 'switched') {
      const switched = await store.switchApprenticeToOnline(now);
      metrics = switched
        ? { ...metrics, autoOnline: verdict, endedAt: now.toISOString() }
        : { ...metrics, autoOnline: { ...verdict, decision: 'waiting', reason: `not switched: the learning mode was changed meanwhile (${verdict.reason})` } };
    } else metrics = { ...metrics, autoOnline: verdict };
    say(`apprentice → Online: ${metrics.autoOnline!.decision}: ${metrics.autoOnline!.reason}`);
  }
  await store.writeApprenticeMetrics({ ...metrics }, now);
  say(
    `apprentice metrics: ${metrics.numberOfEvents} events, baseline average ${metrics.baselineAverageReward.toFixed(4)}, imitation ${(metrics.imitationRate * 100).toFixed(1)} %` +
      (metrics.latestEvaluation ? `, held-out lift ${metrics.latestEvaluation.estimatedLift.toFixed(4)}` : ''),
  );
  return metrics;
}

/** Marks a still-open Apprentice period ended, so the next one starts afresh. */
async function endApprenticePeriod(store: ApprenticeStore, now: Date): Promise<void> {
  const previous = (await store.apprenticeMetrics()) as ApprenticeModeMetrics | undefined;
  if (previous && previous.endedAt === undefined) await store.writeApprenticeMetrics({ ...previous, endedAt: now.toISOString() }, now);
}
