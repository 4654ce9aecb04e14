// One training run, from the raw archive to a validated (and, if the gates pass, promoted) model:
//   read + dedupe → join rewards → data gates → split by time → contract + rows (the scorer's
//   builder) → GBDT + ONNX (trainBinaryModel) → validation metrics, ONNX parity, off-policy value
//   → register (model, manifest) → promote against the pointer read at the start → report.json.
import crypto from 'node:crypto';
import { columnNames, contractWidth, type FeatureContract } from '../../features/featureContract';
import { MODEL_NAME } from '../../models/modelManifest';
import { ModelRegistry } from '../../models/modelRegistry';
import { verifyOnnx } from '../../onnx';
import type { HistGradientBoostingParams } from '../../learners/gradientBoosting';
import { evaluateBinary } from '../../learners/metrics';
import { trainBinaryModel, OnnxParityError } from '../trainBinaryModel';
import { evaluateCurrentModel } from './currentModelEvaluation';
import { deriveFeatureContract } from './deriveFeatureContract';
import { evaluatePolicy } from './policyEvaluation';
import { readLoggedEvents } from './readLoggedEvents';
import { promoteIfUnchanged, readCurrentModel, reportPath, writeReport } from './registryAccess';
import { joinRewards, rewardLabel, type JoinedDecision } from './rewardJoin';
import { splitByTime } from './timeSplit';
import { manifestMetrics, trainedManifest } from './trainedManifest';
import { newVersion } from '../modelVersion';
import { TrainingDataError } from '../trainingDataError';
import { dataGates, labelTotals, pairedDifference, policyValueGate, resolveGates, type PolicyReference } from './trainingGates';
import type { TrainingRunOptions, TrainingRunResult } from './trainingRunOptions';
import { emptyReport, type TrainingRunReport } from './trainingRunReport';
import { chosenActionRows } from './trainingRows';

/** GBDT defaults for offer ranking; `opts.gbdt` overrides any of them. */
export const DEFAULT_GBDT: HistGradientBoostingParams = {
  nEstimators: 300,
  learningRate: 0.05,
  maxDepth: 5,
  minSamplesLeaf: 20,
  l2Regularization: 1,
  earlyStoppingRounds: 30,
  seed: 0,
};
export const DEFAULT_MAX_MALFORMED_SHARE = 0.01;
const PARITY_TOLERANCE = 1e-5;
const LABEL_RULE =
  "label = (reward - min) / (max - min) of the decision's reward policy; 0 or 1 gives one row, a value in between two rows (label 1 weight y, label 0 weight 1 - y)";

function checkOptions(opts: TrainingRunOptions): void {
  if (typeof opts.modelName !== 'string' || !MODEL_NAME.test(opts.modelName)) {
    throw new RangeError(`modelName: "${String(opts.modelName)}" must be lower-case letters, digits and -`);
  }
  for (const [name, d] of [['from', opts.from], ['to', opts.to], ['newDecisionsSince', opts.newDecisionsSince]] as const) {
    if (d !== undefined && !(d instanceof Date && Number.isFinite(d.getTime()))) throw new RangeError(`${name}: must be a valid Date`);
  }
  if (opts.from && opts.to && !(opts.from < opts.to)) throw new RangeError(`from (${opts.from.toISOString()}) must be before to (${opts.to.toISOString()})`);
  for (const [name, f] of [['validationFraction', opts.validationFraction], ['earlyStoppingFraction', opts.earlyStoppingFraction]] as const) {
    if (f !== undefined && !(f > 0 && f < 1)) throw new RangeError(`${name}: must be in (0, 1), got ${f}`);
  }
  if (!opts.archive || (!('folder' in opts.archive) && !('container' in opts.archive))) throw new RangeError('archive: give { container } or { folder }');
}

function requireBothOutcomes(part: string, examples: readonly JoinedDecision[]): void {
  const { positives, negatives } = labelTotals(examples);
  if (positives > 0 && negatives > 0) return;
  const first = new Date(examples[0].decision.issuedAtMs).toISOString();
  const last = new Date(examples[examples.length - 1].decision.issuedAtMs).toISOString();
  throw new TrainingDataError(
    `labels: the ${part} part (${examples.length} decisions, ${first} to ${last}) has only one class of outcome (${positives > 0 ? 'all positive' : 'no positive rewards'}); widen the range or wait for more rewards`,
  );
}

export async function runTraining(opts: TrainingRunOptions): Promise<TrainingRunResult> {
  checkOptions(opts);
  const name = opts.modelName;
  const now = opts.now ?? (() => new Date());
  const say = opts.log ?? (() => {});
  const progress = opts.progress ?? (() => {});
  const promote = opts.promote ?? true;
  const gates = resolveGates(opts.gates);
  const maxMalformedShare = opts.gates?.maxMalformedShare ?? DEFAULT_MAX_MALFORMED_SHARE;
  const validationFraction = opts.validationFraction ?? 0.2;
  const earlyStoppingFraction = opts.earlyStoppingFraction ?? 0.1;
  const runStart = now();
  const clockStart = performance.now();
  const report = emptyReport(name, runStart, { from: opts.from?.toISOString() ?? null, to: opts.to?.toISOString() ?? null, now: runStart.toISOString() }, promote);
  const registry = new ModelRegistry(opts.registry, opts.integrity);

  const step = async <T>(label: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      report.steps.push({ step: label, seconds: (performance.now() - t0) / 1000 });
    }
  };
  const finish = (status: TrainingRunReport['status'], reason: string | null): TrainingRunResult => {
    report.status = status;
    report.reason = reason;
    report.finishedAt = now().toISOString();
    report.durationSeconds = (performance.now() - clockStart) / 1000;
    return { status, ...(report.version ? { version: report.version } : {}), ...(reason ? { reason } : {}), report };
  };

  try {
    // The pointer read now is both the promotion reference and the ETag the promotion is conditional on.
    const current = await step('current model', () => readCurrentModel(registry, opts.registry, name));
    report.currentModel = {
      version: current.pointer?.version ?? null,
      recordedPolicyValue: current.recordedPolicyValue ?? null,
      onValidation: null,
      ...(current.problem ? { problem: current.problem } : {}),
    };

    const events = await step('read archive', () =>
      readLoggedEvents(opts.archive, {
        from: opts.from,
        to: opts.to,
        onProgress: (done, finished) => progress({ step: 'read archive', done, ...(finished ? { total: done } : {}) }),
      }),
    );
    const a = (report.archive = events.stats);
    if (opts.sources) {
      const keep = new Set(opts.sources);
      const before = events.decisions.size;
      for (const [id, d] of events.decisions) if (!keep.has(d.source ?? 'rank')) events.decisions.delete(id);
      say(`${name}: ${events.decisions.size} of ${before} decisions are of the sources ${opts.sources.join(', ')}`);
      if (events.decisions.size === 0 && before > 0) {
        throw new TrainingDataError(`sources: none of the archive's ${before} decisions came from ${opts.sources.join(' or ')}`);
      }
    }
    say(`${name}: read ${a.events} archived events from ${a.source}: ${a.decisions} decisions, ${a.rewards} rewards, ${a.activations} activations`);
    const badDecisions = a.malformed.decision + a.unparsable;
    if (badDecisions > 0 && badDecisions / (badDecisions + a.decisions) > maxMalformedShare) {
      throw new TrainingDataError(
        `archive: ${badDecisions} of ${badDecisions + a.decisions} decision events are malformed or unparsable (more than ${maxMalformedShare * 100}%)` +
          (a.malformedExamples.length > 0 ? `; first: ${a.malformedExamples[0]}` : ''),
      );
    }
    if (a.decisions === 0) {
      const what = opts.from || opts.to ? ` issued in [${opts.from?.toISOString() ?? '…'}, ${opts.to?.toISOString() ?? '…'})` : '';
      throw new TrainingDataError(`archive: no decision events${what} in ${a.source} (${a.events} events read)`);
    }

    const { joined, stats } = await step('join rewards', () => {
      const result = joinRewards(events, { nowMs: runStart.getTime(), fromMs: opts.from?.getTime(), toMs: opts.to?.getTime() });
      progress({ step: 'join rewards', done: events.decisions.size, total: events.decisions.size });
      return result;
    });
    report.join = stats;
    opts.onJoined?.(joined);
    say(`${name}: ${stats.used} usable decisions (${stats.rewarded} rewarded, ${stats.defaulted} default reward); ${stats.pending} pending, ${stats.outOfRange} out of range, ${stats.notActivated} not activated`);
    if (joined.length === 0) {
      throw new TrainingDataError(
        `join: no usable decisions among ${stats.decisions} (${stats.outOfRange} outside the range, ${stats.pending} with their reward window still open, ${stats.notActivated} never activated)`,
      );
    }
    const newestMs = joined.reduce((m, j) => Math.max(m, j.decision.issuedAtMs), -Infinity);
    report.newestDecision = new Date(newestMs).toISOString();
    if (opts.newDecisionsSince && newestMs < opts.newDecisionsSince.getTime()) {
      throw new TrainingDataError(`nothing new: no usable decision issued since ${opts.newDecisionsSince.toISOString()} (newest ${report.newestDecision})`);
    }
    const totals = labelTotals(joined);
    report.labels = {
      rule: LABEL_RULE,
      positives: totals.positives,
      negatives: totals.negatives,
      softLabelDecisions: joined.filter((j) => rewardLabel(j) > 0 && rewardLabel(j) < 1).length,
      meanReward: joined.reduce((s, j) => s + j.reward, 0) / joined.length,
    };
    report.gates = dataGates(joined, gates);
    const failed = report.gates.filter((g) => !g.passed);
    if (failed.length > 0) throw new TrainingDataError(`gates: ${failed.map((g) => `${g.gate}: ${g.message}`).join('; ')}`);

    const outer = splitByTime(joined, validationFraction);
    const inner = splitByTime(outer.train, earlyStoppingFraction);
    requireBothOutcomes('training', inner.train);
    requireBothOutcomes('early-stopping', inner.validation);
    requireBothOutcomes('validation', outer.validation);

    let contract: FeatureContract;
    let contractSource: 'derived' | 'given' | 'current model' = 'derived';
    if (opts.contract === 'current' && current.contract) {
      contract = current.contract;
      contractSource = 'current model';
    } else if (opts.contract !== undefined && opts.contract !== 'current') {
      contract = opts.contract;
      contractSource = 'given';
    } else {
      if (opts.contract === 'current') say(`${name}: no current model contract to reuse; deriving one from the data`);
      contract = deriveFeatureContract(outer.train.map((j) => j.decision), opts.contractOptions);
    }
    const columns = columnNames(contract);
    report.contract = { source: contractSource, features: contract.features.length, columns: contractWidth(contract), columnNames: columns };

    const rows = await step('build features', () => {
      const total = joined.length;
      const fit = chosenActionRows(inner.train, contract);
      progress({ step: 'build features', done: inner.train.length, total });
      const early = chosenActionRows(inner.validation, contract);
      const validation = chosenActionRows(outer.validation, contract);
      progress({ step: 'build features', done: total, total });
      return { fit, early, validation };
    });
    report.split = {
      validationFraction,
      earlyStoppingFraction,
      trainDecisions: inner.train.length,
      earlyStoppingDecisions: inner.validation.length,
      validationDecisions: outer.validation.length,
      earlyStoppingFrom: new Date(inner.cutoffMs).toISOString(),
      validationFrom: new Date(outer.cutoffMs).toISOString(),
      trainRows: rows.fit.nRows,
      validationRows: rows.validation.nRows,
    };

    const version = newVersion(runStart, () => crypto.randomBytes(3).toString('hex'));
    const firstMs = joined[0].decision.issuedAtMs;
    const lastMs = joined[joined.length - 1].decision.issuedAtMs;
    const rangeFrom = opts.from ?? new Date(firstMs);
    const rangeTo = opts.to ?? new Date(lastMs);
    const gbdt: HistGradientBoostingParams = { ...DEFAULT_GBDT, ...opts.gbdt };
    const trained = await step('train', () =>
      trainBinaryModel({
        train: rows.fit,
        validation: rows.early,
        gbdt,
        metadata: { model_name: name, model_version: version, trained_from: rangeFrom.toISOString(), trained_to: rangeTo.toISOString() },
        parityTolerance: PARITY_TOLERANCE,
        onIteration: (info) => progress({ step: 'train', done: info.iteration + 1, total: gbdt.nEstimators }),
      }),
    );
    report.training = trained.report;
    // Early stopping may end before nEstimators: the step is complete.
    progress({ step: 'train', done: trained.report.iterationsRun, total: trained.report.iterationsRun });
    const model = trained.model;

    const validation = await step('verify onnx', async () => {
      const parity = await verifyOnnx(trained.onnx, model, rows.validation);
      progress({ step: 'verify onnx', done: parity.rows, total: rows.validation.nRows });
      const { labels, weights } = rows.validation;
      return {
        model: evaluateBinary(labels, model.predictProba(rows.validation), weights),
        baseline: trained.baseline ? evaluateBinary(labels, trained.baseline.model.predictProba(rows.validation), weights) : null,
        onnxParityMaxAbsDiff: parity.maxAbsDiff,
        onnxParityRows: parity.rows,
      };
    });
    report.validation = validation;
    if (!(validation.onnxParityMaxAbsDiff <= PARITY_TOLERANCE)) {
      throw new OnnxParityError('GBDT on the validation decisions', validation.onnxParityMaxAbsDiff, PARITY_TOLERANCE);
    }
    say(`${name}: ${model.trees.length} trees; validation AUC ${validation.model.auc.toFixed(4)}, log loss ${validation.model.logLoss.toFixed(4)}; ONNX parity ${validation.onnxParityMaxAbsDiff.toExponential(2)}`);

    const evaluation = await step('evaluate policy', () =>
      evaluatePolicy(outer.validation, contract, (x) => model.predictProba(x), (done, total) => progress({ step: 'evaluate policy', done, total })),
    );
    const { greedyActionIds: _ids, greedyDrTerms, estimates, ...evaluationReport } = evaluation;
    report.offPolicy = { policy: 'new model, greedy', ...evaluationReport, estimates };
    const dr = evaluation.greedy.dr!;
    say(`${name}: policy value (DR) ${dr.value.toFixed(4)} [${dr.lower.toFixed(4)}, ${dr.upper.toFixed(4)}]; logging policy ${evaluation.logging.value.toFixed(4)}`);

    let reference: PolicyReference | undefined;
    if (current.pointer) {
      const pointer = current.pointer;
      const scored = await step('evaluate current model', () =>
        evaluateCurrentModel(registry, name, pointer, outer.validation, (done, total) => progress({ step: 'evaluate current model', done, total })),
      );
      if (scored.ok) {
        const { greedy, epsilonGreedy, matchesLoggedAction } = scored.evaluation;
        report.currentModel.onValidation = { greedy, epsilonGreedy, matchesLoggedAction, columns: scored.columns };
        reference = {
          kind: 'current model',
          estimate: greedy.dr!,
          source: `the current model ${name}/${pointer.version}'s DR value on the same ${outer.validation.length} decisions`,
          difference: pairedDifference(greedyDrTerms, scored.evaluation.greedyDrTerms),
        };
        say(`${name}: current model ${pointer.version} on the same decisions: DR ${greedy.dr!.value.toFixed(4)}`);
      } else {
        report.currentModel.problem = `${name}/${pointer.version} ${scored.problem}`;
        say(`${name}: the current model ${report.currentModel.problem}; comparing with the logging policy`);
      }
    }
    reference ??= {
      kind: 'logging policy',
      estimate: evaluation.logging,
      source: `the logging policy's observed value${current.pointer ? ` (the current model ${current.pointer.version} could not be evaluated)` : ''}`,
      difference: pairedDifference(greedyDrTerms, outer.validation.map((j) => j.reward)),
    };
    const policyGate = policyValueGate(dr, reference, gates.policyValueMargin);
    report.policyComparison = {
      reference: reference.kind,
      source: reference.source,
      decisions: outer.validation.length,
      newValue: dr,
      referenceValue: reference.estimate,
      difference: reference.difference,
      margin: gates.policyValueMargin,
      passed: policyGate.passed,
    };
    report.gates.push(policyGate);

    await step('register', async () => {
      const probeRow = rows.validation.features.subarray(0, rows.validation.nFeatures);
      const manifest = trainedManifest({
        createdAt: runStart,
        contract,
        from: rangeFrom,
        to: rangeTo,
        rows: rows.fit.nRows,
        source: `${a.source}; ${stats.used} decisions; validation from ${report.split!.validationFrom}`,
        metrics: manifestMetrics(validation, evaluation, report.policyComparison!, { trainDecisions: inner.train.length, validationDecisions: outer.validation.length }),
        probe: { row: probeRow, expected: model.predictProba({ nRows: 1, nFeatures: rows.validation.nFeatures, layout: 'row-major', features: probeRow })[0] },
      });
      await registry.registerModel(name, version, trained.onnx, manifest);
      progress({ step: 'register', done: 1, total: 1 });
    });
    report.version = version;
    say(`${name}: registered ${name}/${version}`);

    let status: TrainingRunReport['status'] = 'registered';
    let reason: string | null = null;
    if (!promote) reason = 'not promoted: promotion was not requested (--no-promote)';
    else if (!policyGate.passed) reason = `not promoted: ${policyGate.message}`;
    else {
      report.promotion.attempted = true;
      const outcome = await step('promote', () => promoteIfUnchanged(registry, name, version, current.pointer));
      if (outcome.promoted) {
        status = 'promoted';
        report.promotion.promoted = true;
        report.promotion.promotedAt = outcome.pointer.promotedAt ?? null;
      } else reason = outcome.reason;
    }
    report.promotion.reason = reason;
    const result = finish(status, reason);
    await writeReport(opts.registry, name, version, report);
    say(`${name}: ${status === 'promoted' ? `promoted ${version}` : reason}; report ${reportPath(name, version)}`);
    return result;
  } catch (error) {
    if (error instanceof TrainingDataError || error instanceof OnnxParityError) {
      say(`${name}: rejected: ${error.message}`);
      return finish('rejected', error.message);
    }
    throw error;
  }
}
