// The checks between a training run and promotion. Data gates (enough decisions, enough
// positives, both outcomes present) stop the run before training: status 'rejected'. The policy
// gate decides promotion of a trained model: its doubly robust policy value must not fall below
// the reference by more than the margin; a model failing it is registered but not promoted. The
// reference is measured on the same validation decisions: the current model's DR value (scored
// with its own ONNX and contract), else the logging policy's observed value. Both sides are means
// over the same decisions, so the difference gets a paired interval (much narrower than either).
import { TRAINING_DEFAULTS } from '../../config/trainingSettings';
import { normalQuantile, type Estimate } from '../../learners/offPolicy';
import { rewardLabel, type JoinedDecision } from './rewardJoin';

export interface Gates {
  minDecisions: number;
  /** Positives = Σ of the [0, 1] labels (for 0/1 rewards: decisions with reward = max). */
  minPositives: number;
  /** Reward units the DR value may fall below the reference. */
  policyValueMargin: number;
}

export interface GateResult {
  gate: 'minDecisions' | 'minPositives' | 'bothOutcomes' | 'policyValue';
  passed: boolean;
  value: number;
  threshold: number;
  message: string;
}

export interface PolicyReference {
  kind: 'current model' | 'logging policy';
  /** The reference's value on the validation decisions, with its interval. */
  estimate: Estimate;
  /** Where the reference comes from, in words. */
  source: string;
  /** New model's DR minus the reference, per decision averaged, with a paired interval. */
  difference: Estimate;
}

export function resolveGates(g: Partial<Gates> = {}): Gates {
  const gates: Gates = {
    minDecisions: g.minDecisions ?? TRAINING_DEFAULTS.minDecisions,
    minPositives: g.minPositives ?? TRAINING_DEFAULTS.minPositives,
    policyValueMargin: g.policyValueMargin ?? TRAINING_DEFAULTS.policyValueMargin,
  };
  for (const [name, v] of Object.entries(gates)) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`gates.${name} must be a finite number ≥ 0, got ${String(v)}`);
  }
  return gates;
}

export function labelTotals(examples: readonly JoinedDecision[]): { positives: number; negatives: number } {
  let positives = 0;
  for (const e of examples) positives += rewardLabel(e);
  return { positives, negatives: examples.length - positives };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function dataGates(examples: readonly JoinedDecision[], gates: Gates): GateResult[] {
  const n = examples.length;
  const { positives, negatives } = labelTotals(examples);
  return [
    {
      gate: 'minDecisions',
      passed: n >= gates.minDecisions,
      value: n,
      threshold: gates.minDecisions,
      message: `${n} usable decisions (at least ${gates.minDecisions} needed)`,
    },
    {
      gate: 'minPositives',
      passed: positives >= gates.minPositives,
      value: round(positives),
      threshold: gates.minPositives,
      message: `${round(positives)} positive outcomes (at least ${gates.minPositives} needed)`,
    },
    {
      gate: 'bothOutcomes',
      passed: positives > 0 && negatives > 0,
      value: round(Math.min(positives, negatives)),
      threshold: 0,
      message:
        positives > 0 && negatives > 0
          ? 'both positive and negative outcomes present'
          : `labels contain only one class: every usable decision has reward ${positives > 0 ? 'at the maximum' : 'at the minimum (no rewards)'}`,
    },
  ];
}

/** Mean of a[i] − b[i] with a normal interval from the per-decision differences. */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>, confidence = 0.95): Estimate {
  const n = a.length;
  if (n === 0 || b.length !== n) throw new RangeError(`pairedDifference: needs two equally long, non-empty series (got ${n} and ${b.length})`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i] - b[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i] - b[i] - mean) ** 2;
  const se = n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0;
  const z = normalQuantile(0.5 + confidence / 2);
  return { value: mean, lower: mean - z * se, upper: mean + z * se, standardError: se };
}

const interval = (e: Estimate) => `[${e.lower.toFixed(4)}, ${e.upper.toFixed(4)}]`;
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;

/** Passes when the new model's DR value is at most `margin` below the reference's on the same decisions. */
export function policyValueGate(dr: Estimate, reference: PolicyReference, margin: number): GateResult {
  const threshold = reference.estimate.value - margin;
  const passed = reference.difference.value >= -margin;
  const d = reference.difference;
  return {
    gate: 'policyValue',
    passed,
    value: dr.value,
    threshold,
    message:
      `DR policy value ${dr.value.toFixed(4)} ${interval(dr)} ${passed ? 'is not below' : 'is below'} ${reference.source} ` +
      `(${reference.estimate.value.toFixed(4)} ${interval(reference.estimate)}) by more than the margin ${margin}; difference ${signed(d.value)} ${interval(d)} (paired)`,
  };
}
