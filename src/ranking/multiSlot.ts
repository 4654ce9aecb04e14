// Multi-slot choice (Personalizer's multi-slot rank): the slots are filled in request order, each
// by the exploration policy (epsilon-greedy or SquareCB) over the actions it does not exclude that no earlier slot took (so a decision
// never shows an action twice), with its own scores. A slot's logged probability is that of its
// choice given the earlier slots' choices, so the product over slots is the whole layout's
// propensity. In Apprentice and LoggingOnly mode each slot serves its baseline action
// (probability 1) and the learner's choice is logged beside it.
import { epsilonGreedy, type Decision, type Random } from '../learners/epsilonGreedy';
import type { FeatureObject } from './rankRequest';

export interface SlotInput {
  id: string;
  features: FeatureObject[];
  excludedActions: ReadonlySet<string>;
  baselineAction: string;
}

export interface SlotOutcome {
  id: string;
  /** Absent when no action was left for this slot. */
  rewardActionId?: string;
  probability?: number;
  /** The learner's preferred action among the slot's eligible ones. */
  greedyActionId?: string;
  explored: boolean;
  /** Per action index: the probability this slot's choice is that action (0 for ineligible ones). */
  probabilities: number[];
}

export interface SlotPolicy {
  /** The learner's choice for one slot (explorationPolicy.ts); greedy when serving the baseline. */
  decide: (scores: ArrayLike<number>, excluded: readonly boolean[], random: Random) => Decision;
  /** Apprentice / LoggingOnly: serve each slot's baseline. */
  serveBaseline: boolean;
  random: Random;
}

export function chooseSlots(actionIds: readonly string[], slots: readonly SlotInput[], scores: readonly ArrayLike<number>[], policy: SlotPolicy): SlotOutcome[] {
  const index = new Map(actionIds.map((id, i) => [id, i]));
  const used = new Array<boolean>(actionIds.length).fill(false);
  return slots.map((slot, s) => {
    const ineligible = actionIds.map((id, i) => used[i] || slot.excludedActions.has(id));
    if (ineligible.every(Boolean)) return { id: slot.id, explored: false, probabilities: ineligible.map(() => 0) };
    const learner = policy.serveBaseline ? epsilonGreedy(scores[s], ineligible, 0, policy.random) : policy.decide(scores[s], ineligible, policy.random);
    let chosen = learner.chosen;
    let probabilities = learner.probabilities;
    let explored = learner.explored;
    if (policy.serveBaseline) {
      const baseline = index.get(slot.baselineAction);
      // The baseline is taken already when an earlier slot's baseline... cannot be: baselines are
      // unique and never excluded (validated), and earlier slots served their own baselines.
      if (baseline !== undefined && !ineligible[baseline]) {
        chosen = baseline;
        probabilities = ineligible.map((_, i) => (i === baseline ? 1 : 0));
        explored = false;
      }
    }
    used[chosen] = true;
    return {
      id: slot.id,
      rewardActionId: actionIds[chosen],
      probability: probabilities[chosen],
      greedyActionId: actionIds[learner.greedy],
      explored,
      probabilities,
    };
  });
}
