// The simulation without a running system: sessions in virtual time, each user's profile folded
// with the aggregation's own code, cold-start priors with the ranker's own code, an
// epsilon-greedy logging policy over the priors, and the decision / reward events exactly as the
// ranker writes them. The result is a labelled log with the true click probability of every
// action, for the trainer's benchmark and tests (written as CSV or as a Capture-format archive).
import crypto from 'node:crypto';
import { addEventToProfile, emptyProfile, profileToFields, type ProfileAccumulator } from '../../src/aggregation/profile';
import type { ClientEvent, TrackedEvent } from '../../src/events/eventSchema';
import { validateClientEvent } from '../../src/events/eventValidation';
import { flattenFeatures } from '../../src/features/flattenFeatures';
import { priorFor } from '../../src/features/priors';
import { profileViewFromDocument, type ProfileView } from '../../src/features/profileView';
import { segmentOf } from '../../src/features/segment';
import { decisionEvent, rewardEvent, type DecisionRecord } from '../../src/events/learningEvents';
import { epsilonGreedy } from '../../src/learners/epsilonGreedy';
import { signEventId } from '../../src/ranking/eventIdToken';
import { historyEvents } from './history';
import { offerSlotEvents } from './offerEvents';
import type { SimUser } from './population';
import { PriorTally } from './priorTally';
import { contextFeatures, offerActions } from './rankBody';
import { EventIds, planSession, type SessionShape } from './sessionPlan';
import type { SimWorld } from './simWorld';
import { clickProbabilities, type SimContext } from './truth';

export interface OfflineOptions {
  decisions: number;
  /** Exploration of the logging policy (epsilon-greedy over the priors). Default 0.2; 1 = uniform. */
  epsilon?: number;
  /** Virtual time of the first session. Default 2026-01-05T00:00:00Z. */
  start?: Date;
  /** Virtual seconds between session starts. Default 3. */
  sessionGapSeconds?: number;
  /** Recompute the priors every this many sessions (the ranker refreshes on a timer). Default 50. */
  priorsEvery?: number;
  /** Keep the client events (page views, offer views …) in `events` too. Default false. */
  clientEvents?: boolean;
  rewardWaitSeconds?: number;
  shape?: SessionShape;
  label?: string;
}

export interface OfflineDecision {
  record: DecisionRecord;
  user: SimUser;
  context: SimContext;
  /** True click probability of each action, in record.actions order. */
  trueProbabilities: number[];
  chosen: number;
  clicked: boolean;
  /** First session of a new user. */
  coldStart: boolean;
}

export interface OfflineLog {
  decisions: OfflineDecision[];
  /** Decision and reward events (and client events if asked), in receive-time order. */
  events: TrackedEvent[];
  /** Client events (history included) that were rejected by the event schema: always 0 unless the simulator has a bug. */
  invalidEvents: number;
}

const DEFAULT_START = Date.parse('2026-01-05T00:00:00Z');

function track(e: ClientEvent, atMs: number): TrackedEvent | undefined {
  const v = validateClientEvent(e, new Date(atMs));
  return v.ok ? v.event : undefined;
}

export function simulateOffline(world: SimWorld, opts: OfflineOptions): OfflineLog {
  const label = opts.label ?? 'offline';
  const rng = world.rng.fork(label);
  const epsilon = opts.epsilon ?? 0.2;
  const start = opts.start?.getTime() ?? DEFAULT_START;
  const gapMs = (opts.sessionGapSeconds ?? 3) * 1000;
  const priorsEvery = opts.priorsEvery ?? 50;
  const key = crypto.createHash('sha256').update(`simulator-signing-key:${world.seed}`).digest();
  const reward = { waitSeconds: opts.rewardWaitSeconds ?? 600, defaultReward: 0, aggregation: 'earliest' as const, min: 0, max: 1 };
  const actions = offerActions(world.catalog.offers);
  const offers = world.catalog.offers;
  const profiles = new Map<string, ProfileAccumulator>();
  const priors = new PriorTally();
  const out: OfflineLog = { decisions: [], events: [], invalidEvents: 0 };
  const keep = (e: TrackedEvent) => out.events.push(e);

  const fold = (e: TrackedEvent) => {
    const id = e.userId ?? e.anonymousId;
    if (id) {
      let p = profiles.get(id);
      if (!p) profiles.set(id, (p = emptyProfile()));
      addEventToProfile(p, e, Date.parse(e.timestamp));
    }
    priors.add(e);
  };
  const foldClient = (events: ClientEvent[], atMs: number) => {
    for (const c of events) {
      const e = track(c, atMs);
      if (!e) {
        out.invalidEvents++;
        continue;
      }
      fold(e);
      if (opts.clientEvents) keep(e);
    }
  };

  for (const user of world.users) foldClient(historyEvents(user, world.catalog, world.rng, start), start);
  priors.refresh(new Date(start));

  const sessions = new Map<string, number>();
  let t = start;
  let n = 0;
  for (let s = 0; n < opts.decisions; s++) {
    if (s % priorsEvery === 0) priors.refresh(new Date(t));
    const user = world.users[rng.int(world.users.length)];
    const coldStart = user.isNew && !sessions.has(user.id);
    const sr = rng.fork(`session-${s}`);
    const ids = new EventIds(sr.fork('ids'));
    let clock = (t += Math.max(1, Math.round(-Math.log(1 - rng.next()) * gapMs)));
    const stamp = () => new Date((clock += 2_000 + sr.int(20_000))).toISOString();
    const plan = planSession(user, world.catalog, sr, ids, opts.shape, stamp);
    // The profile as the ranker would read it: earlier sessions only (the pipeline lags a session).
    const acc = profiles.get(user.id);
    const profile: ProfileView | undefined = acc && acc.events > 0 ? profileViewFromDocument(profileToFields(acc)) : undefined;
    const sessionEvents: ClientEvent[] = [];
    const server: TrackedEvent[] = [];
    for (const page of plan.pages) {
      sessionEvents.push(...page.events);
      if (!page.slot || n >= opts.decisions) continue;
      n++;
      const ctx = page.slot;
      const issuedAtMs = (clock += 500);
      const contextFeats = contextFeatures(user, ctx);
      const segment = segmentOf(flattenFeatures(contextFeats), profile, issuedAtMs);
      const table = priors.current;
      const scores = offers.map((o) => priorFor(table, segment, o.id));
      const decision = epsilonGreedy(scores, offers.map(() => false), epsilon, () => sr.next());
      const chosen = decision.chosen;
      const p = clickProbabilities(user, ctx, offers);
      const clicked = sr.next() < p[chosen];
      const clientEventId = `sim-${world.seed}-${label}-${n}`;
      const eventId = signEventId({ clientEventId, issuedAtMs, userId: user.id, rewardActionId: offers[chosen].id }, key);
      const record: DecisionRecord = {
        eventId,
        clientEventId,
        source: 'rank',
        issuedAtMs,
        userId: user.id,
        segment,
        contextFeatures: contextFeats,
        actions: actions.map((a, i) => ({ id: a.id, features: a.features, prior: scores[i], score: scores[i], probability: decision.probabilities[i], excluded: false })),
        ranking: decision.order.map((i) => offers[i].id),
        rewardActionId: offers[chosen].id,
        greedyActionId: offers[decision.greedy].id,
        explored: decision.explored,
        epsilon,
        model: null,
        profile: profile ?? null,
        activated: true,
        reward,
      };
      server.push(decisionEvent(record, new Date(issuedAtMs + 5)));
      if (clicked) {
        const at = new Date(issuedAtMs + 1_000 + sr.int(4_000));
        server.push({ ...rewardEvent({ eventId, issuedAtMs, userId: user.id, rewardActionId: offers[chosen].id, value: 1 }, at), id: `rwd-${sr.uuid()}` });
      }
      sessionEvents.push(...offerSlotEvents(user, page, ctx, offers[chosen], clicked, () => ids.next(), new Date(issuedAtMs + 1_000).toISOString()));
      out.decisions.push({ record, user, context: ctx, trueProbabilities: p, chosen, clicked, coldStart });
    }
    foldClient(sessionEvents, clock);
    for (const e of server) {
      fold(e);
      keep(e);
    }
    sessions.set(user.id, (sessions.get(user.id) ?? 0) + 1);
  }
  out.events.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  return out;
}
