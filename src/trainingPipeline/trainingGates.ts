// The checks between a training run and promotion. Data gates (enough decisions, enough
// positives, both outcomes present) stop the run before training: status 'rejected'. The policy
// gate decides promotion of a trained model: its doubly robust policy value must not fall below
// the reference (the current model's recorded estimate, else the logging policy's observed value)
// by more than the margin; a model failing it is registered but not promoted.
import { TRAINING_DEFAULTS } from '../config/trainingSettings';
import type { Estimate } from '../training/offPolicy';
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
  value: number;
  /** Where the reference comes from, in words. */
  source: string;
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

export function policyValueGate(dr: Estimate, reference: PolicyReference, margin: number): GateResult {
  const threshold = reference.value - margin;
  const passed = dr.value >= threshold;
  return {
    gate: 'policyValue',
    passed,
    value: dr.value,
    threshold,
    message: `DR policy value ${dr.value.toFixed(4)} [${dr.lower.toFixed(4)}, ${dr.upper.toFixed(4)}] ${
      passed ? 'is not below' : 'is below'
    } ${reference.source} (${reference.value.toFixed(4)}) by more than the margin ${margin}`,
  };
}
