// Derives the feature contract of a new model from the logged decisions it is trained on. The
// contract goes into the manifest and the scorer builds every row from it with the same builder
// (src/features/featureBuilder.ts), so whatever is derived here is exactly what serving computes.
//
//   context keys (flattened paths, `userId` excluded) and action keys, each by its majority type:
//     numbers → numeric; booleans → boolean; strings → one-hot over the values seen (at most
//     maxVocabulary, most frequent first) or, beyond that, hashed into hashBuckets columns;
//   profile fields (when any decision had a profile): known, returning, events, purchases,
//     totalRevenue, daysSinceFirstSeen, daysSinceLastSeen and count.<type> of frequent types;
//   categoryAffinity / categoryShare of the action's `category`, recentProduct of its `productId`;
//   the cold-start prior.
import { flattenFeatures, type FeatureValue } from '../../features/flattenFeatures';
import { FEATURE_CONTRACT_VERSION, parseFeatureContract, type FeatureContract, type FeatureEncoding, type FeatureSpec } from '../../features/featureContract';
import type { LoggedDecision } from '../../events/learningEvents';
import { TrainingDataError } from '../trainingDataError';

export interface ContractOptions {
  /** Most distinct string values one-hot encoded; more are hashed. Default 32. */
  maxVocabulary?: number;
  hashBuckets?: number;
  /** A key (or profile counter) must occur this often to become a feature. Default 5. */
  minCount?: number;
  /** Most keys taken from the context and from the actions, most frequent first. Default 200 each. */
  maxKeys?: number;
  /** Action keys whose value is matched against the profile's category affinity. Default ['category']. */
  affinityKeys?: string[];
  /** Action keys whose value is matched against the profile's recent products. Default ['productId']. */
  productKeys?: string[];
}

/** Context keys that select the profile rather than describe the request (docs/ranking.md). */
const IGNORED_CONTEXT_KEYS = new Set(['userId']);
const MAX_KEY_LENGTH = 256;
const MAX_VALUE_LENGTH = 256;
/** Distinct string values tracked per key; more only tell that the key is high-cardinality. */
const MAX_TRACKED_VALUES = 1024;

interface KeyStats {
  count: number;
  numbers: number;
  booleans: number;
  strings: number;
  values: Map<string, number>;
}

function observe(stats: Map<string, KeyStats>, key: string, value: FeatureValue): void {
  if (key.length > MAX_KEY_LENGTH) return;
  let s = stats.get(key);
  if (!s) stats.set(key, (s = { count: 0, numbers: 0, booleans: 0, strings: 0, values: new Map() }));
  s.count++;
  if (typeof value === 'number') s.numbers++;
  else if (typeof value === 'boolean') s.booleans++;
  else {
    s.strings++;
    if (value.length <= MAX_VALUE_LENGTH && (s.values.has(value) || s.values.size < MAX_TRACKED_VALUES)) s.values.set(value, (s.values.get(value) ?? 0) + 1);
  }
}

const NAME_CHARS = /[^A-Za-z0-9_.-]/g;

function featureName(prefix: string, key: string, used: Set<string>): string {
  const base = `${prefix}${key.replace(NAME_CHARS, '_')}`.slice(0, 60);
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

function encodingFor(s: KeyStats, opts: Required<ContractOptions>): FeatureEncoding {
  if (s.numbers >= s.booleans && s.numbers >= s.strings) return { type: 'numeric' };
  if (s.booleans >= s.strings) return { type: 'boolean' };
  const values = [...s.values].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v);
  if (values.length > 0 && values.length <= opts.maxVocabulary) return { type: 'onehot', vocabulary: values };
  return { type: 'hash', buckets: opts.hashBuckets };
}

function keySpecs(
  source: 'context' | 'action',
  stats: Map<string, KeyStats>,
  opts: Required<ContractOptions>,
  used: Set<string>,
): FeatureSpec[] {
  const keys = [...stats]
    .filter(([, s]) => s.count >= opts.minCount)
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .slice(0, opts.maxKeys)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return keys.map(([key, s]) => ({ name: featureName(source === 'context' ? 'ctx.' : 'act.', key, used), source, key, encoding: encodingFor(s, opts) }) as FeatureSpec);
}

export function deriveFeatureContract(decisions: Iterable<LoggedDecision>, options: ContractOptions = {}): FeatureContract {
  const opts: Required<ContractOptions> = {
    maxVocabulary: options.maxVocabulary ?? 32,
    hashBuckets: options.hashBuckets ?? 32,
    minCount: options.minCount ?? 5,
    maxKeys: options.maxKeys ?? 200,
    affinityKeys: options.affinityKeys ?? ['category'],
    productKeys: options.productKeys ?? ['productId'],
  };
  const context = new Map<string, KeyStats>();
  const action = new Map<string, KeyStats>();
  const counters = new Map<string, number>();
  let profiles = 0;
  for (const d of decisions) {
    for (const [key, value] of flattenFeatures(d.contextFeatures)) if (!IGNORED_CONTEXT_KEYS.has(key)) observe(context, key, value);
    for (const a of d.actions) for (const [key, value] of flattenFeatures(a.features)) observe(action, key, value);
    if (d.profile) {
      profiles++;
      for (const type of Object.keys(d.profile.counts)) if (/^[a-z_]{1,32}$/.test(type)) counters.set(type, (counters.get(type) ?? 0) + 1);
    }
  }

  const used = new Set<string>();
  const features: FeatureSpec[] = [...keySpecs('context', context, opts, used), ...keySpecs('action', action, opts, used)];
  if (profiles > 0) {
    features.push(
      { name: featureName('profile.', 'known', used), source: 'profile', field: 'known' },
      { name: featureName('profile.', 'returning', used), source: 'profile', field: 'returning' },
      { name: featureName('profile.', 'events', used), source: 'profile', field: 'events' },
      { name: featureName('profile.', 'purchases', used), source: 'profile', field: 'purchases' },
      { name: featureName('profile.', 'totalRevenue', used), source: 'profile', field: 'totalRevenue' },
      { name: featureName('profile.', 'daysSinceFirstSeen', used), source: 'profile', field: 'daysSinceFirstSeen', default: -1 },
      { name: featureName('profile.', 'daysSinceLastSeen', used), source: 'profile', field: 'daysSinceLastSeen', default: -1 },
    );
    for (const type of [...counters].filter(([, n]) => n >= opts.minCount).map(([t]) => t).sort()) {
      features.push({ name: featureName('profile.count.', type, used), source: 'profile', field: `count.${type}` });
    }
    const stringKey = (key: string) => {
      const s = action.get(key);
      return s !== undefined && s.count >= opts.minCount && s.strings > 0;
    };
    for (const key of opts.affinityKeys.filter(stringKey)) {
      features.push(
        { name: featureName('affinity.', key, used), source: 'profileAction', field: 'categoryAffinity', actionKey: key },
        { name: featureName('share.', key, used), source: 'profileAction', field: 'categoryShare', actionKey: key },
      );
    }
    for (const key of opts.productKeys.filter(stringKey)) {
      features.push({ name: featureName('recent.', key, used), source: 'profileAction', field: 'recentProduct', actionKey: key });
    }
  }
  features.push({ name: featureName('', 'prior', used), source: 'prior' });

  const checked = parseFeatureContract({ version: FEATURE_CONTRACT_VERSION, features });
  if (!checked.ok) throw new TrainingDataError(`feature contract derived from the logged decisions is not valid: ${checked.error}`);
  return checked.contract;
}
