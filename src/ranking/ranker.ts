// One rank decision: features → one batched model run (or the priors) → epsilon-greedy →
// signed eventId → decision event queued for Event Hubs. No database write on this path.
import type { RankingSettings } from '../config/rankingSettings';
import type { TrackedEvent } from '../events/eventSchema';
import { buildFeatureMatrix } from '../features/featureBuilder';
import { flattenFeatures, type FeatureMap } from '../features/flattenFeatures';
import { priorFor, type PriorTable } from '../features/priors';
import type { ProfileSource } from '../features/profileCache';
import type { ProfileView } from '../features/profileView';
import { segmentOf } from '../features/segment';
import type { LoadedModel } from '../scoring/loadedModel';
import { decisionEvent, type DecisionRecord } from '../events/learningEvents';
import { epsilonGreedy, type Random } from '../learners/epsilonGreedy';
import { signEventId } from './eventIdToken';
import type { FeatureObject, RankAction } from './rankRequest';

export interface RankInput {
  contextFeatures: FeatureObject[];
  actions: RankAction[];
  excludedActions: ReadonlySet<string>;
  clientEventId?: string;
  deferActivation: boolean;
  /** The user key the profile is read with; an anonymousId when `anonymous`. */
  userId?: string;
  anonymous?: boolean;
  source: DecisionRecord['source'];
}

export interface RankedAction {
  id: string;
  probability: number;
}

export interface RankOutcome {
  ranking: RankedAction[];
  eventId: string;
  rewardActionId: string;
  /** Null when the priors ranked (no model yet, or the model failed for this request). */
  modelVersion: string | null;
}

export interface RankerDeps {
  settings: Pick<RankingSettings, 'exploration' | 'signingKeys' | 'rewardWaitSeconds' | 'defaultReward' | 'rewardAggregation' | 'rewardMin' | 'rewardMax'>;
  model: () => LoadedModel | undefined;
  priors: () => PriorTable;
  profiles?: ProfileSource;
  /** Where decision events go (DecisionLog.enqueue). */
  logDecision: (event: TrackedEvent) => void;
  random: Random;
  now?: () => number;
  log?: (message: string) => void;
}

export class RankerNotConfiguredError extends Error {}

export class Ranker {
  private readonly now: () => number;

  constructor(private readonly deps: RankerDeps) {
    this.now = deps.now ?? Date.now;
  }

  async rank(input: RankInput): Promise<RankOutcome> {
    const key = this.deps.settings.signingKeys[0];
    if (!key) throw new RankerNotConfiguredError('RankingSigningKeys is not set: event ids cannot be signed');
    const profile: ProfileView | undefined = input.userId !== undefined && this.deps.profiles ? await this.deps.profiles.get(input.userId) : undefined;
    const nowMs = this.now();
    const context = flattenFeatures(input.contextFeatures);
    const segment = segmentOf(context, profile, nowMs);
    const table = this.deps.priors();
    const priors = input.actions.map((a) => priorFor(table, segment, a.id));

    const { scores, model } = await this.score(context, input.actions, priors, profile, nowMs);
    const excluded = input.actions.map((a) => input.excludedActions.has(a.id));
    const epsilon = this.deps.settings.exploration;
    const decision = epsilonGreedy(scores, excluded, epsilon, this.deps.random);
    const rewardActionId = input.actions[decision.chosen].id;
    const eventId = signEventId(
      { clientEventId: input.clientEventId, issuedAtMs: nowMs, userId: input.userId, anonymous: input.anonymous, rewardActionId, source: input.source },
      key,
    );
    const ranking = decision.order.map((i) => ({ id: input.actions[i].id, probability: decision.probabilities[i] }));

    const s = this.deps.settings;
    this.deps.logDecision(
      decisionEvent(
        {
          eventId,
          clientEventId: input.clientEventId,
          source: input.source,
          issuedAtMs: nowMs,
          userId: input.userId,
          anonymous: input.anonymous,
          segment,
          contextFeatures: input.contextFeatures,
          actions: input.actions.map((a, i) => ({
            id: a.id,
            features: a.features,
            prior: priors[i],
            score: scores[i],
            probability: decision.probabilities[i],
            excluded: excluded[i],
          })),
          ranking: ranking.map((r) => r.id),
          rewardActionId,
          greedyActionId: input.actions[decision.greedy].id,
          explored: decision.explored,
          epsilon,
          model: model ? { name: model.name, version: model.version, sha256: model.sha256 } : null,
          profile: profile ?? null,
          activated: !input.deferActivation,
          reward: { waitSeconds: s.rewardWaitSeconds, defaultReward: s.defaultReward, aggregation: s.rewardAggregation, min: s.rewardMin, max: s.rewardMax },
        },
        new Date(nowMs),
      ),
    );
    return { ranking, eventId, rewardActionId, modelVersion: model?.version ?? null };
  }

  /** All actions in one model run; the priors when there is no model or it fails. */
  private async score(
    context: FeatureMap,
    actions: RankAction[],
    priors: number[],
    profile: ProfileView | undefined,
    nowMs: number,
  ): Promise<{ scores: ArrayLike<number>; model: LoadedModel | undefined }> {
    // Read the reference and start the run with no await in between: a swap cannot release it under us.
    const model = this.deps.model();
    if (!model) return { scores: priors, model: undefined };
    try {
      const rows = actions.map((a, i) => ({ features: flattenFeatures(a.features), prior: priors[i] }));
      const matrix = buildFeatureMatrix(context, rows, profile, nowMs, model.manifest.features);
      return { scores: await model.score(matrix, actions.length), model };
    } catch (error) {
      this.deps.log?.(`rank: model ${model.name}/${model.version} failed, ranked by priors: ${(error as Error).message}`);
      return { scores: priors, model: undefined };
    }
  }
}
