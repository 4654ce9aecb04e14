// The tracked events of an offer slot: offer_view for the offer shown, offer_click when clicked.
import type { ClientEvent } from '../../src/events/eventSchema';
import type { SimOffer } from './catalog';
import type { SimUser } from './population';
import type { PlannedPage } from './sessionPlan';
import type { SimContext } from './truth';

export function offerSlotEvents(user: SimUser, page: PlannedPage, ctx: SimContext, offer: SimOffer, clicked: boolean, nextId: () => string, timestamp?: string): ClientEvent[] {
  const context = { device: ctx.device, channel: ctx.channel, page: page.path };
  const at = timestamp ? { timestamp } : {};
  const events: ClientEvent[] = [{ id: nextId(), type: 'offer_view', userId: user.id, ...at, offerId: offer.id, context }];
  if (clicked) {
    // A click is interest in the offer's category; the landing product view follows.
    events.push({ id: nextId(), type: 'offer_click', userId: user.id, ...at, offerId: offer.id, category: offer.category, context });
    const path = `/p/${offer.productId}`;
    events.push({ id: nextId(), type: 'product_view', userId: user.id, ...at, productId: offer.productId, category: offer.category, context: { ...context, page: path } });
  }
  return events;
}
