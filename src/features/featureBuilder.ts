// THE feature builder: serving and training both turn (context, action, profile, prior) into a
// model row with this code and a model's contract, so the two cannot drift apart.
import { AFFINITY_HALF_LIFE_DAYS } from '../aggregation/profile';
import { specWidth, type FeatureContract, type FeatureEncoding, type FeatureSpec } from './featureContract';
import type { FeatureMap, FeatureValue } from './flattenFeatures';
import { isReturning, type ProfileView } from './profileView';

export interface RowInputs {
  /** Flattened context features (flattenFeatures of the request's contextFeatures). */
  context: FeatureMap;
  /** Flattened features of one action. */
  action: FeatureMap;
  /** The user's profile; undefined for users with no history. */
  profile: ProfileView | undefined;
  /** Cold-start prior of this action in the request's segment (priorFor). */
  prior: number;
  /** Decision time, for profile recency features. */
  nowMs: number;
}

const DAY_MS = 86_400_000;
const HALF_LIFE_MS = AFFINITY_HALF_LIFE_DAYS * DAY_MS;

/** 32-bit FNV-1a of the UTF-8 bytes of `text`; hashed encodings use `fnv1a32(String(value)) % buckets`. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Signed log1p, so negative amounts keep their sign. */
const log1p = (v: number) => (v < 0 ? -Math.log1p(-v) : Math.log1p(v));

function asNumber(v: FeatureValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function writeEncoded(out: Float32Array, at: number, enc: FeatureEncoding, v: FeatureValue | undefined): void {
  switch (enc.type) {
    case 'numeric': {
      const n = asNumber(v) ?? enc.default ?? 0;
      out[at] = enc.transform === 'log1p' ? log1p(n) : n;
      return;
    }
    case 'boolean':
      out[at] = v === true || v === 'true' || (typeof v === 'number' && v !== 0) ? 1 : 0;
      return;
    case 'onehot': {
      if (v === undefined) return;
      const i = enc.vocabulary.indexOf(String(v));
      if (i >= 0) out[at + i] = 1;
      return;
    }
    case 'hash':
      if (v !== undefined) out[at + (fnv1a32(String(v)) % enc.buckets)] = 1;
      return;
  }
}

function profileValue(field: string, p: ProfileView | undefined, nowMs: number): number | undefined {
  if (field === 'known') return p ? 1 : 0;
  if (field === 'returning') return isReturning(p, nowMs) ? 1 : 0;
  if (!p) return undefined;
  switch (field) {
    case 'events': return p.events;
    case 'purchases': return p.purchases;
    case 'totalRevenue': return p.totalRevenue;
    case 'daysSinceFirstSeen': return p.firstSeenMs === null ? undefined : Math.max(0, nowMs - p.firstSeenMs) / DAY_MS;
    case 'daysSinceLastSeen': return p.lastSeenMs === null ? undefined : Math.max(0, nowMs - p.lastSeenMs) / DAY_MS;
    default: return field.startsWith('count.') ? (p.counts[field.slice(6)] ?? 0) : undefined;
  }
}

function profileActionValue(field: string, p: ProfileView | undefined, v: FeatureValue | undefined, nowMs: number): number {
  if (!p || v === undefined) return 0;
  const key = String(v);
  if (field === 'recentProduct') return p.recentProducts.includes(key) ? 1 : 0;
  const affinity = Object.prototype.hasOwnProperty.call(p.categoryAffinity, key) ? p.categoryAffinity[key] : 0;
  if (field === 'categoryShare') {
    let total = 0;
    for (const a of Object.values(p.categoryAffinity)) total += a;
    return total > 0 ? affinity / total : 0;
  }
  // categoryAffinity: decayed on from lastSeen to the decision time, as the profile would be.
  const age = p.lastSeenMs === null ? 0 : Math.max(0, nowMs - p.lastSeenMs);
  return affinity * Math.pow(2, -age / HALF_LIFE_MS);
}

function writeSpec(out: Float32Array, at: number, spec: FeatureSpec, x: RowInputs): void {
  switch (spec.source) {
    case 'context':
      writeEncoded(out, at, spec.encoding, x.context.get(spec.key));
      return;
    case 'action':
      writeEncoded(out, at, spec.encoding, x.action.get(spec.key));
      return;
    case 'profile': {
      const n = profileValue(spec.field, x.profile, x.nowMs) ?? spec.default ?? 0;
      out[at] = spec.transform === 'log1p' ? log1p(n) : n;
      return;
    }
    case 'profileAction':
      out[at] = profileActionValue(spec.field, x.profile, x.action.get(spec.actionKey), x.nowMs);
      return;
    case 'prior':
      out[at] = x.prior;
      return;
  }
}

interface Compiled {
  width: number;
  offsets: number[];
}

const compiledContracts = new WeakMap<FeatureContract, Compiled>();

function compile(contract: FeatureContract): Compiled {
  let c = compiledContracts.get(contract);
  if (!c) {
    const offsets: number[] = [];
    let at = 0;
    for (const spec of contract.features) {
      offsets.push(at);
      at += specWidth(spec);
    }
    c = { width: at, offsets };
    compiledContracts.set(contract, c);
  }
  return c;
}

/** Writes one row at `out[offset …]` (the columns must be zero; fresh Float32Arrays are). */
export function writeFeatureRow(out: Float32Array, offset: number, x: RowInputs, contract: FeatureContract): void {
  const c = compile(contract);
  const specs = contract.features;
  for (let i = 0; i < specs.length; i++) writeSpec(out, offset + c.offsets[i], specs[i], x);
}

/** One model row for (context, action, profile, prior) under `contract`. */
export function buildFeatureRow(x: RowInputs, contract: FeatureContract): Float32Array {
  const row = new Float32Array(compile(contract).width);
  writeFeatureRow(row, 0, x, contract);
  return row;
}

/** Rows for all actions of one request, in one buffer (row-major [actions.length, width]). */
export function buildFeatureMatrix(
  context: FeatureMap,
  actions: readonly { features: FeatureMap; prior: number }[],
  profile: ProfileView | undefined,
  nowMs: number,
  contract: FeatureContract,
): Float32Array {
  const width = compile(contract).width;
  const out = new Float32Array(actions.length * width);
  for (let i = 0; i < actions.length; i++) {
    writeFeatureRow(out, i * width, { context, action: actions[i].features, profile, prior: actions[i].prior, nowMs }, contract);
  }
  return out;
}
