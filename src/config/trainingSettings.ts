// Settings of continuous learning (functions/retrainModel.ts, src/training/continuousLearning).
// Kept apart from settings.ts so the lead can merge TRAINING_SETTING_NAMES into the app's list.
import { parseDurationSeconds } from '../common/isoDuration';
import { Env, SettingsError, numberSetting } from './settings';

export const RETRAIN_FUNCTION_NAME = 'retrainModel';
/** The host's standard switch: continuous learning is on unless it says true. */
export const RETRAIN_DISABLED_SETTING = `AzureWebJobs.${RETRAIN_FUNCTION_NAME}.Disabled`;

export const TRAINING_SETTING_NAMES = [
  'RetrainSchedule',
  RETRAIN_DISABLED_SETTING,
  'RetrainLookbackDays',
  'RetrainMaxDecisions',
  'ModelUpdateFrequency',
  'RetrainMinDecisions',
  'RetrainMinPositives',
  'RetrainPolicyValueMargin',
  'TrainingThreads',
] as const;

export const TRAINING_DEFAULTS = {
  /**
   * NCRONTAB (UTC), with seconds: the learner's tick, every minute. Each tick trains only when the
   * model update frequency has passed since the last run.
   */
  schedule: '0 * * * * *',
  /** Personalizer's default model update frequency (its "modelExportFrequency"). */
  modelUpdateFrequencySeconds: 300,
  lookbackDays: 28,
  /** The sliding window is sized to hold about this many decisions (newest first). */
  maxDecisions: 100_000,
  minDecisions: 1000,
  minPositives: 50,
  /** Reward units the new model's DR policy value may fall below the reference before promotion is refused. */
  policyValueMargin: 0.01,
};

export interface TrainingSettings {
  schedule: string;
  /** True only when AzureWebJobs.retrainModel.Disabled is "true" or "1". */
  disabled: boolean;
  /** Shortest time between two training runs (ModelUpdateFrequency, ISO 8601 duration, default PT5M). */
  modelUpdateFrequencySeconds: number;
  /** Longest window of decisions a run trains on. */
  lookbackDays: number;
  /** Decisions the sliding window aims to hold. */
  maxDecisions: number;
  minDecisions: number;
  minPositives: number;
  policyValueMargin: number;
}

/** The timer's schedule as the registration needs it at load time (never throws: the host reports a bad expression). */
export function retrainSchedule(env: Env = process.env): string {
  return (env.RetrainSchedule ?? '').trim() || TRAINING_DEFAULTS.schedule;
}

/**
 * Continuous learning is on unless switched off with the host's standard setting. Linux hosts may
 * expose the dotted name with underscores, so both spellings are read.
 */
export function retrainDisabled(env: Env = process.env): boolean {
  const raw = env[RETRAIN_DISABLED_SETTING] ?? env[RETRAIN_DISABLED_SETTING.replace(/\./g, '_')];
  const flag = (raw ?? '').trim().toLowerCase();
  if (flag === '' || flag === 'false' || flag === '0') return false;
  if (flag === 'true' || flag === '1') return true;
  throw new SettingsError(`Setting ${RETRAIN_DISABLED_SETTING} must be true or false, got "${raw}"`);
}

/** ModelUpdateFrequency as seconds: an ISO 8601 duration ("PT5M") or a TimeSpan ("00:05:00"), 1 minute to 7 days. */
export function modelUpdateFrequencySeconds(env: Env = process.env): number {
  const raw = (env.ModelUpdateFrequency ?? '').trim();
  if (raw === '') return TRAINING_DEFAULTS.modelUpdateFrequencySeconds;
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined || seconds < 60 || seconds > 7 * 86_400) {
    throw new SettingsError(`Setting ModelUpdateFrequency must be a duration from PT1M to P7D (ISO 8601, e.g. "PT5M"), got "${raw}"`);
  }
  return seconds;
}

/**
 * Threads the GBDT trainer uses (TrainingThreads, 1..64), or undefined when unset (the trainer
 * then takes min(2, cores)). 1 trains on the calling thread alone; the model is the same.
 */
export function trainingThreads(env: Env = process.env): number | undefined {
  const raw = env.TrainingThreads;
  if (raw === undefined || raw.trim() === '') return undefined;
  return numberSetting(env, 'TrainingThreads', 1, 1, 64, true);
}

export function readTrainingSettings(env: Env = process.env): TrainingSettings {
  const d = TRAINING_DEFAULTS;
  const schedule = retrainSchedule(env);
  const fields = schedule.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new SettingsError(`Setting RetrainSchedule must be an NCRONTAB expression of 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), got "${schedule}"`);
  }
  return {
    schedule,
    disabled: retrainDisabled(env),
    modelUpdateFrequencySeconds: modelUpdateFrequencySeconds(env),
    lookbackDays: numberSetting(env, 'RetrainLookbackDays', d.lookbackDays, 1, 3660, true),
    maxDecisions: numberSetting(env, 'RetrainMaxDecisions', d.maxDecisions, 1000, 10_000_000, true),
    minDecisions: numberSetting(env, 'RetrainMinDecisions', d.minDecisions, 1, 1e9, true),
    minPositives: numberSetting(env, 'RetrainMinPositives', d.minPositives, 1, 1e9, true),
    policyValueMargin: numberSetting(env, 'RetrainPolicyValueMargin', d.policyValueMargin, 0, 1e6, false),
  };
}
