// A product of the catalog (Cosmos container `products`, partition key /id), as the manage routes
// and `npm run products:import` accept it.
import { z } from 'zod';
import { fieldErrorsOf, type FieldError } from '../../common/fieldPath';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** What a product id may be: never a character Cosmos DB refuses in an id (/ \ # ?) or blank. */
const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9._:@ -]{0,127}$/;

/** False for an id no product can have (so no lookup is needed to know it is absent). */
export function isProductId(id: string): boolean {
  return PRODUCT_ID.test(id) && !id.endsWith(' ');
}

const featureValue = z.union([z.string().max(1024), z.number().finite(), z.boolean()]);

export const productSchema = z
  .object({
    id: z.string().refine(isProductId, 'must be 1-128 letters, digits, spaces, . _ : @ - (it is the Cosmos id and the recommended item)'),
    title: z.string().min(1).max(300),
    category: z.string().min(1).max(100),
    price: z.number().finite().min(0),
    available: z.boolean(),
    /** Free features (string / number / boolean), passed to the last-step ranker as action features. */
    features: z
      .record(z.string().min(1).max(64).refine((k) => !FORBIDDEN_KEYS.has(k), 'is a reserved name'), featureValue)
      .refine((f) => Object.keys(f).length <= 50, 'must have at most 50 features')
      .default({}),
    imageUrl: z.url().max(2048).optional(),
  })
  .strict();

export type Product = z.infer<typeof productSchema>;

export type ProductValidation = { ok: true; product: Product } | { ok: false; errors: FieldError[] };

export function validateProduct(input: unknown): ProductValidation {
  const parsed = productSchema.safeParse(input);
  if (parsed.success) return { ok: true, product: parsed.data };
  return { ok: false, errors: fieldErrorsOf(parsed.error.issues, '(product)') };
}
