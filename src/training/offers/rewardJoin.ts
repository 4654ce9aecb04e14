// Joins each logged decision with its rewards under the reward policy recorded IN the decision
// (docs/ranking.md, "Learning loop"): rewards for the chosen action received within waitSeconds
// of the issue time count; several are summed ('sum') or the earliest is kept ('earliest'); an
// activated decision with none gets defaultReward; a decision is activated at rank time, by an
// activation event or by a reward in time; decisions whose window is still open are left out.
import type { LoggedActivation, LoggedDecision, LoggedReward } from '../../events/learningEvents';

/** Rewards and activations stamped this much before the issue time still count (clocks of two instances). */
export const CLOCK_SKEW_MS = 60_000;

export interface JoinedDecision {
  decision: LoggedDecision;
  /** The joined reward, clamped to the decision's [min, max]. */
  reward: number;
  /** Rewards that counted (0 = the default reward was applied). */
  rewardCount: number;
}

export interface JoinStats {
  /** Unique decisions in the log. */
  decisions: number;
  /** Issued outside the requested [from, to). */
  outOfRange: number;
  /** issuedAt + waitSeconds is after `now`: their rewards may still come. */
  pending: number;
  /** deferActivation decisions never activated nor rewarded: not training examples. */
  notActivated: number;
  /** Training examples. */
  used: number;
  rewarded: number;
  defaulted: number;
  activatedByEvent: number;
  activatedByReward: number;
  rewardsCounted: number;
  /** Later rewards of 'earliest' decisions (received in time but not the first). */
  rewardsSuperseded: number;
  /** Received after the wait time (or before the decision, beyond the clock-skew allowance). */
  rewardsOutsideWindow: number;
  /** For another action than the decision's rewardActionId (rewards sent with a client's own event id name no action: they reward what the decision chose). */
  rewardsWrongAction: number;
  /** Rewards whose decision is not in the archive read (another range, or lost). */
  orphanRewards: number;
  /** Joined rewards outside [min, max] (a sum above max), clamped. */
  clamped: number;
}

export interface JoinOptions {
  nowMs: number;
  fromMs?: number;
  toMs?: number;
}

export interface JoinInput {
  decisions: Map<string, LoggedDecision>;
  rewards: Map<string, LoggedReward[]>;
  activations: Map<string, LoggedActivation[]>;
}

/** Examples sorted by issue time (then eventId), with the counts of every rule applied. */
export function joinRewards(log: JoinInput, opts: JoinOptions): { joined: JoinedDecision[]; stats: JoinStats } {
  const stats: JoinStats = {
    decisions: log.decisions.size,
    outOfRange: 0,
    pending: 0,
    notActivated: 0,
    used: 0,
    rewarded: 0,
    defaulted: 0,
    activatedByEvent: 0,
    activatedByReward: 0,
    rewardsCounted: 0,
    rewardsSuperseded: 0,
    rewardsOutsideWindow: 0,
    rewardsWrongAction: 0,
    orphanRewards: 0,
    clamped: 0,
  };
  for (const [eventId, rewards] of log.rewards) if (!log.decisions.has(eventId)) stats.orphanRewards += rewards.length;

  const joined: JoinedDecision[] = [];
  for (const d of log.decisions.values()) {
    if ((opts.fromMs !== undefined && d.issuedAtMs < opts.fromMs) || (opts.toMs !== undefined && d.issuedAtMs >= opts.toMs)) {
      stats.outOfRange++;
      continue;
    }
    const policy = d.reward;
    const windowEnd = d.issuedAtMs + policy.waitSeconds * 1000;
    if (windowEnd > opts.nowMs) {
      stats.pending++;
      continue;
    }
    const inWindow = (atMs: number) => atMs >= d.issuedAtMs - CLOCK_SKEW_MS && atMs <= windowEnd;
    const counted: LoggedReward[] = [];
    for (const r of log.rewards.get(d.eventId) ?? []) {
      if (r.rewardActionId !== undefined && r.rewardActionId !== d.rewardActionId) stats.rewardsWrongAction++;
      else if (!inWindow(r.atMs)) stats.rewardsOutsideWindow++;
      else counted.push(r);
    }
    const activatedByEvent = (log.activations.get(d.eventId) ?? []).some((a) => inWindow(a.atMs));
    if (!d.activated && !activatedByEvent && counted.length === 0) {
      stats.notActivated++;
      continue;
    }
    if (!d.activated) {
      if (activatedByEvent) stats.activatedByEvent++;
      else stats.activatedByReward++;
    }
    let reward: number;
    let rewardCount = counted.length;
    if (counted.length === 0) {
      reward = policy.defaultReward;
      stats.defaulted++;
    } else if (policy.aggregation === 'sum') {
      reward = counted.reduce((s, r) => s + r.value, 0);
      stats.rewarded++;
    } else {
      // Stable: equal times keep archive order.
      const earliest = counted.reduce((best, r) => (r.atMs < best.atMs ? r : best));
      reward = earliest.value;
      stats.rewardsSuperseded += counted.length - 1;
      rewardCount = 1;
      stats.rewarded++;
    }
    stats.rewardsCounted += rewardCount;
    if (reward < policy.min || reward > policy.max) {
      reward = Math.min(policy.max, Math.max(policy.min, reward));
      stats.clamped++;
    }
    joined.push({ decision: d, reward, rewardCount });
  }
  joined.sort((a, b) => a.decision.issuedAtMs - b.decision.issuedAtMs || (a.decision.eventId < b.decision.eventId ? -1 : a.decision.eventId > b.decision.eventId ? 1 : 0));
  stats.used = joined.length;
  return { joined, stats };
}

/** The reward as a label in [0, 1]: (reward − min) / (max − min) of the decision's policy. */
export function rewardLabel(j: JoinedDecision): number {
  const { min, max } = j.decision.reward;
  return Math.min(1, Math.max(0, (j.reward - min) / (max - min)));
}
