// Settings of scheduled retraining (functions/retrainModel.ts, src/training/retrainJob.ts).
// Kept apart from settings.ts so the lead can merge TRAINING_SETTING_NAMES into the app's list.
import { Env, SettingsError, numberSetting } from './settings';

export const RETRAIN_FUNCTION_NAME = 'retrainModel';
/** The host's standard switch; retraining treats it as true (disabled) unless it says false. */
export const RETRAIN_DISABLED_SETTING = `AzureWebJobs.${RETRAIN_FUNCTION_NAME}.Disabled`;

export const TRAINING_SETTING_NAMES = [
  'RetrainSchedule',
  RETRAIN_DISABLED_SETTING,
  'RetrainLookbackDays',
  'RetrainMinDecisions',
  'RetrainMinPositives',
  'RetrainPolicyValueMargin',
  'TrainingThreads',
] as const;

export const TRAINING_DEFAULTS = {
  /** NCRONTAB (UTC), with seconds: every day at 03:00. */
  schedule: '0 0 3 * * *',
  lookbackDays: 28,
  minDecisions: 1000,
  minPositives: 50,
  /** Reward units the new model's DR policy value may fall below the reference before promotion is refused. */
  policyValueMargin: 0.01,
};

export interface TrainingSettings {
  schedule: string;
  /** True unless AzureWebJobs.retrainModel.Disabled is "false" or "0". */
  disabled: boolean;
  lookbackDays: number;
  minDecisions: number;
  minPositives: number;
  policyValueMargin: number;
}

/** The timer's schedule as the registration needs it at load time (never throws: the host reports a bad expression). */
export function retrainSchedule(env: Env = process.env): string {
  return (env.RetrainSchedule ?? '').trim() || TRAINING_DEFAULTS.schedule;
}

/**
 * Disabled unless explicitly enabled. Linux hosts may expose the dotted name with underscores, so
 * both spellings are read.
 */
export function retrainDisabled(env: Env = process.env): boolean {
  const raw = env[RETRAIN_DISABLED_SETTING] ?? env[RETRAIN_DISABLED_SETTING.replace(/\./g, '_')];
  const flag = (raw ?? '').trim().toLowerCase();
  if (flag === '' || flag === 'true' || flag === '1') return true;
  if (flag === 'false' || flag === '0') return false;
  throw new SettingsError(`Setting ${RETRAIN_DISABLED_SETTING} must be true or false, got "${raw}"`);
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
    lookbackDays: numberSetting(env, 'RetrainLookbackDays', d.lookbackDays, 1, 3660, true),
    minDecisions: numberSetting(env, 'RetrainMinDecisions', d.minDecisions, 1, 1e9, true),
    minPositives: numberSetting(env, 'RetrainMinPositives', d.minPositives, 1, 1e9, true),
    policyValueMargin: numberSetting(env, 'RetrainPolicyValueMargin', d.policyValueMargin, 0, 1e6, false),
  };
}
