// The browser library's public surface (ES module build: dist/personalization.esm.js).
export { createPersonalization, Personalization, RequestError } from './personalization';
export type { PersonalizationOptions, TrackFields, Recommendations, RecommendedProduct, RankedOffers, RecommendationQuery } from './personalization';
export type { EventType, EventFields, EventContext, Device, Channel, RequiredFields, EventOf } from './eventTypes.generated';
export type { Transport, Answer } from './transport';
export type { KeyValueStore } from './storage';
export { Delivery } from './delivery';
export { EventQueue } from './eventQueue';
export { retryDelay, retryAfterMs } from './retryDelay';
