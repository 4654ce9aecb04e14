// The join rules on events written by the ranker's own serialisers: wait time, default reward,
// sum / earliest, activation, pending windows, duplicates and re-sent copies.
import { describe, expect, it } from 'vitest';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { activationEvent, decisionEvent, parseLoggedEvent, rewardEvent, type DecisionRecord, type RewardPolicy } from '../../../src/events/learningEvents';
import { LoggedEventCollector } from '../../../src/training/offers/loggedEventCollector';
import { joinRewards, rewardLabel } from '../../../src/training/offers/rewardJoin';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const S = 1000;
const WAIT = 600;

function decision(eventId: string, issuedAtMs: number, reward: Partial<RewardPolicy> = {}, activated = true): TrackedEvent {
  const record: DecisionRecord = {
    eventId,
    source: 'rank',
    issuedAtMs,
    userId: 'u1',
    segment: 'desktop|new',
    contextFeatures: [{ device: 'desktop' }],
    actions: [
      { id: 'a', features: [{ category: 'shoes' }], prior: 0.2, score: 0.2, probability: 0.9, excluded: false },
      { id: 'b', features: [{ category: 'bags' }], prior: 0.1, score: 0.1, probability: 0.1, excluded: false },
    ],
    ranking: ['a', 'b'],
    rewardActionId: 'a',
    greedyActionId: 'a',
    explored: false,
    epsilon: 0.2,
    model: null,
    profile: null,
    activated,
    reward: { waitSeconds: WAIT, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1, ...reward },
  };
  return decisionEvent(record, new Date(issuedAtMs));
}

const reward = (eventId: string, issuedAtMs: number, atMs: number, value: number, action = 'a') =>
  rewardEvent({ eventId, issuedAtMs, userId: 'u1', rewardActionId: action, value }, new Date(atMs));

function collect(events: TrackedEvent[]) {
  const c = new LoggedEventCollector();
  for (const e of events) c.add(Buffer.from(JSON.stringify(e)));
  return c;
}

function join(events: TrackedEvent[], nowMs = T0 + 86_400_000, range: { fromMs?: number; toMs?: number } = {}) {
  const c = collect(events);
  const { joined, stats } = joinRewards(c.collected, { nowMs, ...range });
  const byId = new Map(joined.map((j) => [j.decision.eventId, j]));
  return { joined, stats, byId, collector: c };
}

describe('reward join', () => {
  it('counts rewards within the wait time only, and gives the rest the default reward', () => {
    const events = [
      decision('on-time', T0),
      reward('on-time', T0, T0 + WAIT * S, 1),
      decision('late', T0 + 1),
      reward('late', T0 + 1, T0 + 1 + WAIT * S + 1, 1),
      decision('skewed', T0 + 2),
      reward('skewed', T0 + 2, T0 + 2 - 30 * S, 1),
      decision('too-early', T0 + 3),
      reward('too-early', T0 + 3, T0 + 3 - 120 * S, 1),
      decision('none', T0 + 4, { defaultReward: 0.25 }),
    ];
    const { byId, stats } = join(events);
    expect(byId.get('on-time')).toMatchObject({ reward: 1, rewardCount: 1 });
    expect(byId.get('late')).toMatchObject({ reward: 0, rewardCount: 0 });
    expect(byId.get('skewed')).toMatchObject({ reward: 1, rewardCount: 1 });
    expect(byId.get('too-early')).toMatchObject({ reward: 0, rewardCount: 0 });
    expect(byId.get('none')).toMatchObject({ reward: 0.25, rewardCount: 0 });
    expect(rewardLabel(byId.get('none')!)).toBe(0.25);
    expect(stats).toMatchObject({ used: 5, rewarded: 2, defaulted: 3, rewardsOutsideWindow: 2, rewardsCounted: 2 });
  });

  it('sums or keeps the earliest as each decision recorded, clamped to its range', () => {
    const events = [
      decision('sum', T0, { aggregation: 'sum' }),
      reward('sum', T0, T0 + 10 * S, 0.4),
      reward('sum', T0, T0 + 20 * S, 0.3),
      decision('sum-over', T0 + 1, { aggregation: 'sum' }),
      reward('sum-over', T0 + 1, T0 + 10 * S, 0.8),
      reward('sum-over', T0 + 1, T0 + 20 * S, 0.5),
      decision('earliest', T0 + 2, { aggregation: 'earliest' }),
      // Archived in this order, but the second was received first.
      reward('earliest', T0 + 2, T0 + 20 * S, 0.2),
      reward('earliest', T0 + 2, T0 + 10 * S, 0.9),
      decision('scaled', T0 + 3, { min: -1, max: 3, defaultReward: 0 }),
      reward('scaled', T0 + 3, T0 + 10 * S, 2),
    ];
    const { byId, stats } = join(events);
    expect(byId.get('sum')!.reward).toBeCloseTo(0.7, 12);
    expect(byId.get('sum')!.rewardCount).toBe(2);
    expect(byId.get('sum-over')!.reward).toBe(1);
    expect(byId.get('earliest')).toMatchObject({ reward: 0.9, rewardCount: 1 });
    expect(byId.get('scaled')!.reward).toBe(2);
    expect(rewardLabel(byId.get('scaled')!)).toBe(0.75);
    expect(stats).toMatchObject({ clamped: 1, rewardsSuperseded: 1 });
  });

  it('drops re-sent copies and repeated decision ids, ignores rewards for another action or no decision', () => {
    const d = decision('dup', T0, { aggregation: 'sum' });
    const r = reward('dup', T0, T0 + 5 * S, 0.5);
    const otherCopy = { ...decision('dup', T0 + 7), id: 'dec-other-copy' };
    const events = [d, r, d, r, otherCopy, reward('dup', T0, T0 + 6 * S, 1, 'b'), reward('nobody', T0, T0 + 6 * S, 1)];
    const { byId, stats, collector } = join(events);
    expect(collector.stats).toMatchObject({ decisions: 1, rewards: 3, duplicateEvents: 2, duplicateDecisionIds: 1, conflictingDecisionIds: 1 });
    expect(byId.get('dup')).toMatchObject({ reward: 0.5, rewardCount: 1 });
    expect(byId.get('dup')!.decision.issuedAtMs).toBe(T0);
    expect(stats).toMatchObject({ rewardsWrongAction: 1, orphanRewards: 1 });
  });

  it('leaves out decisions still in their wait window, outside the range, or never activated', () => {
    const now = T0 + 3600 * S;
    const events = [
      decision('closed', now - WAIT * S),
      decision('open', now - WAIT * S + 1),
      decision('before', T0 - 1),
      decision('deferred', T0 + 10, {}, false),
      decision('deferred-activated', T0 + 11, {}, false),
      activationEvent({ eventId: 'deferred-activated', issuedAtMs: T0 + 11, userId: 'u1', rewardActionId: 'a' }, new Date(T0 + 60 * S)),
      decision('deferred-rewarded', T0 + 12, {}, false),
      reward('deferred-rewarded', T0 + 12, T0 + 60 * S, 1),
    ];
    const { byId, stats } = join(events, now, { fromMs: T0 });
    expect([...byId.keys()].sort()).toEqual(['closed', 'deferred-activated', 'deferred-rewarded']);
    expect(stats).toMatchObject({ pending: 1, outOfRange: 1, notActivated: 1, activatedByEvent: 1, activatedByReward: 1 });
  });

  it('names the first bad field of a malformed decision', () => {
    const good = decision('x', T0);
    const bad = JSON.parse(JSON.stringify(good));
    delete bad.decision.actions[1].prior;
    expect(parseLoggedEvent(bad)).toMatchObject({ kind: 'malformed', type: 'decision' });
    expect((parseLoggedEvent(bad) as { error: string }).error).toMatch(/^decision event dec-\S+: decision\.actions\[1\]\.prior: /);
    bad.decision.actions[1].prior = 0.1;
    bad.decision.rewardActionId = 'zzz';
    expect((parseLoggedEvent(bad) as { error: string }).error).toMatch(/decision\.rewardActionId: "zzz" is not among the actions/);
    const c = collect([good]);
    c.add(Buffer.from('{"decision": oops'));
    c.add(Buffer.from(JSON.stringify({ id: 'p1', type: 'page_view', userId: 'u' })));
    expect(c.stats).toMatchObject({ decisions: 1, unparsable: 1, otherEvents: 1 });
  });
});
