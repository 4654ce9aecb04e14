// Waits until the ranker serves a given model version: a probe rank call (deferActivation, so it
// is never activated and never becomes a training example) reports x-model-version.
import { offerActions, rankBody } from '../simulator/rankBody';
import type { ShopApi } from '../simulator/shopApi';
import type { SimWorld } from '../simulator/simWorld';

export async function waitForModelVersion(api: ShopApi, world: SimWorld, version: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  const user = world.users[0];
  const body = { ...rankBody(user, { device: 'desktop', timeOfDay: 'morning', hour: 9, pageType: 'home', channel: 'web' }, offerActions(world.catalog.offers)), deferActivation: true };
  for (;;) {
    const answer = await api.rank(body);
    if (answer.modelVersion === version) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) throw new Error(`the ranker still serves ${answer.modelVersion ?? 'the priors'} ${timeoutMs / 1000} s after ${version} was promoted`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Waits until GET /api/recommendations answers a shopper with history from a model (source
 * 'model'): the product model watcher has loaded one. Resolves with the seconds waited.
 */
export async function waitForProductModel(api: ShopApi, userId: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await api.recommend({ userId, n: 1 });
    if (answer.source === 'model') return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) throw new Error(`GET /api/recommendations still answers ${userId} from ${answer.source} ${timeoutMs / 1000} s after the product model was promoted`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
