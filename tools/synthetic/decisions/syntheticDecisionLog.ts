// A synthetic learning-loop log with KNOWN click probabilities, for tests and demos: offers ranked
// for users by an epsilon-greedy logging policy that ignores the context (greedy on a fixed
// per-offer prior), clicks drawn from a true model that depends on device × category, discount,
// the user's favourite category and recent products. Events are written with the ranker's own
// serialisers (decisionEvent, rewardEvent), so they are exactly what production logs.
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { flattenFeatures } from '../../../src/features/flattenFeatures';
import type { ProfileView } from '../../../src/features/profileView';
import { segmentOf } from '../../../src/features/segment';
import { decisionEvent, rewardEvent, type DecisionRecord, type RewardPolicy } from '../../../src/events/learningEvents';
import { epsilonGreedy } from '../../../src/learners/epsilonGreedy';
import { SeededRandom } from '../../../src/learners/random';

export const CATEGORIES = ['shoes', 'bags', 'hats', 'socks'] as const;
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;

/** Device × category effect on the click logit. */
const DEVICE_CATEGORY: Record<(typeof DEVICES)[number], Record<(typeof CATEGORIES)[number], number>> = {
  desktop: { shoes: -0.2, bags: 1.2, hats: -0.6, socks: 0.1 },
  mobile: { shoes: 1.3, bags: -0.4, hats: 0.2, socks: -0.2 },
  tablet: { shoes: -0.1, bags: 0, hats: 1.1, socks: 0.6 },
};

export interface SyntheticOffer {
  id: string;
  category: (typeof CATEGORIES)[number];
  price: number;
  discount: number;
  productId: string;
  /** The logging policy's score for the offer (its "prior"), independent of the context. */
  prior: number;
}

export const SYNTHETIC_OFFERS: SyntheticOffer[] = Array.from({ length: 12 }, (_, i) => ({
  id: `offer-${i}`,
  category: CATEGORIES[i % 4],
  price: 10 + ((i * 37) % 150),
  discount: [0, 0.1, 0.2, 0.3][(i * 7) % 4],
  productId: `p-${i}`,
  prior: 0.1 + 0.02 * ((i * 5) % 7),
}));

export interface SyntheticLogOptions {
  decisions: number;
  startMs: number;
  /** Time between two decisions. Default 60 s. */
  spacingMs?: number;
  /** Default 0.3. */
  epsilon?: number;
  /** Offers per decision (drawn from SYNTHETIC_OFFERS). Default 5. */
  actionsPerDecision?: number;
  seed?: number;
  reward?: Partial<RewardPolicy>;
  /** Share of users with a profile. Default 0.6. */
  knownUsers?: number;
  /** Share of decisions with one excluded action. Default 0.1. */
  excludedShare?: number;
}

export interface SyntheticLog {
  /** Decision and reward events, in receive-time order. */
  events: TrackedEvent[];
  decisions: DecisionRecord[];
  /** The true click probability of an action in a logged decision. */
  clickProbability(eventId: string, actionId: string): number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The true click probability: what the trained model should learn. */
export function trueClickProbability(device: (typeof DEVICES)[number], offer: SyntheticOffer, profile: ProfileView | null): number {
  let z = -2.2 + DEVICE_CATEGORY[device][offer.category] + 3 * offer.discount - 0.004 * (offer.price - 80);
  if (profile) {
    const favourite = Object.entries(profile.categoryAffinity).sort((a, b) => b[1] - a[1])[0]?.[0];
    if (favourite === offer.category) z += 1.2;
    if (profile.recentProducts.includes(offer.productId)) z += 0.6;
  }
  return sigmoid(z);
}

function makeProfile(rng: SeededRandom, nowMs: number): ProfileView {
  const favourite = CATEGORIES[rng.int(CATEGORIES.length)];
  const affinity: Record<string, number> = { [favourite]: 2 + 3 * rng.next() };
  const other = CATEGORIES[rng.int(CATEGORIES.length)];
  if (other !== favourite) affinity[other] = 0.5 * rng.next();
  const events = 3 + rng.int(60);
  return {
    events,
    purchases: rng.int(4),
    totalRevenue: Math.round(rng.next() * 30000) / 100,
    counts: { page_view: Math.ceil(events / 2), product_view: Math.floor(events / 2) },
    firstSeenMs: nowMs - (1 + rng.int(60)) * 86_400_000,
    lastSeenMs: nowMs - (1 + rng.int(48)) * 3_600_000,
    categoryAffinity: affinity,
    recentProducts: [`p-${rng.int(12)}`, `p-${rng.int(12)}`],
  };
}

export function generateDecisionLog(opts: SyntheticLogOptions): SyntheticLog {
  const rng = new SeededRandom(opts.seed ?? 1);
  const spacing = opts.spacingMs ?? 60_000;
  const epsilon = opts.epsilon ?? 0.3;
  const k = Math.min(opts.actionsPerDecision ?? 5, SYNTHETIC_OFFERS.length);
  const policy: RewardPolicy = { waitSeconds: 600, defaultReward: 0, aggregation: 'earliest', min: 0, max: 1, ...opts.reward };
  const known = opts.knownUsers ?? 0.6;
  const excludedShare = opts.excludedShare ?? 0.1;
  const truth = new Map<string, Map<string, number>>();
  const events: TrackedEvent[] = [];
  const decisions: DecisionRecord[] = [];

  for (let i = 0; i < opts.decisions; i++) {
    const issuedAtMs = opts.startMs + i * spacing;
    const device = DEVICES[rng.int(DEVICES.length)];
    const userId = `user-${rng.int(5000)}`;
    const profile = rng.next() < known ? makeProfile(rng, issuedAtMs) : null;
    const contextFeatures = [{ device, channel: rng.next() < 0.5 ? 'web' : 'app' }, { userId }];
    const pool = [...SYNTHETIC_OFFERS];
    const offers: SyntheticOffer[] = [];
    for (let a = 0; a < k; a++) offers.push(pool.splice(rng.int(pool.length), 1)[0]);
    const excluded = offers.map(() => false);
    if (k > 1 && rng.next() < excludedShare) excluded[rng.int(k)] = true;
    const scores = offers.map((o) => o.prior);
    const d = epsilonGreedy(scores, excluded, epsilon, () => rng.next());
    const eventId = `syn-${opts.seed ?? 1}-${i}`;
    const probabilities = new Map<string, number>();
    offers.forEach((o) => probabilities.set(o.id, trueClickProbability(device, o, profile)));
    truth.set(eventId, probabilities);

    const record: DecisionRecord = {
      eventId,
      source: 'offers',
      issuedAtMs,
      userId,
      segment: segmentOf(flattenFeatures(contextFeatures), profile ?? undefined, issuedAtMs),
      contextFeatures,
      actions: offers.map((o, a) => ({
        id: o.id,
        features: [{ category: o.category, price: o.price, discount: o.discount, productId: o.productId }, { tags: { sale: o.discount > 0 ? 1 : 0 } }],
        prior: o.prior,
        score: scores[a],
        probability: d.probabilities[a],
        excluded: excluded[a],
      })),
      ranking: d.order.map((a) => offers[a].id),
      rewardActionId: offers[d.chosen].id,
      greedyActionId: offers[d.greedy].id,
      explored: d.explored,
      epsilon,
      model: null,
      profile,
      activated: true,
      reward: policy,
    };
    decisions.push(record);
    events.push(decisionEvent(record, new Date(issuedAtMs)));
    if (rng.next() < probabilities.get(record.rewardActionId)!) {
      const atMs = issuedAtMs + 1000 + Math.floor(rng.next() * policy.waitSeconds * 500);
      events.push(rewardEvent({ eventId, issuedAtMs, userId, rewardActionId: record.rewardActionId, value: policy.max }, new Date(atMs)));
    }
  }
  events.sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt));
  return {
    events,
    decisions,
    clickProbability(eventId, actionId) {
      const p = truth.get(eventId)?.get(actionId);
      if (p === undefined) throw new RangeError(`no synthetic decision ${eventId} with action ${actionId}`);
      return p;
    },
  };
}
