// Runs simulated sessions against the live endpoints: each session's tracked events go to
// POST /api/events (batched), each offer slot is a Personalizer rank call, the shown offer
// (rewardActionId) is clicked with the user's TRUE probability in that context, a click is
// rewarded with 1 (no reward call otherwise: the decision is activated, so the training join
// gives it RankingDefaultReward = 0), and offer_view / offer_click events are tracked.
// Every decision is tallied with the true probabilities of all offers, so the CTR of our policy
// is compared with oracle, random and popularity on the same users and contexts.
import type { ClientEvent } from '../../src/events/eventSchema';
import { EventSink } from './eventSink';
import { offerSlotEvents } from './offerEvents';
import { PolicyTally } from './policyTally';
import { popularityList } from './productTruth';
import { runRecommendationSlot, type RecommendationSetup } from './recommendationSlot';
import { RecommendationTally } from './recommendationTally';
import type { SimUser } from './population';
import { offerActions, rankBody } from './rankBody';
import { EventIds, planSession, type SessionShape } from './sessionPlan';
import type { ShopApi } from './shopApi';
import type { SimWorld } from './simWorld';
import { clickProbabilities } from './truth';

export interface TrafficOptions {
  /** Stop after this many rank decisions. */
  decisions: number;
  /** Sessions run at the same time. Default 24. */
  concurrency?: number;
  /** Upper bound on decisions per second (default: as fast as the system answers). */
  ratePerSecond?: number;
  /** Users whose first ever session happens in this run (cold start), spread over it. */
  arrivals?: readonly SimUser[];
  /** Users the other sessions are drawn from. */
  regulars: readonly SimUser[];
  /** Names this run's random streams (e.g. "round-2"): same world + label → same sessions. */
  label: string;
  shape?: SessionShape;
  /** Sessions already run per user (updated); a new user's first session is cold start. */
  sessionsDone?: Map<string, number>;
  /**
   * Recommendation slots: this share of sessions opens with GET /api/recommendations (n products),
   * clicked according to the product truth. They do not count as `decisions` (the offer slots).
   */
  recommendations?: {
    share: number;
    n?: number;
    /** The system's popularity list to compare with (fetchPopularList); default: none (CTR 0). */
    popular?: number[];
  };
  progress?: (decisions: number) => void;
  log?: (line: string) => void;
  /**
   * Send the offers in a rotated order per decision (the shop's current logic rotating its banner),
   * so the first action, Apprentice mode's baseline, varies. Default: catalog order.
   */
  rotateActions?: boolean;
}

export interface RecommendationTraffic {
  tally: RecommendationTally;
  rewardsSent: number;
  errors: number;
}

export interface TrafficResult {
  decisions: number;
  sessions: number;
  /** All decisions; cold start (first session of a new user) and the others. */
  tally: PolicyTally;
  cold: PolicyTally;
  warm: PolicyTally;
  clicks: number;
  rewardsSent: number;
  rewardErrors: number;
  rankErrors: number;
  eventsSent: number;
  eventsAccepted: number;
  eventsFailed: number;
  arrivalsServed: number;
  /** Decisions per model version ("priors" when no model ranked). */
  modelVersions: Record<string, number>;
  elapsedSeconds: number;
  /** Present when recommendation slots ran. */
  recommendations?: RecommendationTraffic;
}

/** Expected decisions per session with the default shape (measured), to spread arrivals. */
const SLOTS_PER_SESSION = 2;

export async function runTraffic(world: SimWorld, api: ShopApi, opts: TrafficOptions): Promise<TrafficResult> {
  const started = Date.now();
  const schedule = world.rng.fork(`${opts.label}/schedule`);
  const arrivals = [...(opts.arrivals ?? [])];
  const sessionsDone = opts.sessionsDone ?? new Map<string, number>();
  const stride = Math.max(1, Math.floor(opts.decisions / SLOTS_PER_SESSION / Math.max(1, arrivals.length)));
  const actions = offerActions(world.catalog.offers);
  const offers = world.catalog.offers;
  const log = opts.log ?? (() => {});
  const result: TrafficResult = {
    decisions: 0, sessions: 0, tally: new PolicyTally(), cold: new PolicyTally(), warm: new PolicyTally(),
    clicks: 0, rewardsSent: 0, rewardErrors: 0, rankErrors: 0, eventsSent: 0, eventsAccepted: 0, eventsFailed: 0,
    arrivalsServed: 0, modelVersions: {}, elapsedSeconds: 0,
  };
  const recs = opts.recommendations;
  if (recs && !(recs.share >= 0 && recs.share <= 1)) throw new RangeError(`recommendations.share must be between 0 and 1, got ${recs.share}`);
  const recSetup: RecommendationSetup | undefined = recs
    ? { n: recs.n ?? 4, productIndex: new Map(world.catalog.products.map((p, i) => [p.id, i])), popular: recs.popular ?? [], bestFixed: popularityList(world.users, world.catalog, recs.n ?? 4) }
    : undefined;
  if (recs) result.recommendations = { tally: new RecommendationTally(), rewardsSent: 0, errors: 0 };
  let errorsLogged = 0;
  const logError = (what: string, error: unknown) => {
    if (errorsLogged++ < 5) log(`${what}: ${(error as Error).message ?? error}`);
  };
  const sink = new EventSink({ post: (events) => api.postEvents(events), onError: (e) => logError('events', e) });
  let decisionsStarted = 0;
  let sessionIndex = 0;
  const minGapMs = opts.ratePerSecond ? 1000 / opts.ratePerSecond : 0;
  let nextSlotAt = Date.now();

  const nextUser = (): { user: SimUser; index: number } | undefined => {
    const index = sessionIndex++;
    if (arrivals.length > 0 && (index % stride === 0 || opts.regulars.length === 0)) {
      result.arrivalsServed++;
      return { user: arrivals.shift()!, index };
    }
    if (opts.regulars.length === 0) return undefined;
    return { user: opts.regulars[schedule.int(opts.regulars.length)], index };
  };

  const runSession = async (user: SimUser, index: number): Promise<void> => {
    const rng = world.rng.fork(`${opts.label}/session-${index}`);
    const ids = new EventIds(rng.fork('ids'));
    const cold = user.isNew && (sessionsDone.get(user.id) ?? 0) === 0;
    const plan = planSession(user, world.catalog, rng, ids, opts.shape, () => new Date().toISOString());
    // A session's events go out together when it ends (one Event Hubs send per user and request):
    // the profile reflects a session from the next one on, as with a real pipeline's lag.
    const sessionEvents: ClientEvent[] = [];
    // Its own random stream, so the offer slots' draws are the same with or without it.
    const recRng = world.rng.fork(`${opts.label}/recommendations-${index}`);
    if (recSetup && result.recommendations && recRng.chance(recs!.share)) {
      const r = result.recommendations;
      const recIds = new EventIds(recRng.fork('ids'));
      try {
        const slot = await runRecommendationSlot(user, { device: plan.device, channel: plan.channel }, world.catalog, recSetup, api, recRng, () => recIds.next());
        r.tally.add(slot.outcome);
        if (slot.rewarded) r.rewardsSent++;
        sessionEvents.push(...slot.events);
      } catch (error) {
        r.errors++;
        logError('recommendations', error);
      }
    }
    for (const page of plan.pages) {
      sessionEvents.push(...page.events);
      if (!page.slot || decisionsStarted >= opts.decisions) continue;
      decisionsStarted++;
      if (minGapMs > 0) {
        const wait = nextSlotAt - Date.now();
        nextSlotAt = Math.max(Date.now(), nextSlotAt) + minGapMs;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const ctx = page.slot;
      let answer;
      try {
        const shift = opts.rotateActions ? rng.fork(`rotation-${decisionsStarted}`).int(actions.length) : 0;
        answer = await api.rank(rankBody(user, ctx, shift === 0 ? actions : [...actions.slice(shift), ...actions.slice(0, shift)]));
      } catch (error) {
        result.rankErrors++;
        logError('rank', error);
        continue;
      }
      const chosen = offers.findIndex((o) => o.id === answer.rewardActionId);
      if (chosen < 0) {
        result.rankErrors++;
        logError('rank', new Error(`unknown rewardActionId ${answer.rewardActionId}`));
        continue;
      }
      const p = clickProbabilities(user, ctx, offers);
      const clicked = rng.next() < p[chosen];
      const byId = new Map(answer.ranking.map((r) => [r.id, r.probability]));
      const serving = offers.map((o) => byId.get(o.id) ?? 0);
      let greedy = 0;
      for (let i = 1; i < serving.length; i++) if (serving[i] > serving[greedy]) greedy = i;
      const outcome = { actionIds: offers.map((o) => o.id), trueProbabilities: p, servingProbabilities: serving, chosen, greedy, clicked };
      result.tally.add(outcome);
      (cold ? result.cold : result.warm).add(outcome);
      result.decisions++;
      const version = answer.modelVersion ?? 'priors';
      result.modelVersions[version] = (result.modelVersions[version] ?? 0) + 1;
      opts.progress?.(result.decisions);
      sessionEvents.push(...offerSlotEvents(user, page, ctx, offers[chosen], clicked, () => ids.next(), new Date().toISOString()));
      if (clicked) {
        result.clicks++;
        try {
          await api.reward(answer.eventId, 1);
          result.rewardsSent++;
        } catch (error) {
          result.rewardErrors++;
          logError('reward', error);
        }
      }
    }
    await sink.add(sessionEvents);
    sessionsDone.set(user.id, (sessionsDone.get(user.id) ?? 0) + 1);
    result.sessions++;
  };

  const worker = async () => {
    while (decisionsStarted < opts.decisions) {
      const next = nextUser();
      if (!next) return;
      await runSession(next.user, next.index);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 24 }, () => worker()));
  await sink.flush();
  result.eventsSent = sink.sent;
  result.eventsAccepted = sink.accepted;
  result.eventsFailed = sink.failed;
  result.elapsedSeconds = (Date.now() - started) / 1000;
  return result;
}
