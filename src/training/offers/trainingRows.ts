// Model rows from logged decisions, built by the scorer's own feature builder from exactly the
// inputs the ranker used: flattened context, the action's flattened features, the logged profile
// snapshot, the logged prior, and the issue time as "now" (src/ranking/ranker.ts does the same).
//
// Training rows: one per decision, for the chosen action (the only one with an observed reward).
// The label is the reward scaled to [0, 1] by the decision's [min, max]: 0 or 1 gives one row;
// a value in between gives two rows, label 1 with weight y and label 0 with weight 1 − y, whose
// weighted log loss is the cross-entropy with the soft target y.
import { buildFeatureMatrix, writeFeatureRow } from '../../features/featureBuilder';
import { columnNames, contractWidth, type FeatureContract } from '../../features/featureContract';
import { flattenFeatures } from '../../features/flattenFeatures';
import type { Dataset, FeatureMatrix } from '../../learners/dataset';
import type { LoggedDecision } from '../../events/learningEvents';
import { rewardLabel, type JoinedDecision } from './rewardJoin';

export interface RowDataset extends Dataset {
  /** Index (into the input list) of the decision each row comes from. */
  readonly decisionOfRow: Int32Array;
}

function inputsOf(d: LoggedDecision, actionIndex: number) {
  const a = d.actions[actionIndex];
  return {
    context: flattenFeatures(d.contextFeatures),
    action: flattenFeatures(a.features),
    profile: d.profile ?? undefined,
    prior: a.prior,
    nowMs: d.issuedAtMs,
  };
}

/** Rows of the chosen actions with their reward labels (soft labels as two weighted rows). */
export function chosenActionRows(examples: readonly JoinedDecision[], contract: FeatureContract): RowDataset {
  const width = contractWidth(contract);
  const labels = examples.map(rewardLabel);
  const soft = labels.filter((y) => y > 0 && y < 1).length;
  const nRows = examples.length + soft;
  const features = new Float32Array(nRows * width);
  const y = new Uint8Array(nRows);
  const weights = soft > 0 ? new Float32Array(nRows) : undefined;
  const decisionOfRow = new Int32Array(nRows);
  let row = 0;
  examples.forEach((ex, i) => {
    const inputs = inputsOf(ex.decision, ex.decision.chosen);
    const label = labels[i];
    if (label === 0 || label === 1) {
      writeFeatureRow(features, row * width, inputs, contract);
      y[row] = label;
      if (weights) weights[row] = 1;
      decisionOfRow[row++] = i;
      return;
    }
    writeFeatureRow(features, row * width, inputs, contract);
    features.copyWithin((row + 1) * width, row * width, (row + 1) * width);
    y[row] = 1;
    weights![row] = label;
    decisionOfRow[row++] = i;
    y[row] = 0;
    weights![row] = 1 - label;
    decisionOfRow[row++] = i;
  });
  return { nRows, nFeatures: width, layout: 'row-major', features, labels: y, ...(weights ? { weights } : {}), featureNames: columnNames(contract), decisionOfRow };
}

/** Rows for every logged action of one decision, as the ranker built them (row-major [actions, width]). */
export function decisionActionMatrix(d: LoggedDecision, contract: FeatureContract): Float32Array {
  const context = flattenFeatures(d.contextFeatures);
  const actions = d.actions.map((a) => ({ features: flattenFeatures(a.features), prior: a.prior }));
  return buildFeatureMatrix(context, actions, d.profile ?? undefined, d.issuedAtMs, contract);
}

/**
 * Every logged action of the decisions, one block after another (row-major), for one model run
 * over a chunk of decisions: each decision's actions take the rows its block adds.
 */
export function decisionsActionMatrix(decisions: readonly JoinedDecision[], contract: FeatureContract): FeatureMatrix {
  const width = contractWidth(contract);
  const blocks = decisions.map((j) => decisionActionMatrix(j.decision, contract));
  const rows = blocks.reduce((s, b) => s + b.length / width, 0);
  const features = new Float32Array(rows * width);
  let at = 0;
  for (const b of blocks) {
    features.set(b, at);
    at += b.length;
  }
  return { nRows: rows, nFeatures: width, layout: 'row-major', features };
}
