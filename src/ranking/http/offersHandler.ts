// GET /api/offers?userId=…&n=…[&device=…&channel=…&locale=…]: the top n live offers of the catalog
// for this user, with the eventId to reward. Anonymous, for web frontends (like POST /api/events).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { DEVICES } from '../../features/segment';
import { unusableIdReason } from '../../events/eventSchema';
import type { ActiveOffers } from '../catalog/activeOffers';
import { isLive, offerActionFeatures } from '../catalog/offerSchema';
import { RankerNotConfiguredError, type Ranker } from '../ranker';

export interface OffersHandlerDeps {
  ranker: () => Promise<Ranker>;
  offers: ActiveOffers;
  maxN: number;
  now?: () => number;
  log?: (message: string) => void;
}

export const DEFAULT_N = 5;
/** Most live offers ranked per request (the model scores them in one run). */
export const MAX_CANDIDATES = 500;

const fail = (status: number, error: string): HttpResponseInit => ({ status, jsonBody: { error }, headers: { 'cache-control': 'no-store' } });
const ID = /^.{1,128}$/su;

function queryText(request: HttpRequest, name: string, max: number): { value?: string; error?: string } {
  const v = request.query.get(name);
  if (v === null || v === '') return {};
  if (v.length > max) return { error: `${name}: must be at most ${max} characters` };
  return { value: v };
}

export async function handleOffers(request: HttpRequest, deps: OffersHandlerDeps): Promise<HttpResponseInit> {
  const userId = request.query.get('userId');
  const anonymousId = request.query.get('anonymousId');
  const userKey = userId || anonymousId;
  if (!userKey) return fail(400, 'userId: userId or anonymousId is required');
  const keyField = userId ? 'userId' : 'anonymousId';
  if (!ID.test(userKey)) return fail(400, `${keyField}: must be 1-128 characters`);
  // The same rule as for captured events: no profile can exist under such a key.
  const unusable = unusableIdReason(userKey);
  if (unusable) return fail(400, `${keyField}: ${unusable}`);
  const nText = request.query.get('n');
  const n = nText === null || nText === '' ? Math.min(DEFAULT_N, deps.maxN) : Number(nText);
  if (!Number.isInteger(n) || n < 1 || n > deps.maxN) return fail(400, `n: must be an integer from 1 to ${deps.maxN}`);
  const device = request.query.get('device');
  if (device !== null && device !== '' && !(DEVICES as readonly string[]).includes(device)) {
    return fail(400, `device: must be one of ${DEVICES.join(', ')}`);
  }
  const channel = queryText(request, 'channel', 256);
  const locale = queryText(request, 'locale', 35);
  const bad = channel.error ?? locale.error;
  if (bad) return fail(400, bad);

  try {
    const nowMs = (deps.now ?? Date.now)();
    const live = (await deps.offers.get()).filter((o) => isLive(o, nowMs)).slice(0, MAX_CANDIDATES);
    if (live.length === 0) return { status: 200, jsonBody: { eventId: null, rewardActionId: null, offers: [] }, headers: { 'cache-control': 'no-store' } };
    const context: Record<string, unknown> = {};
    if (device) context.device = device;
    if (channel.value) context.channel = channel.value;
    if (locale.value) context.locale = locale.value;
    const ranker = await deps.ranker();
    const outcome = await ranker.rank({
      contextFeatures: Object.keys(context).length > 0 ? [context] : [],
      actions: live.map((o) => ({ id: o.id, features: offerActionFeatures(o) })),
      excludedActions: new Set(),
      deferActivation: false,
      userId: userKey,
      anonymous: !userId,
      source: 'offers',
    });
    const byId = new Map(live.map((o) => [o.id, o]));
    const offers = outcome.ranking.slice(0, n).map((r) => {
      const o = byId.get(r.id)!;
      return {
        id: o.id, title: o.title, category: o.category, price: o.price, discount: o.discount, tags: o.tags,
        ...(o.imageUrl ? { imageUrl: o.imageUrl } : {}),
        probability: r.probability,
      };
    });
    return {
      status: 200,
      jsonBody: { eventId: outcome.eventId, rewardActionId: outcome.rewardActionId, modelVersion: outcome.modelVersion, offers },
      headers: { 'cache-control': 'no-store' },
    };
  } catch (error) {
    if (error instanceof RankerNotConfiguredError) {
      deps.log?.(`offers: ${error.message}`);
      return { ...fail(503, 'ranking is not configured on this service'), headers: { 'retry-after': '30' } };
    }
    deps.log?.(`offers failed: ${(error as Error).stack ?? error}`);
    return { ...fail(503, 'offers are unavailable right now; try again'), headers: { 'retry-after': '5' } };
  }
}
