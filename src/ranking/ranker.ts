// One rank decision: features → one batched model run (or the priors) → exploration (epsilon-greedy or SquareCB) →
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
import type { Decision, Random } from '../learners/epsilonGreedy';
import { explorationFor, type ExplorationChoice } from './explorationPolicy';
import { signEventId } from './eventIdToken';
import type { FeatureObject, RankAction } from './rankRequest';
import type { EffectiveConfiguration } from './configuration/serviceConfiguration';
import { chooseSlots, type SlotInput, type SlotOutcome } from './multiSlot';

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

export interface MultiSlotInput extends Omit<RankInput, 'excludedActions'> {
  slots: SlotInput[];
}

export interface MultiSlotOutcome {
  slots: { id: string; rewardActionId?: string; probability?: number }[];
  eventId: string;
  modelVersion: string | null;
}

/** What the ranker reads of the service configuration (the ConfigurationCache's current value: no I/O). */
export type RankerConfiguration = Pick<EffectiveConfiguration, 'exploration' | 'learningMode' | 'rewardWaitSeconds' | 'defaultReward' | 'rewardAggregation'> & {
  /** The learning settings' exploration options (--squarecb); absent: epsilon-greedy. */
  policy?: Pick<EffectiveConfiguration['policy'], 'squareCb'>;
};

export interface RankerDeps {
  settings: Pick<RankingSettings, 'signingKeys' | 'rewardMin' | 'rewardMax'> & Partial<Pick<RankingSettings, 'exploration' | 'rewardWaitSeconds' | 'defaultReward' | 'rewardAggregation'>>;
  /** The service configuration; without it, the app settings' values in Online mode. */
  configuration?: () => RankerConfiguration;
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

/** What the single-slot and multi-slot decisions share of their input. */
export type DecisionInput = Omit<RankInput, 'excludedActions'>;

interface DecisionSetup {
  key: Buffer;
  profile: ProfileView | undefined;
  nowMs: number;
  context: FeatureMap;
  segment: string;
  priors: number[];
  config: RankerConfiguration;
}

/** The decision event's fields that say what was chosen, which each kind of decision fills its own way. */
type MadeDecision = Pick<DecisionRecord, 'actions' | 'ranking' | 'rewardActionId' | 'greedyActionId' | 'explored' | 'learnerActionId' | 'slots'>;

export class Ranker {
  private readonly now: () => number;
  private readonly configuration: () => RankerConfiguration;

  constructor(private readonly deps: RankerDeps) {
    this.now = deps.now ?? Date.now;
    const s = deps.settings;
    const fromSettings: RankerConfiguration = {
      exploration: s.exploration ?? 0.2,
      learningMode: 'Online',
      rewardWaitSeconds: s.rewardWaitSeconds ?? 600,
      defaultReward: s.defaultReward ?? 0,
      rewardAggregation: s.rewardAggregation ?? 'earliest',
    };
    this.configuration = deps.configuration ?? (() => fromSettings);
  }

  async rank(input: RankInput): Promise<RankOutcome> {
    const setup = await this.setUp(input);
    const { priors, config } = setup;
    const mode = config.learningMode;
    // LoggingOnly serves and logs the baseline without running the learner.
    const { scores, model } = mode === 'LoggingOnly' ? { scores: priors, model: undefined } : await this.score(setup.context, input.actions, priors, setup.profile, setup.nowMs);
    const excluded = input.actions.map((a) => input.excludedActions.has(a.id));
    const exploration = explorationFor(config, model?.manifest.trainingData?.rows);
    const learner = exploration.decide(scores, excluded, this.deps.random);
    // Apprentice and LoggingOnly: users get the baseline (the first eligible action, as in
    // Personalizer), logged with probability 1; the learner's own choice is logged beside it.
    const decision = mode === 'Online' ? learner : baselineDecision(excluded, learner.order, learner.greedy);
    const rewardActionId = input.actions[decision.chosen].id;
    const eventId = this.eventIdFor(input, setup, rewardActionId);
    const ranking = decision.order.map((i) => ({ id: input.actions[i].id, probability: decision.probabilities[i] }));

    this.logDecision(input, setup, eventId, exploration, model, {
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
      ...(mode === 'Apprentice' ? { learnerActionId: input.actions[learner.greedy].id } : {}),
    });
    return { ranking, eventId, rewardActionId, modelVersion: model?.version ?? null };
  }

  /**
   * Multi-slot rank: one model run for all slots' rows (one slot's rows when no slot has
   * features), then the slots in request order, each choosing among the actions it does not
   * exclude that no earlier slot took, so a decision never shows one action twice.
   */
  async rankSlots(input: MultiSlotInput): Promise<MultiSlotOutcome> {
    const setup = await this.setUp(input);
    const { priors, config, context, profile, nowMs } = setup;
    const mode = config.learningMode;

    let model: LoadedModel | undefined;
    const scoresPerSlot: ArrayLike<number>[] = [];
    if (mode === 'LoggingOnly') {
      for (let i = 0; i < input.slots.length; i++) scoresPerSlot.push(priors);
    } else if (input.slots.every((slot) => slot.features.length === 0)) {
      const scored = await this.score(context, input.actions, priors, profile, nowMs);
      model = scored.model;
      for (let i = 0; i < input.slots.length; i++) scoresPerSlot.push(scored.scores);
    } else {
      // A slot's features extend the context (later objects win, as in flattenFeatures); all
      // slots' rows go through one model run.
      const contexts = input.slots.map((slot) => (slot.features.length === 0 ? context : flattenFeatures([...input.contextFeatures, ...slot.features])));
      const scored = await this.scoreContexts(contexts, input.actions, priors, profile, nowMs);
      model = scored.model;
      scoresPerSlot.push(...scored.scores);
    }
    const exploration = explorationFor(config, model?.manifest.trainingData?.rows);
    const chosen: SlotOutcome[] = chooseSlots(input.actions.map((a) => a.id), input.slots, scoresPerSlot, { decide: exploration.decide, serveBaseline: mode !== 'Online', random: this.deps.random });
    const first = chosen.find((c) => c.rewardActionId !== undefined)?.rewardActionId ?? input.actions[0].id;
    const eventId = this.eventIdFor(input, setup, first);
    const firstSlot = chosen[0];
    this.logDecision(input, setup, eventId, exploration, model, {
      // The actions with the first slot's view of them; every slot's own is in `slots`.
      actions: input.actions.map((a, i) => ({
        id: a.id,
        features: a.features,
        prior: priors[i],
        score: scoresPerSlot[0][i],
        probability: firstSlot.probabilities[i],
        excluded: firstSlot.probabilities[i] === 0 && a.id !== firstSlot.rewardActionId,
      })),
      ranking: chosen.flatMap((c) => (c.rewardActionId !== undefined ? [c.rewardActionId] : [])),
      rewardActionId: first,
      greedyActionId: firstSlot.greedyActionId ?? first,
      explored: firstSlot.explored,
      slots: chosen.map((c, i) => ({
        id: c.id,
        ...(c.rewardActionId !== undefined ? { rewardActionId: c.rewardActionId, probability: c.probability } : {}),
        ...(c.greedyActionId !== undefined ? { greedyActionId: c.greedyActionId } : {}),
        explored: c.explored,
        baselineActionId: input.slots[i].baselineAction,
        excludedActions: [...input.slots[i].excludedActions],
        features: input.slots[i].features,
        scores: Array.from(scoresPerSlot[i], (v) => (Number.isNaN(v) ? 0 : v)),
      })),
    });
    return {
      slots: chosen.map((c) => ({ id: c.id, ...(c.rewardActionId !== undefined ? { rewardActionId: c.rewardActionId, probability: c.probability } : {}) })),
      eventId,
      modelVersion: model?.version ?? null,
    };
  }

  /** What either kind of decision starts from: the signing key, the user's profile, the context's segment and priors, the configuration of this moment. */
  private async setUp(input: DecisionInput): Promise<DecisionSetup> {
    const key = this.deps.settings.signingKeys[0];
    if (!key) throw new RankerNotConfiguredError('RankingSigningKeys is not set: event ids cannot be signed');
    const profile: ProfileView | undefined = input.userId !== undefined && this.deps.profiles ? await this.deps.profiles.get(input.userId) : undefined;
    const nowMs = this.now();
    const context = flattenFeatures(input.contextFeatures);
    const segment = segmentOf(context, profile, nowMs);
    const table = this.deps.priors();
    const priors = input.actions.map((a) => priorFor(table, segment, a.id));
    return { key, profile, nowMs, context, segment, priors, config: this.configuration() };
  }

  /** Queues the decision event: what a decision made (`made`) beside what every decision records the same way. */
  private logDecision(input: DecisionInput, setup: DecisionSetup, eventId: string, exploration: ExplorationChoice, model: LoadedModel | undefined, made: MadeDecision): void {
    const { config } = setup;
    const mode = config.learningMode;
    const s = this.deps.settings;
    this.deps.logDecision(
      decisionEvent(
        {
          eventId,
          clientEventId: input.clientEventId,
          source: input.source,
          issuedAtMs: setup.nowMs,
          userId: input.userId,
          anonymous: input.anonymous,
          segment: setup.segment,
          contextFeatures: input.contextFeatures,
          ...made,
          epsilon: exploration.epsilon,
          model: model ? { name: model.name, version: model.version, sha256: model.sha256 } : null,
          profile: setup.profile ?? null,
          activated: !input.deferActivation,
          reward: { waitSeconds: config.rewardWaitSeconds, defaultReward: config.defaultReward, aggregation: config.rewardAggregation, min: s.rewardMin, max: s.rewardMax },
          learningMode: mode,
          ...(mode === 'Online' ? { exploration: exploration.policy, ...(exploration.gamma !== undefined ? { gamma: exploration.gamma } : {}) } : {}),
        },
        new Date(setup.nowMs),
      ),
    );
  }

  /** A client's own event id is returned unchanged (Personalizer's contract); ours are signed. */
  private eventIdFor(input: DecisionInput, setup: DecisionSetup, rewardActionId: string): string {
    if (input.clientEventId !== undefined) return input.clientEventId;
    return signEventId({ issuedAtMs: setup.nowMs, userId: input.userId, anonymous: input.anonymous, rewardActionId, source: input.source }, setup.key);
  }

  /** Every (context, action) row in one model run, split per context; the priors when there is no model or it fails. */
  private async scoreContexts(
    contexts: FeatureMap[],
    actions: RankAction[],
    priors: number[],
    profile: ProfileView | undefined,
    nowMs: number,
  ): Promise<{ scores: ArrayLike<number>[]; model: LoadedModel | undefined }> {
    // Read the reference and start the run with no await in between: a swap cannot release it under us.
    const model = this.deps.model();
    if (!model) return { scores: contexts.map(() => priors), model: undefined };
    try {
      const rows = actions.map((a, i) => ({ features: flattenFeatures(a.features), prior: priors[i] }));
      const matrices = contexts.map((c) => buildFeatureMatrix(c, rows, profile, nowMs, model.manifest.features));
      let all = matrices[0];
      if (matrices.length > 1) {
        all = new Float32Array(matrices.length * matrices[0].length);
        matrices.forEach((m, i) => all.set(m, i * m.length));
      }
      const scores = await model.score(all, contexts.length * actions.length);
      return { scores: contexts.map((_, i) => scores.subarray(i * actions.length, (i + 1) * actions.length)), model };
    } catch (error) {
      this.deps.log?.(`rank: model ${model.name}/${model.version} failed, ranked by priors: ${(error as Error).message}`);
      return { scores: contexts.map(() => priors), model: undefined };
    }
  }

  /** All actions in one model run; the priors when there is no model or it fails. */
  private async score(
    context: FeatureMap,
    actions: RankAction[],
    priors: number[],
    profile: ProfileView | undefined,
    nowMs: number,
  ): Promise<{ scores: ArrayLike<number>; model: LoadedModel | undefined }> {
    const { scores, model } = await this.scoreContexts([context], actions, priors, profile, nowMs);
    return { scores: scores[0], model };
  }
}

/**
 * Apprentice / LoggingOnly: the baseline (first eligible action) first with probability 1, then
 * the other eligible actions in the learner's order, then the excluded ones.
 */
function baselineDecision(excluded: readonly boolean[], learnerOrder: number[], learnerGreedy: number): Decision {
  const baseline = excluded.findIndex((x) => !x);
  const probabilities = excluded.map((_, i) => (i === baseline ? 1 : 0));
  return { order: [baseline, ...learnerOrder.filter((i) => i !== baseline)], probabilities, chosen: baseline, greedy: learnerGreedy, explored: false };
}
