// The Personalizer rank request of an offer slot: the user (selects the profile), the context the
// page knows (device, time of day, hour, page type and category, channel) and every offer as an
// action with the catalog's action features.
import { offerActionFeatures, type SimOffer } from './catalog';
import type { SimUser } from './population';
import type { SimContext } from './truth';

export function contextFeatures(user: SimUser | undefined, ctx: SimContext): Record<string, unknown>[] {
  const page: Record<string, unknown> = { device: ctx.device, timeOfDay: ctx.timeOfDay, hour: ctx.hour, pageType: ctx.pageType, channel: ctx.channel };
  if (ctx.pageCategory) page.pageCategory = ctx.pageCategory;
  return user ? [{ userId: user.id }, page] : [page];
}

export function offerActions(offers: readonly SimOffer[]): { id: string; features: Record<string, unknown>[] }[] {
  return offers.map((o) => ({ id: o.id, features: offerActionFeatures(o) }));
}

export function rankBody(user: SimUser, ctx: SimContext, actions: ReturnType<typeof offerActions>): { contextFeatures: unknown[]; actions: unknown[] } {
  return { contextFeatures: contextFeatures(user, ctx), actions };
}
