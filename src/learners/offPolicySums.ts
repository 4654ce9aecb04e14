// Off-policy estimates from additive sums, so a log can be cut into time intervals once and any
// span of intervals (Personalizer's per-interval, expanding and rolling series) estimated by
// adding their sums. Each decision i contributes its importance weight w = π(a|x) / p(a|x), its
// reward r and its doubly robust term d = V̂(x) + w·(r − q̂(x, a)). From the sums:
//   IPS   = Σ w·r / n                   standard error of the mean of the w·r terms
//   SNIPS = Σ w·r / Σ w                 delta method: terms w·(r − SNIPS) / mean(w)
//   DR    = Σ d / n                     standard error of the mean of the d terms
// the same values and normal intervals as offPolicyEvaluate (offPolicy.ts) gives on the rows.
import { normalQuantile, type Estimate } from './offPolicy';

/** The sums one interval keeps (all additive). */
export interface OffPolicySums {
  n: number;
  /** Σ w */
  sw: number;
  /** Σ w² */
  sw2: number;
  /** Σ w·r: the IPS numerator. */
  swr: number;
  /** Σ w²·r */
  sw2r: number;
  /** Σ (w·r)²: the IPS terms' sum of squares. */
  sw2r2: number;
  /** Decisions where the target policy gives the logged action a non-zero probability. */
  nonZero: number;
  /** Σ d */
  sdr: number;
  /** Σ d² */
  sdr2: number;
}

export const emptySums = (): OffPolicySums => ({ n: 0, sw: 0, sw2: 0, swr: 0, sw2r: 0, sw2r2: 0, nonZero: 0, sdr: 0, sdr2: 0 });

/** Adds one decision: importance weight `w`, reward `r`, doubly robust term `dr`. */
export function addDecision(s: OffPolicySums, w: number, r: number, dr: number): void {
  s.n += 1;
  s.sw += w;
  s.sw2 += w * w;
  s.swr += w * r;
  s.sw2r += w * w * r;
  s.sw2r2 += w * w * r * r;
  if (w > 0) s.nonZero += 1;
  s.sdr += dr;
  s.sdr2 += dr * dr;
}

export function addSums(into: OffPolicySums, more: OffPolicySums): OffPolicySums {
  into.n += more.n;
  into.sw += more.sw;
  into.sw2 += more.sw2;
  into.swr += more.swr;
  into.sw2r += more.sw2r;
  into.sw2r2 += more.sw2r2;
  into.nonZero += more.nonZero;
  into.sdr += more.sdr;
  into.sdr2 += more.sdr2;
  return into;
}

const FIELDS = ['n', 'sw', 'sw2', 'swr', 'sw2r', 'sw2r2', 'nonZero', 'sdr', 'sdr2'] as const;

/** Compact form for storage: the fields in FIELDS order. */
export const sumsToArray = (s: OffPolicySums): number[] => FIELDS.map((f) => s[f]);
export function sumsFromArray(a: readonly number[]): OffPolicySums {
  const s = emptySums();
  FIELDS.forEach((f, i) => (s[f] = a[i] ?? 0));
  return s;
}

export interface SumsEstimates {
  n: number;
  ips: Estimate;
  snips: Estimate;
  dr: Estimate;
}

/** Sample variance from a sum and a sum of squares; clamped at 0 (rounding). */
const variance = (n: number, sum: number, sumSquares: number): number => (n > 1 ? Math.max(0, (sumSquares - (sum * sum) / n) / (n - 1)) : 0);

function normal(value: number, se: number, z: number): Estimate {
  return { value, lower: value - z * se, upper: value + z * se, standardError: se };
}

/** IPS, SNIPS and DR with normal intervals at `confidence`; undefined for an empty interval. */
export function estimatesFromSums(s: OffPolicySums, confidence = 0.95): SumsEstimates | undefined {
  if (s.n === 0) return undefined;
  const z = normalQuantile(0.5 + confidence / 2);
  const n = s.n;
  const ips = s.swr / n;
  const ipsSe = Math.sqrt(variance(n, s.swr, s.sw2r2) / n);
  const snips = s.sw > 0 ? s.swr / s.sw : NaN;
  let snipsSe = 0;
  if (s.sw > 0 && n > 1) {
    // Σ (w (r − S))² / mean(w)²; the terms' mean is 0 by construction.
    const meanW = s.sw / n;
    const ss = Math.max(0, s.sw2r2 - 2 * snips * s.sw2r + snips * snips * s.sw2);
    snipsSe = Math.sqrt(ss / (meanW * meanW) / (n - 1) / n);
  }
  const dr = s.sdr / n;
  const drSe = Math.sqrt(variance(n, s.sdr, s.sdr2) / n);
  return { n, ips: normal(ips, ipsSe, z), snips: normal(snips, snipsSe, z), dr: normal(dr, drSe, z) };
}
