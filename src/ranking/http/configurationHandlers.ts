// The service configuration and learning settings:
//   GET/PUT /configurations/service            ServiceConfiguration
//   GET/PUT/DELETE /configurations/policy      PolicyContract (DELETE resets to the default)
// A PUT is validated (400 naming the field), stored in Cosmos DB under the document's ETag, and
// applied on this instance at once; the others read it within RankingConfigRefreshSeconds.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { readJsonBody } from '../../common/readJsonBody';
import {
  applyPolicyUpdate,
  applyServiceUpdate,
  checkPolicyUpdate,
  checkServiceUpdate,
  defaultPolicy,
  effectiveConfiguration,
  type ConfigurationError,
  type StoredConfiguration,
} from '../configuration/serviceConfiguration';
import type { ConfigurationStore } from '../configuration/configurationStore';
import type { ConfigurationCache } from '../configuration/configurationCache';
import { personalizerError, serviceUnavailable, type PersonalizerInnerCode } from '../personalizerErrors';

export interface ConfigurationApiDeps {
  store: ConfigurationStore;
  cache: ConfigurationCache;
  /** RankingRewardMin / RankingRewardMax: the default reward must lie in them. */
  rewardRange: { min: number; max: number };
  /** The app settings' exploration: what a policy reset goes back to. */
  defaultExploration: number;
  now?: () => Date;
  log?: (message: string) => void;
}

const ok = (body: unknown): HttpResponseInit => ({ status: 200, jsonBody: body, headers: { 'cache-control': 'no-store' } });
const invalid = (e: ConfigurationError): HttpResponseInit =>
  personalizerError(400, 'BadRequest', `${e.field}: ${e.message}`, e.code as PersonalizerInnerCode, e.field);

async function guarded(what: string, deps: ConfigurationApiDeps, run: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await run();
  } catch (error) {
    deps.log?.(`${what} failed: ${(error as Error).stack ?? error}`);
    return serviceUnavailable(`The configuration store is unavailable right now (${what}); try again.`);
  }
}

function policyBody(stored: StoredConfiguration): Record<string, unknown> {
  const p = effectiveConfiguration(stored).policy;
  return { name: p.name, arguments: p.arguments, appliedArguments: p.applied, ignoredArguments: p.ignored };
}

export function handleGetServiceConfiguration(deps: ConfigurationApiDeps): Promise<HttpResponseInit> {
  return guarded('reading the service configuration', deps, async () => {
    const { configuration } = await deps.store.read();
    deps.cache.set(configuration);
    // The latest Apprentice period's metrics, also after it ended: they hold the learner's switch decision.
    const metrics = await deps.store.apprenticeMetrics();
    return ok({ ...configuration.service, ...(metrics ? { latestApprenticeModeMetrics: metrics } : {}) });
  });
}

export async function handleUpdateServiceConfiguration(request: HttpRequest, deps: ConfigurationApiDeps): Promise<HttpResponseInit> {
  const body = await readJsonBody(request, 64 * 1024);
  if (!body.ok) return personalizerError(400, 'BadRequest', `body: ${body.message}`, 'InvalidServiceConfiguration', 'body');
  const now = (deps.now ?? (() => new Date()))();
  return guarded('updating the service configuration', deps, async () => {
    let stored: StoredConfiguration | undefined;
    const refused = await deps.store.update<ConfigurationError | undefined>((current) => {
      const checked = checkServiceUpdate(body.value, current.service, deps.rewardRange, now);
      if (!checked.ok) return { refused: checked.error };
      stored = applyServiceUpdate(current, checked.value);
      return { next: stored, result: undefined };
    }, now);
    if (refused) return invalid(refused);
    deps.cache.set(stored!);
    deps.log?.(`configuration: service configuration updated (exploration ${stored!.service.explorationPercentage}, mode ${stored!.service.learningMode})`);
    return ok(stored!.service);
  });
}

export function handleGetPolicy(deps: ConfigurationApiDeps): Promise<HttpResponseInit> {
  return guarded('reading the learning settings', deps, async () => {
    const { configuration } = await deps.store.read();
    deps.cache.set(configuration);
    return ok(policyBody(configuration));
  });
}

export async function handleUpdatePolicy(request: HttpRequest, deps: ConfigurationApiDeps): Promise<HttpResponseInit> {
  const body = await readJsonBody(request, 16 * 1024);
  if (!body.ok) return personalizerError(400, 'BadRequest', `body: ${body.message}`, 'InvalidPolicyContract', 'body');
  const checked = checkPolicyUpdate(body.value);
  if (!checked.ok) return invalid(checked.error);
  const now = (deps.now ?? (() => new Date()))();
  return guarded('updating the learning settings', deps, async () => {
    let stored: StoredConfiguration | undefined;
    await deps.store.update((current) => {
      stored = applyPolicyUpdate(current, checked.value, now);
      return { next: stored, result: undefined };
    }, now);
    deps.cache.set(stored!);
    return ok(policyBody(stored!));
  });
}

export function handleResetPolicy(deps: ConfigurationApiDeps): Promise<HttpResponseInit> {
  const now = (deps.now ?? (() => new Date()))();
  return guarded('resetting the learning settings', deps, async () => {
    let stored: StoredConfiguration | undefined;
    await deps.store.update((current) => {
      const policy = defaultPolicy(deps.defaultExploration);
      stored = applyPolicyUpdate(current, { ...policy, epsilon: deps.defaultExploration, applied: [], ignored: [] }, now);
      return { next: stored, result: undefined };
    }, now);
    deps.cache.set(stored!);
    return ok(policyBody(stored!));
  });
}
