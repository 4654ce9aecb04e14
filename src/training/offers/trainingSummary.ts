// A training run in words (the CLI's closing summary) and as one JSON line (the CLI's last line).
import { reportPath } from './registryAccess';
import type { TrainingRunResult } from './trainingRunOptions';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const f4 = (n: number | undefined | null) => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(4) : 'n/a');
/** Whole counts as integers, soft-label sums with decimals. */
const amount = (n: number) => (Number.isInteger(n) ? int(n) : n.toFixed(2));
const interval = (e: { value: number; lower: number; upper: number } | undefined) => (e ? `${f4(e.value)} [${f4(e.lower)}, ${f4(e.upper)}]` : 'n/a');

export function formatTrainingSummary(result: TrainingRunResult): string {
  const r = result.report;
  const lines: string[] = [];
  const head = result.status === 'promoted' ? `PROMOTED ${r.version}` : result.status === 'registered' ? `REGISTERED ${r.version} (not promoted)` : 'REJECTED';
  lines.push(`Training ${r.modelName}: ${head} in ${r.durationSeconds.toFixed(1)} s`);
  if (r.archive) {
    const a = r.archive;
    const malformed = a.malformed.decision + a.malformed.reward + a.malformed.activation;
    lines.push(
      `  archive    ${int(a.events)} events from ${a.source}: ${int(a.decisions)} decisions, ${int(a.rewards)} rewards, ${int(a.activations)} activations;` +
        ` dropped ${int(a.duplicateEvents)} re-sent copies, ${int(a.duplicateDecisionIds)} repeated decision ids, ${int(malformed)} malformed, ${int(a.unparsable)} unparsable`,
    );
  }
  if (r.join) {
    const j = r.join;
    lines.push(
      `  join       ${int(j.used)} usable decisions (${int(j.rewarded)} rewarded, ${int(j.defaulted)} default reward); left out: ${int(j.pending)} pending,` +
        ` ${int(j.outOfRange)} out of range, ${int(j.notActivated)} not activated; rewards: ${int(j.rewardsCounted)} counted, ${int(j.rewardsOutsideWindow)} outside the wait time,` +
        ` ${int(j.rewardsSuperseded)} after the earliest, ${int(j.orphanRewards)} without a decision`,
    );
  }
  if (r.labels) lines.push(`  labels     ${amount(r.labels.positives)} positive, ${amount(r.labels.negatives)} negative; mean reward ${f4(r.labels.meanReward)}`);
  if (r.split) {
    const s = r.split;
    lines.push(`  split      ${int(s.trainDecisions)} train / ${int(s.earlyStoppingDecisions)} early stopping / ${int(s.validationDecisions)} validation decisions (validation from ${s.validationFrom})`);
  }
  if (r.contract) lines.push(`  features   ${r.contract.features} features, ${r.contract.columns} columns (${r.contract.source} contract)`);
  if (r.training && r.validation) {
    const v = r.validation;
    lines.push(
      `  model      ${r.training.trees} trees; validation AUC ${f4(v.model.auc)} (logistic baseline ${f4(v.baseline?.auc)}), log loss ${f4(v.model.logLoss)}` +
        ` (baseline ${f4(v.baseline?.logLoss)}), Brier ${f4(v.model.brier)}; ONNX parity ${v.onnxParityMaxAbsDiff.toExponential(2)} over ${int(v.onnxParityRows)} rows`,
    );
  }
  if (r.offPolicy) {
    const o = r.offPolicy;
    lines.push(`  policy     new model, greedy: DR ${interval(o.greedy.dr)}, IPS ${interval(o.greedy.ips)}, SNIPS ${interval(o.greedy.snips)}`);
    lines.push(`             new model, epsilon-greedy: DR ${interval(o.epsilonGreedy.dr)}; logging policy observed ${interval(o.logging)} over ${int(o.decisions)} decisions`);
  }
  if (r.currentModel.version) {
    const c = r.currentModel;
    const same = c.onValidation ? `DR ${interval(c.onValidation.greedy.dr)} on the same validation decisions` : 'not evaluated';
    lines.push(`  current    ${r.modelName}/${c.version}: ${same} (its own run recorded ${f4(c.recordedPolicyValue)})${c.problem ? `; ${c.problem}` : ''}`);
  }
  if (r.policyComparison) {
    const p = r.policyComparison;
    const d = p.difference;
    lines.push(`  compare    new − ${p.reference}: ${d.value >= 0 ? '+' : ''}${f4(d.value)} [${f4(d.lower)}, ${f4(d.upper)}] over ${int(p.decisions)} decisions (paired); margin ${p.margin}`);
  }
  for (const g of r.gates) lines.push(`  gate       ${g.passed ? 'pass' : 'FAIL'} ${g.gate}: ${g.message}`);
  if (result.reason) lines.push(`  reason     ${result.reason}`);
  if (r.version) lines.push(`  report     ${reportPath(r.modelName, r.version)}`);
  return lines.join('\n');
}

/** The one-line machine-readable summary. */
export function trainingSummaryJson(result: TrainingRunResult): string {
  const r = result.report;
  return JSON.stringify({
    status: result.status,
    model: r.modelName,
    version: result.version ?? null,
    reason: result.reason ?? null,
    decisions: r.join?.used ?? 0,
    validationDecisions: r.split?.validationDecisions ?? 0,
    auc: r.validation?.model.auc ?? null,
    logLoss: r.validation?.model.logLoss ?? null,
    policyValueDr: r.offPolicy?.greedy.dr?.value ?? null,
    policyValueDrInterval: r.offPolicy?.greedy.dr ? [r.offPolicy.greedy.dr.lower, r.offPolicy.greedy.dr.upper] : null,
    loggingPolicyValue: r.offPolicy?.logging.value ?? null,
    currentPolicyValueDr: r.currentModel.onValidation?.greedy.dr?.value ?? null,
    policyReference: r.policyComparison?.reference ?? null,
    policyValueDrGain: r.policyComparison?.difference.value ?? null,
    onnxParityMaxAbsDiff: r.validation?.onnxParityMaxAbsDiff ?? null,
    report: r.version ? reportPath(r.modelName, r.version) : null,
    durationSeconds: Math.round(r.durationSeconds * 10) / 10,
  });
}
