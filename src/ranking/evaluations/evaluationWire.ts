// Offline evaluations on the wire: the EvaluationContract a create takes (validated, each error
// naming its field) and the Evaluation each API family answers with, built from the stored sums:
//   v1.0:    status completed / pending / failed / notSubmitted; policyResults[] with summary[] (one
//            PolicyResultSummary per interval: IPS numerator Σw·r, denominator n, SNIPS denominator
//            Σw, sum of squares Σ(w·r)², non-zero-probability count, confidence half-width) and
//            totalSummary.
//   preview: status Succeeded / Running / Failed / NotSubmitted (auto-optimization's end in
//            OptimalPolicyApplied / OnlinePolicyRetained); content.value[] per policy with
//            summary {expectedReward, confidenceInterval [lower, upper]} and timeseries.data[] per
//            interval (intervalInMinutes, Expanding or Rolling window, startTime / endTime).
// expectedReward is the doubly robust estimate; every summary and point also carries `estimates`
// (IPS, SNIPS, DR with their 95% intervals) and `decisions`, fields the definitions do not have.
import { addSums, emptySums, estimatesFromSums, sumsFromArray, type OffPolicySums, type SumsEstimates } from '../../learners/offPolicySums';
import { parsePolicyArguments } from '../configuration/policyArguments';
import type { EvaluationRecord, EvaluationStatus, StoredEvaluationResult } from './evaluationStore';

export const MAX_CUSTOM_POLICIES = 10;
/** The name discovery's best learning settings are reported under (policySource OfflineExperimentation). */
export const DISCOVERED_POLICY_NAME = 'Optimized learning settings';
/** Names the built-in results take (policySource Online / Baseline / Random, and discovery's): a custom policy may not take them. */
export const BUILT_IN_POLICY_NAMES = ['Online', 'Baseline', 'Random', DISCOVERED_POLICY_NAME];
export const INTERVALS_MINUTES = [5, 60, 360, 720, 1440] as const;

export interface EvaluationRequest {
  name: string;
  startTime: string;
  endTime: string;
  policies: { name: string; arguments: string }[];
  discovery: boolean;
}

export type CheckedRequest = { ok: true; value: EvaluationRequest } | { ok: false; field: string; message: string; code: 'InvalidEvaluationContract' | 'DuplicateCustomPolicyNames' | 'InvalidPolicyConfiguration' };

const FIELDS = new Set(['name', 'startTime', 'endTime', 'policies', 'enablePolicyOptimization', 'enableOfflineExperimentation']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function dateTime(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** Both spellings of the discovery flag are taken in both families (v1.0 enableOfflineExperimentation, preview enablePolicyOptimization). */
export function checkEvaluationRequest(body: unknown): CheckedRequest {
  const fail = (field: string, message: string, code: 'InvalidEvaluationContract' | 'DuplicateCustomPolicyNames' | 'InvalidPolicyConfiguration' = 'InvalidEvaluationContract'): CheckedRequest => ({ ok: false, field, message, code });
  if (!isObject(body)) return fail('body', 'must be an EvaluationContract object: {"name", "startTime", "endTime", "policies"}');
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) return fail(key, 'is not an EvaluationContract field');
  if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 256) return fail('name', 'is required: 1-256 characters');
  const startTime = dateTime(body.startTime);
  if (!startTime) return fail('startTime', 'is required: an ISO 8601 date-time such as "2026-11-01T00:00:00Z"');
  const endTime = dateTime(body.endTime);
  if (!endTime) return fail('endTime', 'is required: an ISO 8601 date-time such as "2026-11-08T00:00:00Z"');
  if (!(startTime < endTime)) return fail('endTime', `must be after startTime (${startTime})`);
  if (!Array.isArray(body.policies)) return fail('policies', 'is required: an array of learning settings {"name", "arguments"} (it may be empty)');
  if (body.policies.length > MAX_CUSTOM_POLICIES) return fail('policies', `at most ${MAX_CUSTOM_POLICIES} learning settings, got ${body.policies.length}`);
  const policies: { name: string; arguments: string }[] = [];
  const seen = new Set(BUILT_IN_POLICY_NAMES.map((n) => n.toLowerCase()));
  for (const [i, p] of body.policies.entries()) {
    const at = `policies[${i}]`;
    if (!isObject(p)) return fail(at, 'must be {"name", "arguments"}');
    for (const key of Object.keys(p)) if (key !== 'name' && key !== 'arguments') return fail(`${at}.${key}`, 'is not a PolicyContract field');
    if (typeof p.name !== 'string' || p.name.trim() === '' || p.name.length > 256) return fail(`${at}.name`, 'is required: 1-256 characters');
    if (typeof p.arguments !== 'string' || p.arguments.length > 1024) return fail(`${at}.arguments`, 'is required: Vowpal Wabbit arguments of at most 1024 characters');
    const parsed = parsePolicyArguments(p.arguments);
    if (!parsed.ok) return fail(`${at}.arguments`, parsed.message, 'InvalidPolicyConfiguration');
    if (seen.has(p.name.toLowerCase())) return fail(`${at}.name`, `"${p.name}" is used twice (names are compared ignoring case; ${BUILT_IN_POLICY_NAMES.join(', ')} are the built-in results)`, 'DuplicateCustomPolicyNames');
    seen.add(p.name.toLowerCase());
    policies.push({ name: p.name, arguments: p.arguments });
  }
  let discovery = false;
  for (const key of ['enablePolicyOptimization', 'enableOfflineExperimentation']) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') return fail(key, 'must be true or false');
    discovery ||= v;
  }
  return { ok: true, value: { name: body.name, startTime, endTime, policies, discovery } };
}

const STABLE_STATUS: Record<EvaluationStatus, string> = {
  NotSubmitted: 'notSubmitted', Running: 'pending', Succeeded: 'completed', Failed: 'failed', OptimalPolicyApplied: 'completed', OnlinePolicyRetained: 'completed',
};

interface Bucket {
  startMs: number;
  sums: OffPolicySums;
}
const bucketsOf = (buckets: number[][]): Bucket[] => buckets.map(([startMs, ...rest]) => ({ startMs, sums: sumsFromArray(rest) }));

function estimatesBody(e: SumsEstimates): Record<string, unknown> {
  const one = (x: { value: number; lower: number; upper: number }) => ({ value: x.value, confidenceInterval: [x.lower, x.upper] });
  return { ips: one(e.ips), snips: one(e.snips), dr: one(e.dr) };
}

const isoDuration = (minutes: number) => (minutes === 0 ? 'PT0S' : minutes % 1440 === 0 ? `P${minutes / 1440}D` : minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`);

/** v1.0's PolicyResultSummary of some sums. */
function stableSummary(timeMs: number, s: OffPolicySums, windowMinutes: number): Record<string, unknown> {
  const e = estimatesFromSums(s);
  return {
    timeStamp: new Date(timeMs).toISOString(),
    ipsEstimatorNumerator: s.swr,
    ipsEstimatorDenominator: s.n,
    snipsEstimatorDenominator: s.sw,
    aggregateTimeWindow: isoDuration(windowMinutes),
    nonZeroProbability: s.nonZero,
    confidenceInterval: e ? e.ips.upper - e.ips.value : 0,
    sumOfSquares: s.sw2r2,
    ...(e ? { estimates: estimatesBody(e) } : {}),
  };
}

const header = (r: EvaluationRecord) => ({ id: r.evaluationId, name: r.name, startTime: r.startTime, endTime: r.endTime });

/** The v1.0 Evaluation: per-policy summaries per stored bucket and the total. */
export function stableEvaluation(r: EvaluationRecord, withResults = true): Record<string, unknown> {
  const result = withResults ? r.result : undefined;
  return {
    ...header(r),
    jobId: r.evaluationId,
    status: STABLE_STATUS[r.status],
    policyResults: result
      ? result.policies.map((p) => {
          const buckets = bucketsOf(p.buckets);
          const total = buckets.reduce((t, b) => addSums(t, b.sums), emptySums());
          return {
            name: p.name,
            arguments: p.arguments,
            policySource: p.source,
            summary: buckets.map((b) => stableSummary(b.startMs, b.sums, result.bucketMinutes)),
            totalSummary: stableSummary(Date.parse(r.endTime), total, 0),
          };
        })
      : r.policies.map((p) => ({ name: p.name, arguments: p.arguments })),
    featureImportance: result?.featureImportance ?? [],
    ...(r.description ? { description: r.description } : {}),
    ...(result ? { optimalPolicy: result.optimalPolicy, decisions: result.decisions, evaluatedFrom: result.evaluatedFrom } : {}),
  };
}

export function evaluationDetails(r: EvaluationRecord): Record<string, unknown> {
  return { ...header(r), creationTime: r.creationTime, status: r.status, evaluationType: r.evaluationType ?? 'Manual' };
}

export interface SeriesQuery {
  intervalMinutes: number;
  window: 'Expanding' | 'Rolling';
  fromMs: number;
  toMs: number;
}

export type CheckedQuery = { ok: true; value: SeriesQuery } | { ok: false; field: string; message: string };

/** The preview Get's query: intervalInMinutes (default 5), window (default Expanding), startTime / endTime (default the evaluation's range). */
export function checkSeriesQuery(q: { get(name: string): string | null }, r: EvaluationRecord): CheckedQuery {
  const interval = q.get('intervalInMinutes');
  const intervalMinutes = interval === null || interval === '' ? 5 : Number(interval);
  if (!(INTERVALS_MINUTES as readonly number[]).includes(intervalMinutes)) return { ok: false, field: 'intervalInMinutes', message: `must be one of ${INTERVALS_MINUTES.join(', ')}, got "${interval}"` };
  const windowText = q.get('window') ?? 'Expanding';
  const window = ['Expanding', 'Rolling'].find((w) => w.toLowerCase() === windowText.toLowerCase()) as SeriesQuery['window'] | undefined;
  if (!window) return { ok: false, field: 'window', message: `must be Expanding or Rolling, got "${windowText}"` };
  const times: Record<string, number> = {};
  for (const [field, fallback] of [['startTime', r.startTime], ['endTime', r.endTime]] as const) {
    const text = q.get(field);
    const value = text === null || text === '' ? fallback : dateTime(text);
    if (value === undefined) return { ok: false, field, message: `must be an ISO 8601 date-time, got "${text}"` };
    times[field] = Date.parse(value);
  }
  if (!(times.startTime < times.endTime)) return { ok: false, field: 'endTime', message: 'must be after startTime' };
  return { ok: true, value: { intervalMinutes, window, fromMs: times.startTime, toMs: times.endTime } };
}

function point(timeMs: number, s: OffPolicySums): Record<string, unknown> | undefined {
  const e = estimatesFromSums(s);
  if (!e) return undefined;
  return { timeStamp: new Date(timeMs).toISOString(), expectedReward: e.dr.value, confidenceInterval: [e.dr.lower, e.dr.upper], decisions: e.n, estimates: estimatesBody(e) };
}

/**
 * The preview Evaluation. Intervals are whole multiples of the stored bucket width (a long range
 * is stored in wider buckets: content.intervalInMinutes says the interval used). Expanding: each
 * point covers startTime to the interval's end; Rolling: the interval alone. Intervals without
 * decisions have no point.
 */
export function previewEvaluation(r: EvaluationRecord, query?: SeriesQuery): Record<string, unknown> {
  const result = r.result;
  const base = { ...evaluationDetails(r), ...(r.description ? { description: r.description } : {}) };
  if (!result || !query) return base;
  const interval = Math.max(query.intervalMinutes, result.bucketMinutes);
  const intervalMs = Math.ceil(interval / result.bucketMinutes) * result.bucketMinutes * 60_000;
  const value = result.policies.map((p) => {
    const buckets = bucketsOf(p.buckets);
    const total = buckets.reduce((t, b) => addSums(t, b.sums), emptySums());
    const e = estimatesFromSums(total);
    const inRange = buckets.filter((b) => b.startMs >= query.fromMs && b.startMs < query.toMs);
    const byInterval = new Map<number, OffPolicySums>();
    for (const b of inRange) {
      const at = query.fromMs + Math.floor((b.startMs - query.fromMs) / intervalMs) * intervalMs;
      addSums(byInterval.get(at) ?? byInterval.set(at, emptySums()).get(at)!, b.sums);
    }
    const running = emptySums();
    const data: Record<string, unknown>[] = [];
    for (const [at, s] of [...byInterval.entries()].sort((a, b) => a[0] - b[0])) {
      const shown = query.window === 'Expanding' ? addSums(running, s) : s;
      const pt = point(at, shown);
      if (pt) data.push(pt);
    }
    return {
      name: p.name,
      arguments: p.arguments,
      policySource: p.source,
      summary: e ? { expectedReward: e.dr.value, confidenceInterval: [e.dr.lower, e.dr.upper], decisions: e.n, estimates: estimatesBody(e) } : {},
      timeseries: { data },
    };
  });
  return {
    ...base,
    optimalPolicy: result.optimalPolicy,
    content: { startTime: new Date(query.fromMs).toISOString(), endTime: new Date(query.toMs).toISOString(), intervalInMinutes: intervalMs / 60_000, value },
  };
}

export type { StoredEvaluationResult };
