// An offer of the catalog (Cosmos container `catalog`, partition key /id), as the admin endpoints accept it.
import { z } from 'zod';
import { fieldErrorsOf, type FieldError } from '../../common/fieldPath';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** What an offer id may be: never a character Cosmos DB refuses in an id (/ \ # ?) or blank. */
const OFFER_ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** False for an id no offer can have (so no lookup is needed to know it is absent). */
export function isOfferId(id: string): boolean {
  return OFFER_ID.test(id);
}

/** Personalizer-style feature objects: string / number / boolean values, nested objects, arrays of numbers. */
const featureValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string().max(1024),
    z.number().finite(),
    z.boolean(),
    z.array(z.number().finite()).max(256),
    z.record(z.string().min(1).max(64).refine((k) => !FORBIDDEN_KEYS.has(k), 'is a reserved name'), featureValue),
  ]),
);

export const offerSchema = z
  .object({
    id: z.string().regex(OFFER_ID, 'must be 1-128 letters, digits, . _ : @ - (it is the Cosmos id and the action id)'),
    title: z.string().min(1).max(200),
    category: z.string().min(1).max(100),
    price: z.number().finite().min(0),
    /** Fraction off the price: 0 (none) to 1 (free). */
    discount: z.number().finite().min(0).max(1).default(0),
    active: z.boolean(),
    tags: z.array(z.string().min(1).max(50)).max(20).refine((t) => new Set(t).size === t.length, 'must not repeat a tag').default([]),
    /** Extra Personalizer-style action features passed to the model as they are. */
    features: z.array(z.record(z.string().min(1).max(64), featureValue)).max(10).default([]),
    /** The product the offer promotes, if any (for the recent-product feature). */
    productId: z.string().min(1).max(128).optional(),
    imageUrl: z.url().max(2048).optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.startsAt && o.endsAt && Date.parse(o.startsAt) >= Date.parse(o.endsAt)) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
  });

export type Offer = z.infer<typeof offerSchema>;

export type OfferValidation = { ok: true; offer: Offer } | { ok: false; errors: FieldError[] };

export function validateOffer(input: unknown): OfferValidation {
  const parsed = offerSchema.safeParse(input);
  if (parsed.success) return { ok: true, offer: parsed.data };
  return { ok: false, errors: fieldErrorsOf(parsed.error.issues, '(offer)') };
}

/** Active now: the flag is set and `now` is inside [startsAt, endsAt). */
export function isLive(offer: Offer, nowMs: number): boolean {
  if (!offer.active) return false;
  if (offer.startsAt && Date.parse(offer.startsAt) > nowMs) return false;
  if (offer.endsAt && Date.parse(offer.endsAt) <= nowMs) return false;
  return true;
}

/** The offer as ranking sees it: Personalizer action features (docs/ranking.md lists the keys). */
export function offerActionFeatures(offer: Offer): Record<string, unknown>[] {
  const own: Record<string, unknown> = { category: offer.category, price: offer.price, discount: offer.discount };
  if (offer.productId !== undefined) own.productId = offer.productId;
  const features: Record<string, unknown>[] = [own];
  if (offer.tags.length > 0) features.push({ tags: Object.fromEntries(offer.tags.map((t) => [t, 1])) });
  return [...features, ...offer.features];
}
