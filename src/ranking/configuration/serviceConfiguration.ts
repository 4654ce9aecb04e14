// Personalizer's service configuration and learning settings (policy): their wire shapes, the
// defaults (from the app settings, so a resource that never PUT anything behaves as before), the
// validation of a PUT (each error names its field) and the effective values the ranker and the
// learner read. Pure: storage is configurationStore.ts, the per-instance cache configurationCache.ts.
import { formatDurationSeconds, parseDurationSeconds } from '../../common/isoDuration';
import type { RankingSettings, RewardAggregation } from '../../config/rankingSettings';
import { parsePolicyArguments, withEpsilon, type PolicyOptions } from './policyArguments';

export const LEARNING_MODES = ['Online', 'Apprentice', 'LoggingOnly'] as const;
export type LearningMode = (typeof LEARNING_MODES)[number];

/** Personalizer's ServiceConfiguration, as GET answers and PUT takes it. */
export interface ServiceConfiguration {
  rewardWaitTime: string;
  defaultReward: number;
  rewardAggregation: RewardAggregation;
  explorationPercentage: number;
  modelExportFrequency: string;
  logMirrorEnabled?: boolean;
  logMirrorSasUri?: string;
  logRetentionDays: number;
  lastConfigurationEditDate?: string;
  learningMode: LearningMode;
  isAutoOptimizationEnabled: boolean;
  autoOptimizationFrequency?: string;
  autoOptimizationStartDate?: string;
  modelRetrainDays: number;
}

/** Personalizer's PolicyContract: learning settings as a Vowpal Wabbit argument string. */
export interface PolicyContract {
  name: string;
  arguments: string;
}

/** The stored document: both halves in one, so one ETag guards the epsilon they share. */
export interface StoredConfiguration {
  service: ServiceConfiguration;
  policy: PolicyContract;
}

/** What serving and learning read: the stored configuration, parsed. */
export interface EffectiveConfiguration {
  rewardWaitSeconds: number;
  defaultReward: number;
  rewardAggregation: RewardAggregation;
  /** Epsilon of epsilon-greedy: explorationPercentage (kept equal to the policy's --epsilon). */
  exploration: number;
  modelExportSeconds: number;
  logRetentionDays: number;
  modelRetrainDays: number;
  learningMode: LearningMode;
  autoOptimization: { enabled: boolean; frequencySeconds?: number; startDate?: string };
  policy: PolicyContract & PolicyOptions;
  editedAt?: string;
}

export const MIN_REWARD_WAIT_SECONDS = 5;
export const MAX_REWARD_WAIT_SECONDS = 2 * 86_400;
export const MIN_MODEL_EXPORT_SECONDS = 30;
export const MAX_MODEL_EXPORT_SECONDS = 7 * 86_400;
export const DEFAULT_MODEL_EXPORT_SECONDS = 300;
export const DEFAULT_POLICY_NAME = 'default';

type DefaultSource = Pick<RankingSettings, 'exploration' | 'rewardWaitSeconds' | 'defaultReward' | 'rewardAggregation'>;

export function defaultPolicy(exploration: number): PolicyContract {
  return { name: DEFAULT_POLICY_NAME, arguments: `--cb_explore_adf --epsilon ${exploration} --dsjson` };
}

/** The configuration of a resource that never changed it: the app settings' values. */
export function defaultConfiguration(settings: DefaultSource): StoredConfiguration {
  return {
    service: {
      rewardWaitTime: formatDurationSeconds(Math.min(MAX_REWARD_WAIT_SECONDS, Math.max(MIN_REWARD_WAIT_SECONDS, settings.rewardWaitSeconds))),
      defaultReward: settings.defaultReward,
      rewardAggregation: settings.rewardAggregation,
      explorationPercentage: settings.exploration,
      modelExportFrequency: formatDurationSeconds(DEFAULT_MODEL_EXPORT_SECONDS),
      logMirrorEnabled: false,
      logRetentionDays: -1,
      learningMode: 'Online',
      isAutoOptimizationEnabled: false,
      modelRetrainDays: 0,
    },
    policy: defaultPolicy(settings.exploration),
  };
}

export function effectiveConfiguration(stored: StoredConfiguration): EffectiveConfiguration {
  const s = stored.service;
  const options = parsePolicyArguments(stored.policy.arguments);
  return {
    rewardWaitSeconds: parseDurationSeconds(s.rewardWaitTime) ?? 600,
    defaultReward: s.defaultReward,
    rewardAggregation: s.rewardAggregation,
    exploration: s.explorationPercentage,
    modelExportSeconds: parseDurationSeconds(s.modelExportFrequency) ?? DEFAULT_MODEL_EXPORT_SECONDS,
    logRetentionDays: s.logRetentionDays,
    modelRetrainDays: s.modelRetrainDays,
    learningMode: s.learningMode,
    autoOptimization: {
      enabled: s.isAutoOptimizationEnabled,
      ...(s.autoOptimizationFrequency !== undefined ? { frequencySeconds: parseDurationSeconds(s.autoOptimizationFrequency) } : {}),
      ...(s.autoOptimizationStartDate !== undefined ? { startDate: s.autoOptimizationStartDate } : {}),
    },
    policy: { ...stored.policy, ...(options.ok ? options.options : { applied: [], ignored: [] }) },
    ...(s.lastConfigurationEditDate !== undefined ? { editedAt: s.lastConfigurationEditDate } : {}),
  };
}

export interface ConfigurationError {
  field: string;
  message: string;
  /** Personalizer's finer code (innerError.code). */
  code: 'InvalidServiceConfiguration' | 'InvalidLearningModeServiceConfiguration' | 'InvalidRewardWaitTime' | 'InvalidLogRetentionDays' | 'InvalidModelRetrainDays' | 'InvalidPolicyContract' | 'InvalidPolicyConfiguration';
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: ConfigurationError };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (field: string, message: string, code: ConfigurationError['code'] = 'InvalidServiceConfiguration'): { ok: false; error: ConfigurationError } => ({
  ok: false,
  error: { field, message, code },
});
const SERVICE_FIELDS = new Set([
  'rewardWaitTime', 'defaultReward', 'rewardAggregation', 'explorationPercentage', 'modelExportFrequency', 'logMirrorEnabled', 'logMirrorSasUri',
  'logRetentionDays', 'lastConfigurationEditDate', 'learningMode', 'isAutoOptimizationEnabled', 'autoOptimizationFrequency', 'autoOptimizationStartDate',
  'modelRetrainDays', 'latestApprenticeModeMetrics',
]);
/** Read-only in the definitions: accepted in a PUT (clients send back what GET gave) and not stored. */
const READ_ONLY = new Set(['lastConfigurationEditDate', 'latestApprenticeModeMetrics']);
/** Required by both definitions (the preview also requires modelRetrainDays, which v1.0 clients cannot send: it keeps its value when absent). */
const REQUIRED = ['rewardWaitTime', 'defaultReward', 'rewardAggregation', 'explorationPercentage', 'modelExportFrequency', 'logRetentionDays'];

function duration(value: unknown, field: string, minS: number, maxS: number, code: ConfigurationError['code'] = 'InvalidServiceConfiguration'): Checked<number> {
  if (typeof value !== 'string') return fail(field, 'must be an ISO 8601 duration such as "PT10M"', code);
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) return fail(field, `"${value}" is not an ISO 8601 duration such as "PT10M" or "P1D"`, code);
  if (seconds < minS || seconds > maxS) return fail(field, `must be between ${formatDurationSeconds(minS)} and ${formatDurationSeconds(maxS)}, got ${value}`, code);
  return { ok: true, value: seconds };
}

function integer(value: unknown, field: string, min: number, code: ConfigurationError['code']): Checked<number> {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2_147_483_647) return fail(field, `must be an integer from ${min}`, code);
  return { ok: true, value };
}

/**
 * Validates a PUT body against the current configuration; the result replaces it. Required fields
 * as in the definitions; optional ones left out keep their value. `rewardRange` is the range
 * rewards are accepted in (RankingRewardMin/Max): the default reward must lie in it.
 */
export function checkServiceUpdate(body: unknown, current: ServiceConfiguration, rewardRange: { min: number; max: number }, now: Date): Checked<ServiceConfiguration> {
  if (!isObject(body)) return fail('body', 'must be a ServiceConfiguration object');
  for (const key of Object.keys(body)) if (!SERVICE_FIELDS.has(key)) return fail(key, 'is not a ServiceConfiguration field');
  for (const key of REQUIRED) if (body[key] === undefined || body[key] === null) return fail(key, 'is required');

  const wait = duration(body.rewardWaitTime, 'rewardWaitTime', MIN_REWARD_WAIT_SECONDS, MAX_REWARD_WAIT_SECONDS, 'InvalidRewardWaitTime');
  if (!wait.ok) return wait;
  const defaultReward = body.defaultReward;
  if (typeof defaultReward !== 'number' || !Number.isFinite(defaultReward) || defaultReward < -1 || defaultReward > 1) return fail('defaultReward', 'must be a number from -1 to 1');
  if (defaultReward < rewardRange.min || defaultReward > rewardRange.max) {
    return fail('defaultReward', `must lie in the accepted reward range [${rewardRange.min}, ${rewardRange.max}] (RankingRewardMin, RankingRewardMax)`);
  }
  const aggregation = typeof body.rewardAggregation === 'string' ? body.rewardAggregation.toLowerCase() : undefined;
  if (aggregation !== 'earliest' && aggregation !== 'sum') return fail('rewardAggregation', 'must be "earliest" or "sum"');
  const exploration = body.explorationPercentage;
  if (typeof exploration !== 'number' || !Number.isFinite(exploration) || exploration < 0 || exploration > 1) return fail('explorationPercentage', 'must be a number from 0 to 1');
  const exportFrequency = duration(body.modelExportFrequency, 'modelExportFrequency', MIN_MODEL_EXPORT_SECONDS, MAX_MODEL_EXPORT_SECONDS);
  if (!exportFrequency.ok) return exportFrequency;
  const retention = integer(body.logRetentionDays, 'logRetentionDays', -1, 'InvalidLogRetentionDays');
  if (!retention.ok) return retention;
  const minRetention = Math.ceil(wait.value / 86_400) + 1;
  if (retention.value !== -1 && retention.value < minRetention) {
    return fail('logRetentionDays', `must be -1 (keep forever) or at least the reward wait time plus one day, rounded up (${minRetention})`, 'InvalidLogRetentionDays');
  }
  const retrain = integer(body.modelRetrainDays ?? current.modelRetrainDays, 'modelRetrainDays', 0, 'InvalidModelRetrainDays');
  if (!retrain.ok) return retrain;
  if (retention.value !== -1 && retrain.value > retention.value) return fail('modelRetrainDays', `must not exceed logRetentionDays (${retention.value})`, 'InvalidModelRetrainDays');

  const learningMode = body.learningMode ?? current.learningMode;
  if (!(LEARNING_MODES as readonly unknown[]).includes(learningMode)) return fail('learningMode', `must be one of ${LEARNING_MODES.join(', ')}`);
  // Personalizer's rule: a mode change comes alone, so the two modes' rewards are never mixed up.
  if (learningMode !== current.learningMode) {
    const rewardChange = (['rewardWaitTime', 'defaultReward', 'rewardAggregation'] as const).find((k) =>
      k === 'rewardWaitTime' ? wait.value !== parseDurationSeconds(current.rewardWaitTime) : k === 'defaultReward' ? defaultReward !== current.defaultReward : aggregation !== current.rewardAggregation,
    );
    if (rewardChange) {
      return fail(rewardChange, 'cannot change in the same update as learningMode: change the mode first, then the reward settings', 'InvalidLearningModeServiceConfiguration');
    }
  }
  const auto = body.isAutoOptimizationEnabled ?? current.isAutoOptimizationEnabled;
  if (typeof auto !== 'boolean') return fail('isAutoOptimizationEnabled', 'must be true or false');
  let autoFrequency = current.autoOptimizationFrequency;
  if (body.autoOptimizationFrequency !== undefined && body.autoOptimizationFrequency !== null) {
    const f = duration(body.autoOptimizationFrequency, 'autoOptimizationFrequency', 3600, 366 * 86_400);
    if (!f.ok) return f;
    autoFrequency = body.autoOptimizationFrequency as string;
  }
  let autoStart = current.autoOptimizationStartDate;
  if (body.autoOptimizationStartDate !== undefined && body.autoOptimizationStartDate !== null) {
    if (typeof body.autoOptimizationStartDate !== 'string' || !Number.isFinite(Date.parse(body.autoOptimizationStartDate))) {
      return fail('autoOptimizationStartDate', 'must be an ISO 8601 date-time');
    }
    autoStart = new Date(body.autoOptimizationStartDate).toISOString();
  }
  const mirror = body.logMirrorEnabled ?? current.logMirrorEnabled ?? false;
  if (typeof mirror !== 'boolean') return fail('logMirrorEnabled', 'must be true or false');
  let sasUri = current.logMirrorSasUri;
  if (body.logMirrorSasUri !== undefined && body.logMirrorSasUri !== null) {
    if (typeof body.logMirrorSasUri !== 'string' || !/^https:\/\/\S+$/.test(body.logMirrorSasUri)) return fail('logMirrorSasUri', 'must be an https URI');
    sasUri = body.logMirrorSasUri;
  }
  void READ_ONLY;
  return {
    ok: true,
    value: {
      rewardWaitTime: body.rewardWaitTime as string,
      defaultReward,
      rewardAggregation: aggregation,
      explorationPercentage: exploration,
      modelExportFrequency: body.modelExportFrequency as string,
      logMirrorEnabled: mirror,
      ...(sasUri !== undefined ? { logMirrorSasUri: sasUri } : {}),
      logRetentionDays: retention.value,
      lastConfigurationEditDate: now.toISOString(),
      learningMode: learningMode as LearningMode,
      isAutoOptimizationEnabled: auto,
      ...(autoFrequency !== undefined ? { autoOptimizationFrequency: autoFrequency } : {}),
      ...(autoStart !== undefined ? { autoOptimizationStartDate: autoStart } : {}),
      modelRetrainDays: retrain.value,
    },
  };
}

/** A new service configuration also moves the policy's --epsilon, so the two never disagree. */
export function applyServiceUpdate(current: StoredConfiguration, service: ServiceConfiguration): StoredConfiguration {
  return { service, policy: { ...current.policy, arguments: withEpsilon(current.policy.arguments, service.explorationPercentage) } };
}

export function checkPolicyUpdate(body: unknown): Checked<PolicyContract & PolicyOptions> {
  if (!isObject(body)) return fail('body', 'must be a PolicyContract object: {"name", "arguments"}', 'InvalidPolicyContract');
  for (const key of Object.keys(body)) if (key !== 'name' && key !== 'arguments') return fail(key, 'is not a PolicyContract field', 'InvalidPolicyContract');
  if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 256) return fail('name', 'is required: 1-256 characters', 'InvalidPolicyContract');
  if (typeof body.arguments !== 'string' || body.arguments.length > 1024) return fail('arguments', 'is required: Vowpal Wabbit arguments of at most 1024 characters', 'InvalidPolicyContract');
  const parsed = parsePolicyArguments(body.arguments);
  if (!parsed.ok) return fail('arguments', parsed.message, 'InvalidPolicyConfiguration');
  return { ok: true, value: { name: body.name, arguments: body.arguments, ...parsed.options } };
}

/** A new policy with --epsilon also sets explorationPercentage. */
export function applyPolicyUpdate(current: StoredConfiguration, policy: PolicyContract & PolicyOptions, now: Date): StoredConfiguration {
  const service = { ...current.service, lastConfigurationEditDate: now.toISOString() };
  if (policy.epsilon !== undefined) service.explorationPercentage = policy.epsilon;
  return { service, policy: { name: policy.name, arguments: policy.arguments } };
}
