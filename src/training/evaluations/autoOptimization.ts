// Auto-optimization (the service configuration's isAutoOptimizationEnabled, autoOptimizationFrequency,
// autoOptimizationStartDate), as Personalizer did it: every period an automatic evaluation (type
// Auto, with discovery) of the period just past; when it ends, the best learning settings replace
// the online ones only if they are clearly better — the lower end of their DR interval above the
// online policy's DR value — and the evaluation ends OptimalPolicyApplied, else OnlinePolicyRetained.
// The resumePersonalizerJobs timer checks every minute; the evaluation id names the period, so two
// instances checking at once create it once.
import { addSums, emptySums, estimatesFromSums, sumsFromArray } from '../../learners/offPolicySums';
import type { ConfigurationStore } from '../../ranking/configuration/configurationStore';
import { applyPolicyUpdate, checkPolicyUpdate, effectiveConfiguration } from '../../ranking/configuration/serviceConfiguration';
import type { EvaluationStore, StoredEvaluationResult } from '../../ranking/evaluations/evaluationStore';

/** The period when autoOptimizationFrequency is not set. */
export const DEFAULT_AUTO_FREQUENCY_SECONDS = 7 * 86_400;

const drOf = (p: StoredEvaluationResult['policies'][number]) => estimatesFromSums(p.buckets.map(([, ...s]) => sumsFromArray(s)).reduce((t, s) => addSums(t, s), emptySums()));

export interface AutoDecision {
  apply?: { name: string; arguments: string };
  reason: string;
}

/** Whether an automatic evaluation's best learning settings should replace the online ones. */
export function autoDecision(result: StoredEvaluationResult): AutoDecision {
  const online = result.policies.find((p) => p.source === 'Online');
  const best = result.policies.find((p) => p.name === result.optimalPolicy);
  if (!online || !best || best === online) return { reason: 'the online learning settings are the best evaluated' };
  const o = drOf(online)!.dr;
  const b = drOf(best)!.dr;
  const shown = (x: number) => x.toFixed(4);
  if (b.lower > o.value) return { apply: { name: best.name, arguments: best.arguments }, reason: `"${best.name}" (DR ${shown(b.value)}, interval from ${shown(b.lower)}) beats the online settings (DR ${shown(o.value)})` };
  return { reason: `"${best.name}" (DR ${shown(b.value)}, interval from ${shown(b.lower)}) is not clearly better than the online settings (DR ${shown(o.value)})` };
}

/** Writes the chosen learning settings through the configuration store (every instance reads them within RankingConfigRefreshSeconds). */
export async function applyLearningSettings(store: ConfigurationStore, policy: { name: string; arguments: string }, now: Date): Promise<void> {
  const checked = checkPolicyUpdate(policy);
  if (!checked.ok) throw new Error(`${checked.error.field}: ${checked.error.message}`);
  await store.update((current) => ({ next: applyPolicyUpdate(current, checked.value, now), result: undefined }), now);
}

export interface AutoTickDeps {
  store: EvaluationStore;
  configurationStore: ConfigurationStore;
  /** Starts a created evaluation (EvaluationJobs.start). */
  start: (evaluationId: string) => Promise<unknown>;
  now: Date;
}

/** Creates and starts the period's automatic evaluation when one is due; says what it did. */
export async function autoOptimizationTick(deps: AutoTickDeps): Promise<{ created?: string; reason: string }> {
  const read = await deps.configurationStore.read();
  const auto = effectiveConfiguration(read.configuration).autoOptimization;
  if (!auto.enabled) return { reason: 'auto-optimization is off' };
  const nowMs = deps.now.getTime();
  if (auto.startDate && Date.parse(auto.startDate) > nowMs) return { reason: `auto-optimization starts at ${auto.startDate}` };
  const periodMs = (auto.frequencySeconds ?? DEFAULT_AUTO_FREQUENCY_SECONDS) * 1000;
  const last = (await deps.store.list()).filter((e) => e.evaluationType === 'Auto').map((e) => Date.parse(e.creationTime)).reduce((a, b) => Math.max(a, b), -Infinity);
  if (last + periodMs > nowMs) return { reason: `not due: next at ${new Date(last + periodMs).toISOString()}` };
  // Periods counted from the start date (or the epoch): the id is the same on every instance.
  const originMs = auto.startDate ? Date.parse(auto.startDate) : 0;
  const periodStart = originMs + Math.floor((nowMs - originMs) / periodMs) * periodMs;
  const evaluationId = `auto-${new Date(periodStart).toISOString()}`;
  const created = await deps.store.create(
    {
      evaluationId,
      name: `Auto-optimization ${new Date(periodStart).toISOString().slice(0, 16)}Z`,
      startTime: new Date(nowMs - periodMs).toISOString(),
      endTime: deps.now.toISOString(),
      creationTime: deps.now.toISOString(),
      status: 'NotSubmitted',
      evaluationType: 'Auto',
      policies: [],
      discovery: true,
      attempts: 0,
    },
    deps.now,
  );
  if (!created) return { reason: `${evaluationId} exists` };
  await deps.start(evaluationId);
  return { created: evaluationId, reason: 'due' };
}
