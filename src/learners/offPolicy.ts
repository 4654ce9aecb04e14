// Off-policy value estimates (IPS, SNIPS, doubly robust) for a logged contextual-bandit policy.
import { SeededRandom } from './random';

export interface BanditLog {
  /** Logging policy's probability of the logged action, in (0, 1]. */
  propensity: ArrayLike<number>;
  /** Observed reward of the logged action. */
  reward: ArrayLike<number>;
  /** Target policy's probability of the logged action π(a|x) (1/0 for a greedy policy). */
  targetProbability: ArrayLike<number>;
  /** Reward model q̂(x, a) for the logged action (needed for DR). */
  rewardEstimate?: ArrayLike<number>;
  /** V̂(x) = Σ_a π(a|x) q̂(x, a) (needed for DR). */
  valueEstimate?: ArrayLike<number>;
}

export interface OffPolicyOptions {
  /** Importance weights π/p are clipped to at most this value. Default Infinity (no clipping). */
  maxWeight?: number;
  /** Confidence level of the intervals. Default 0.95. */
  confidence?: number;
  /** 'normal' (per-sample terms) or 'bootstrap' (percentile). Default 'normal'. */
  interval?: 'normal' | 'bootstrap';
  bootstrapSamples?: number;
  seed?: number;
}

export interface Estimate {
  value: number;
  lower: number;
  upper: number;
  standardError: number;
}

export interface OffPolicyReport {
  n: number;
  ips: Estimate;
  snips: Estimate;
  dr?: Estimate;
  effectiveSampleSize: number;
  /** Rows whose weight was clipped. */
  clippedCount: number;
  maxWeightSeen: number;
  meanWeight: number;
}

function checkLog(log: BanditLog): number {
  const n = log.propensity.length;
  if (n === 0) throw new RangeError('offPolicy: the log is empty');
  const lengths: [string, ArrayLike<number> | undefined][] = [
    ['reward', log.reward],
    ['targetProbability', log.targetProbability],
    ['rewardEstimate', log.rewardEstimate],
    ['valueEstimate', log.valueEstimate],
  ];
  for (const [name, arr] of lengths) {
    if (arr && arr.length !== n) throw new RangeError(`offPolicy: ${name} has length ${arr.length}, propensity has ${n}`);
  }
  if ((log.rewardEstimate === undefined) !== (log.valueEstimate === undefined)) {
    throw new RangeError('offPolicy: doubly robust needs both rewardEstimate and valueEstimate');
  }
  for (let i = 0; i < n; i++) {
    const p = log.propensity[i];
    if (!(p > 0 && p <= 1)) throw new RangeError(`offPolicy: propensity at row ${i} is ${p}; must be in (0, 1]`);
    const t = log.targetProbability[i];
    if (!(t >= 0 && t <= 1)) throw new RangeError(`offPolicy: targetProbability at row ${i} is ${t}; must be in [0, 1]`);
    if (!Number.isFinite(log.reward[i])) throw new RangeError(`offPolicy: reward at row ${i} is ${log.reward[i]}`);
  }
  return n;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9 after refinement). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let q: number;
  if (p < pl) {
    const r = Math.sqrt(-2 * Math.log(p));
    q = (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  } else if (p <= 1 - pl) {
    const r = (p - 0.5) * (p - 0.5);
    q = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * (p - 0.5)) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const r = Math.sqrt(-2 * Math.log(1 - p));
    q = -(((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  }
  return q;
}

function meanAndSe(terms: Float64Array): { mean: number; se: number } {
  const n = terms.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += terms[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (terms[i] - mean) ** 2;
  return { mean, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0 };
}

function normalEstimate(value: number, se: number, z: number): Estimate {
  return { value, lower: value - z * se, upper: value + z * se, standardError: se };
}

export function offPolicyEvaluate(log: BanditLog, options: OffPolicyOptions = {}): OffPolicyReport {
  const n = checkLog(log);
  const maxWeight = options.maxWeight ?? Infinity;
  if (!(maxWeight > 0)) throw new RangeError(`offPolicy: maxWeight must be > 0, got ${maxWeight}`);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`offPolicy: confidence must be in (0, 1), got ${confidence}`);
  const z = normalQuantile(0.5 + confidence / 2);

  const w = new Float64Array(n);
  let clippedCount = 0;
  let maxWeightSeen = 0;
  let sw = 0;
  let sw2 = 0;
  for (let i = 0; i < n; i++) {
    let wi = log.targetProbability[i] / log.propensity[i];
    maxWeightSeen = Math.max(maxWeightSeen, wi);
    if (wi > maxWeight) {
      wi = maxWeight;
      clippedCount++;
    }
    w[i] = wi;
    sw += wi;
    sw2 += wi * wi;
  }
  const hasDr = log.rewardEstimate !== undefined && log.valueEstimate !== undefined;
  const ipsTerms = new Float64Array(n);
  const drTerms = hasDr ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    ipsTerms[i] = w[i] * log.reward[i];
    if (drTerms && log.rewardEstimate && log.valueEstimate) {
      drTerms[i] = log.valueEstimate[i] + w[i] * (log.reward[i] - log.rewardEstimate[i]);
    }
  }
  const ipsStat = meanAndSe(ipsTerms);
  const meanW = sw / n;
  const snipsValue = sw > 0 ? (ipsStat.mean * n) / sw : NaN;
  // Delta method: SNIPS ≈ mean of w (r − V) / mean(w).
  const snipsTerms = new Float64Array(n);
  for (let i = 0; i < n; i++) snipsTerms[i] = meanW > 0 ? (w[i] * (log.reward[i] - snipsValue)) / meanW : 0;
  const snipsSe = meanAndSe(snipsTerms).se;
  const drStat = drTerms ? meanAndSe(drTerms) : null;

  let ips = normalEstimate(ipsStat.mean, ipsStat.se, z);
  let snips = normalEstimate(snipsValue, snipsSe, z);
  let dr = drStat ? normalEstimate(drStat.mean, drStat.se, z) : undefined;

  if (options.interval === 'bootstrap') {
    const b = options.bootstrapSamples ?? 500;
    if (!Number.isInteger(b) || b < 10) throw new RangeError(`offPolicy: bootstrapSamples must be an integer ≥ 10, got ${b}`);
    const rng = new SeededRandom(options.seed ?? 0);
    const ipsB = new Float64Array(b);
    const snipsB = new Float64Array(b);
    const drB = new Float64Array(b);
    for (let k = 0; k < b; k++) {
      let sIps = 0;
      let sW = 0;
      let sDr = 0;
      for (let j = 0; j < n; j++) {
        const i = rng.int(n);
        sIps += ipsTerms[i];
        sW += w[i];
        if (drTerms) sDr += drTerms[i];
      }
      ipsB[k] = sIps / n;
      snipsB[k] = sW > 0 ? sIps / sW : NaN;
      drB[k] = sDr / n;
    }
    const alpha = (1 - confidence) / 2;
    ips = percentileEstimate(ips.value, ipsB, alpha);
    snips = percentileEstimate(snips.value, snipsB, alpha);
    if (dr) dr = percentileEstimate(dr.value, drB, alpha);
  }

  return {
    n,
    ips,
    snips,
    dr,
    effectiveSampleSize: sw2 > 0 ? (sw * sw) / sw2 : 0,
    clippedCount,
    maxWeightSeen,
    meanWeight: meanW,
  };
}

function percentileEstimate(value: number, samples: Float64Array, alpha: number): Estimate {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
  const { mean } = meanAndSe(sorted);
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  return { value, lower: at(alpha), upper: at(1 - alpha), standardError: Math.sqrt(ss / (sorted.length - 1)) };
}
