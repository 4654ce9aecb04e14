// Offers and products a browser names must exist: an event with an offerId or productId outside
// the catalog would create aggregate documents for it (one per id and window), so a script could
// fill the aggregates container with made-up ids. While a catalog is empty (not imported yet)
// every id passes, as recommendations do (src/products/catalog/productStore.ts, isRecommendable).
import type { FieldError } from '../common/fieldPath';
import type { TrackedEvent } from '../events/eventSchema';

/** Membership tests of the catalogs; undefined for a catalog that is empty or unknown. */
export interface KnownIds {
  product?: (id: string) => boolean;
  offer?: (id: string) => boolean;
}

/** Why the event names something outside the catalog, or undefined. */
export function catalogErrors(event: TrackedEvent, known: KnownIds): FieldError[] | undefined {
  if (event.productId !== undefined && known.product && !known.product(event.productId)) {
    return [{ field: 'productId', message: 'is not in the product catalog' }];
  }
  if (event.offerId !== undefined && event.type !== 'reward' && known.offer && !known.offer(event.offerId)) {
    return [{ field: 'offerId', message: 'is not an offer of the catalog' }];
  }
  return undefined;
}
