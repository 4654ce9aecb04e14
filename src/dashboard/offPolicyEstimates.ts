// Off-policy estimates as a training report may hold them, read without trusting their shape:
// a list of { estimator, policy, value, lower, upper, samples } (names vary: method/name,
// estimate/mean, ci/interval), or a map from estimator name to a number or such an object.

export interface OffPolicyEstimate {
  estimator: string;
  policy?: string;
  value: number;
  lower?: number;
  upper?: number;
  samples?: number;
}

const MAX_ESTIMATES = 20;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 80) : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bound(entry: Record<string, unknown>, side: 0 | 1): number | undefined {
  const names = side === 0 ? ['lower', 'ciLower', 'low'] : ['upper', 'ciUpper', 'high'];
  for (const n of names) if (num(entry[n]) !== undefined) return num(entry[n]);
  for (const n of ['ci', 'interval', 'confidenceInterval']) {
    const ci = entry[n];
    if (Array.isArray(ci)) return num(ci[side]);
    if (isRecord(ci)) return num(side === 0 ? ci.lower ?? ci.low : ci.upper ?? ci.high);
  }
  return undefined;
}

function fromEntry(entry: unknown, fallbackName: string | undefined, policy: string | undefined): OffPolicyEstimate | undefined {
  if (num(entry) !== undefined && fallbackName) return { estimator: fallbackName, value: num(entry)!, ...(policy ? { policy } : {}) };
  if (!isRecord(entry)) return undefined;
  const value = num(entry.value) ?? num(entry.estimate) ?? num(entry.mean);
  const estimator = text(entry.estimator) ?? text(entry.method) ?? text(entry.name) ?? fallbackName;
  if (value === undefined || estimator === undefined) return undefined;
  const out: OffPolicyEstimate = { estimator, value };
  const p = text(entry.policy) ?? text(entry.targetPolicy) ?? policy;
  if (p) out.policy = p;
  const lower = bound(entry, 0);
  const upper = bound(entry, 1);
  if (lower !== undefined) out.lower = lower;
  if (upper !== undefined) out.upper = upper;
  const samples = num(entry.samples) ?? num(entry.n) ?? num(entry.events);
  if (samples !== undefined) out.samples = samples;
  return out;
}

export function normalizeEstimates(raw: unknown, policy?: string): OffPolicyEstimate[] {
  const out: OffPolicyEstimate[] = [];
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const e = fromEntry(entry, undefined, policy);
      if (e) out.push(e);
    }
  } else if (isRecord(raw)) {
    if (Array.isArray(raw.estimates)) return normalizeEstimates(raw.estimates, text(raw.policy) ?? policy);
    const single = fromEntry(raw, undefined, policy);
    if (single) return [single];
    for (const [name, entry] of Object.entries(raw)) {
      const e = fromEntry(entry, name, policy);
      if (e) out.push(e);
    }
  }
  return out.slice(0, MAX_ESTIMATES);
}

const CANDIDATE_PATHS = [
  ['offPolicy'], ['offPolicyEstimates'], ['offPolicyEvaluation'],
  ['evaluation', 'offPolicy'], ['report', 'offPolicy'], ['report', 'offPolicyEstimates'], ['metrics', 'offPolicy'],
];

/** The first set of estimates found in a manifest or report document. */
export function findEstimates(doc: unknown): OffPolicyEstimate[] {
  for (const path of CANDIDATE_PATHS) {
    let node: unknown = doc;
    for (const step of path) node = isRecord(node) ? node[step] : undefined;
    const found = normalizeEstimates(node);
    if (found.length > 0) return found;
  }
  return [];
}
