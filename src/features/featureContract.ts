// The feature contract: which inputs a model reads, in which column order, and how each is encoded.
// Stored in every model manifest, so training and serving build identical rows (docs/ranking.md).
import { z } from 'zod';
import { formatPath } from '../common/fieldPath';

export const FEATURE_CONTRACT_VERSION = 1;
export const MAX_COLUMNS = 10_000;

/** Numeric profile fields; `count.<eventType>` reads one event-type counter. */
export const PROFILE_FIELDS = [
  'known', 'returning', 'events', 'purchases', 'totalRevenue', 'daysSinceFirstSeen', 'daysSinceLastSeen',
] as const;
export const PROFILE_ACTION_FIELDS = ['categoryAffinity', 'categoryShare', 'recentProduct'] as const;

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . - starting with a letter or _');
const key = z.string().min(1).max(256);
const transform = z.enum(['none', 'log1p']).optional();

const encoding = z.discriminatedUnion('type', [
  z.object({ type: z.literal('numeric'), default: z.number().finite().optional(), transform }).strict(),
  z.object({ type: z.literal('boolean') }).strict(),
  z.object({
    type: z.literal('onehot'),
    vocabulary: z.array(z.string().max(256)).min(1).max(MAX_COLUMNS)
      .refine((v) => new Set(v).size === v.length, 'must not repeat a value'),
  }).strict(),
  z.object({ type: z.literal('hash'), buckets: z.number().int().min(1).max(4096) }).strict(),
]);

const profileField = z.union([z.enum(PROFILE_FIELDS), z.string().regex(/^count\.[a-z_]{1,32}$/, 'must be a profile field or count.<eventType>')]);

const featureSpec = z.discriminatedUnion('source', [
  z.object({ name, source: z.literal('context'), key, encoding }).strict(),
  z.object({ name, source: z.literal('action'), key, encoding }).strict(),
  z.object({ name, source: z.literal('profile'), field: profileField, default: z.number().finite().optional(), transform }).strict(),
  z.object({ name, source: z.literal('profileAction'), field: z.enum(PROFILE_ACTION_FIELDS), actionKey: key }).strict(),
  z.object({ name, source: z.literal('prior') }).strict(),
]);

export const featureContractSchema = z
  .object({ version: z.literal(FEATURE_CONTRACT_VERSION), features: z.array(featureSpec).min(1).max(1000) })
  .strict()
  .superRefine((contract, ctx) => {
    const seen = new Set<string>();
    contract.features.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', path: ['features', i, 'name'], message: `"${f.name}" is used twice` });
      seen.add(f.name);
    });
    const width = contract.features.reduce((n, f) => n + specWidth(f as FeatureSpec), 0);
    if (width > MAX_COLUMNS) ctx.addIssue({ code: 'custom', path: ['features'], message: `make ${width} columns; at most ${MAX_COLUMNS}` });
  });

export type FeatureContract = z.infer<typeof featureContractSchema>;
export type FeatureSpec = FeatureContract['features'][number];
export type FeatureEncoding = z.infer<typeof encoding>;

/** Columns one feature takes in the row. */
export function specWidth(spec: FeatureSpec): number {
  if (spec.source !== 'context' && spec.source !== 'action') return 1;
  const e = spec.encoding;
  if (e.type === 'onehot') return e.vocabulary.length;
  if (e.type === 'hash') return e.buckets;
  return 1;
}

export function contractWidth(contract: FeatureContract): number {
  return contract.features.reduce((n, f) => n + specWidth(f), 0);
}

/** Column names in row order (`name`, `name=value` for one-hot, `name#bucket` for hashed). */
export function columnNames(contract: FeatureContract): string[] {
  const names: string[] = [];
  for (const f of contract.features) {
    if ((f.source === 'context' || f.source === 'action') && f.encoding.type === 'onehot') {
      for (const v of f.encoding.vocabulary) names.push(`${f.name}=${v}`);
    } else if ((f.source === 'context' || f.source === 'action') && f.encoding.type === 'hash') {
      for (let b = 0; b < f.encoding.buckets; b++) names.push(`${f.name}#${b}`);
    } else names.push(f.name);
  }
  return names;
}

export type ContractCheck = { ok: true; contract: FeatureContract } | { ok: false; error: string };

/** Validates an untrusted contract (a manifest's), naming the first offending field. */
export function parseFeatureContract(input: unknown, fieldPrefix = 'features'): ContractCheck {
  const parsed = featureContractSchema.safeParse(input);
  if (parsed.success) return { ok: true, contract: parsed.data };
  const issue = parsed.error.issues[0];
  const path = formatPath(issue.path);
  return { ok: false, error: `${fieldPrefix}${path ? (path.startsWith('[') ? path : `.${path}`) : ''}: ${issue.message}` };
}
