// End to end: a synthetic decision/reward log with known click probabilities is archived in
// Azurite, the pipeline trains, evaluates, registers and promotes; the promoted model is loaded by
// the scorer's own loader and watcher, and re-scores logged decisions exactly as served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerClient } from '@azure/storage-blob';
import { findEstimates } from '../../../src/dashboard/offPolicyEstimates';
import type { TrackedEvent } from '../../../src/events/eventSchema';
import { flattenFeatures } from '../../../src/features/flattenFeatures';
import { emptyPriors } from '../../../src/features/priors';
import { ModelRegistry, manifestPath } from '../../../src/models/modelRegistry';
import { parseLoggedEvent, rewardEvent, type LoggedDecision } from '../../../src/events/learningEvents';
import { seededRandom } from '../../../src/learners/epsilonGreedy';
import { Ranker } from '../../../src/ranking/ranker';
import { loadModel } from '../../../src/scoring/loadModel';
import { ModelWatcher } from '../../../src/scoring/modelWatcher';
import { runTraining, reportPath, type TrainingRunResult } from '../../../src/training';
import { decisionActionMatrix } from '../../../src/training/offers/trainingRows';
import { generateDecisionLog, SYNTHETIC_OFFERS, type SyntheticLog } from '../../../tools/synthetic/decisions/syntheticDecisionLog';
import { epsilonGreedy } from '../../../src/learners/epsilonGreedy';
import { rocAuc } from '../../../src/learners/metrics';
import { DAY, T0, blobNames, readJsonBlob, seedArchive, startBlobEnv, type BlobEnv } from './pipelineTestKit';

const NAME = 'offer-ranker';
const DECISIONS = 12_000;
const RESENT = 40;
const PENDING = 5;
const NOW = T0 + 10 * DAY;

let env: BlobEnv;
let archive: ContainerClient;
let models: ContainerClient;
let synthetic: SyntheticLog;
let result: TrainingRunResult;
const steps = new Map<string, { done: number; total?: number }>();

beforeAll(async () => {
  env = await startBlobEnv('training-pipeline');
  archive = env.container('archive');
  models = env.container('models');
  synthetic = generateDecisionLog({ decisions: DECISIONS, startMs: T0, spacingMs: 60_000, epsilon: 0.3, seed: 7 });
  // Appended later: re-sent copies of the first events, a reward after the wait time, and
  // decisions whose wait window is still open at `now`.
  const unrewarded = synthetic.decisions.find((d) => !synthetic.events.some((e) => e.type === 'reward' && (e.decision as { eventId: string }).eventId === d.eventId))!;
  const late = rewardEvent({ eventId: unrewarded.eventId, issuedAtMs: unrewarded.issuedAtMs, userId: unrewarded.userId, rewardActionId: unrewarded.rewardActionId, value: 1 }, new Date(unrewarded.issuedAtMs + 601_000));
  const open = generateDecisionLog({ decisions: PENDING, startMs: NOW - 120_000, spacingMs: 1000, seed: 99 });
  await seedArchive(archive, synthetic.events, [...synthetic.events.slice(0, RESENT), late, ...open.events], NOW - 1000);
  result = await runTraining({
    modelName: NAME,
    archive: { container: archive },
    registry: models,
    now: () => new Date(NOW),
    gates: { minDecisions: 2000, minPositives: 200 },
    progress: (p) => steps.set(p.step, { done: p.done, total: p.total }),
  });
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/** Scores of every action of each decision with a loaded (ONNX, scorer-validated) model. */
async function onnxScores(model: Awaited<ReturnType<typeof loadModel>>, decisions: LoggedDecision[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const d of decisions) out.push(await model.score(decisionActionMatrix(d, model.manifest.features), d.actions.length));
  return out;
}

describe('training pipeline on a synthetic log', () => {
  it('trains, evaluates and promotes, reporting every step', () => {
    const r = result.report;
    expect(result.status, result.reason).toBe('promoted');
    expect(r.archive).toMatchObject({ decisions: DECISIONS + PENDING, duplicateEvents: RESENT, unparsable: 0, malformed: { decision: 0, reward: 0, activation: 0 } });
    expect(r.join).toMatchObject({ used: DECISIONS, pending: PENDING, notActivated: 0, rewardsOutsideWindow: 1, orphanRewards: 0 });
    expect(r.join!.rewarded).toBe(synthetic.events.filter((e) => e.type === 'reward').length);
    expect(r.split!.validationDecisions).toBe(DECISIONS * 0.2);
    expect(r.validation!.onnxParityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(r.validation!.onnxParityRows).toBe(r.split!.validationRows);
    // The AUC the true click probabilities reach on the same validation rewards bounds what any model can do.
    const cutoff = Date.parse(r.split!.validationFrom);
    const rewarded = new Set(synthetic.events.filter((e) => e.type === 'reward').map((e) => (e.decision as { eventId: string }).eventId));
    const validation = synthetic.decisions.filter((d) => d.issuedAtMs >= cutoff);
    const oracle = rocAuc(validation.map((d) => (rewarded.has(d.eventId) ? 1 : 0)), validation.map((d) => synthetic.clickProbability(d.eventId, d.rewardActionId)));
    console.log(`validation AUC ${r.validation!.model.auc.toFixed(4)} (logistic baseline ${r.validation!.baseline!.auc.toFixed(4)}, true probabilities ${oracle.toFixed(4)})`);
    expect(r.validation!.model.auc).toBeGreaterThan(oracle - 0.03);
    expect(r.validation!.model.auc).toBeGreaterThan(r.validation!.baseline!.auc - 0.01);
    expect(r.validation!.model.calibration.length).toBeGreaterThan(5);
    expect(r.gates.map((g) => [g.gate, g.passed])).toEqual([['minDecisions', true], ['minPositives', true], ['bothOutcomes', true], ['policyValue', true]]);
    for (const step of ['read archive', 'join rewards', 'build features', 'train', 'verify onnx', 'evaluate policy', 'register']) {
      expect(steps.get(step), step).toBeDefined();
      expect(steps.get(step)!.done).toBe(steps.get(step)!.total);
    }
  });

  it('beats the logging policy off-policy, and the estimate is close to the true value of its greedy policy', async () => {
    const o = result.report.offPolicy!;
    const dr = o.greedy.dr!;
    // The true value of the new greedy policy on the validation decisions, from the known click probabilities.
    const cutoff = Date.parse(result.report.split!.validationFrom);
    const validation = synthetic.decisions.filter((d) => d.issuedAtMs >= cutoff);
    expect(validation.length).toBe(o.decisions);
    const greedyIds = (o as unknown as { greedyActionIds?: string[] }).greedyActionIds;
    expect(greedyIds).toBeUndefined(); // not part of the stored report
    const stored = await new ModelRegistry(models).loadVersion(NAME, result.version!);
    const model = await loadModel(stored.bytes, stored.manifest);
    const logged = synthetic.events
      .filter((e) => e.type === 'decision')
      .map((e) => parseLoggedEvent(JSON.parse(JSON.stringify(e))))
      .map((p) => (p as { decision: LoggedDecision }).decision)
      .filter((d) => d.issuedAtMs >= cutoff);
    const scores = await onnxScores(model, logged);
    let trueValue = 0;
    let trueLogging = 0;
    logged.forEach((d, i) => {
      const greedy = epsilonGreedy(scores[i], d.actions.map((a) => a.excluded), 0, () => 1).greedy;
      trueValue += synthetic.clickProbability(d.eventId, d.actions[greedy].id);
      for (const a of d.actions) trueLogging += a.probability * synthetic.clickProbability(d.eventId, a.id);
    });
    trueValue /= logged.length;
    trueLogging /= logged.length;
    await model.release();
    console.log(
      `OPE on ${o.decisions} validation decisions: DR ${dr.value.toFixed(4)} [${dr.lower.toFixed(4)}, ${dr.upper.toFixed(4)}], ` +
        `IPS ${o.greedy.ips.value.toFixed(4)}, SNIPS ${o.greedy.snips.value.toFixed(4)}; true greedy value ${trueValue.toFixed(4)}; ` +
        `logging observed ${o.logging.value.toFixed(4)} (true ${trueLogging.toFixed(4)}); AUC ${result.report.validation!.model.auc.toFixed(4)}`,
    );
    expect(dr.value).toBeGreaterThan(o.logging.upper);
    expect(dr.lower).toBeGreaterThan(o.logging.value);
    expect(trueValue).toBeGreaterThan(trueLogging + 0.05);
    expect(Math.abs(dr.value - trueValue)).toBeLessThan(Math.max(3 * dr.standardError, 0.03));
    expect(Math.abs(o.greedy.snips.value - trueValue)).toBeLessThan(Math.max(3 * o.greedy.snips.standardError, 0.04));
    expect(Math.abs(o.logging.value - trueLogging)).toBeLessThan(3 * o.logging.standardError + 0.005);
  });

  it('writes the model, its manifest and report.json, and points current at it', async () => {
    const version = result.version!;
    expect(await blobNames(models, `${NAME}/`)).toEqual([`${NAME}/current`, `${NAME}/${version}/manifest.json`, `${NAME}/${version}/model.onnx`, `${NAME}/${version}/report.json`]);
    expect(await readJsonBlob(models, `${NAME}/current`)).toMatchObject({ version });
    const manifest = await readJsonBlob(models, manifestPath(NAME, version));
    expect(manifest).toMatchObject({ name: NAME, version, output: { kind: 'probability', name: 'probability' }, inputName: 'features' });
    expect(manifest.metrics.policyValueDr).toBeCloseTo(result.report.offPolicy!.greedy.dr!.value, 12);
    expect(manifest.metrics.auc).toBeCloseTo(result.report.validation!.model.auc, 12);
    expect(manifest.trainingData.rows).toBe(result.report.split!.trainRows);
    expect(manifest.features.features.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['ctx.device', 'act.category', 'act.discount', 'affinity.category', 'prior']));
    expect(manifest.features.features.map((f: { name: string }) => f.name)).not.toContain('ctx.userId');
    const report = await readJsonBlob(models, reportPath(NAME, version));
    expect(report).toMatchObject({ status: 'promoted', version, promotion: { promoted: true } });
    expect(report.offPolicy.estimates.map((e: { estimator: string }) => e.estimator)).toEqual(['IPS', 'SNIPS', 'DR', 'IPS', 'SNIPS', 'DR', 'observed']);
    // What the dashboard shows of it.
    expect(findEstimates(report).find((e) => e.estimator === 'DR')).toMatchObject({ policy: 'new model, greedy', samples: DECISIONS * 0.2 });
  });

  it('is loaded by the scorer, which then scores logged decisions exactly as the trainer built them', async () => {
    const watcher = new ModelWatcher(new ModelRegistry(models), NAME, { pollSeconds: 3600 });
    const outcome = await watcher.start();
    expect(outcome).toMatchObject({ outcome: 'loaded', version: result.version });
    const model = watcher.model!;
    // Rank with the real ranker, then rebuild its rows from the logged decision: same scores.
    const decisions: TrackedEvent[] = [];
    const profiles = new Map(synthetic.decisions.filter((d) => d.profile).slice(0, 20).map((d) => [d.userId!, d.profile!]));
    const ranker = new Ranker({
      settings: { exploration: 0.2, signingKeys: [Buffer.alloc(32, 7)], rewardWaitSeconds: 600, defaultReward: 0, rewardAggregation: 'earliest', rewardMin: 0, rewardMax: 1 },
      model: () => model,
      priors: () => ({ ...emptyPriors(20), offers: Object.fromEntries(SYNTHETIC_OFFERS.map((o) => [o.id, o.prior])) }),
      profiles: { get: async (user) => profiles.get(user) },
      logDecision: (e) => decisions.push(e),
      random: seededRandom(3),
      now: () => T0 + 20 * DAY,
    });
    for (const [i, user] of [...profiles.keys(), 'stranger'].entries()) {
      await ranker.rank({
        contextFeatures: [{ device: ['mobile', 'desktop', 'tablet'][i % 3], channel: 'web' }, { userId: user }],
        actions: SYNTHETIC_OFFERS.slice(0, 6).map((o) => ({ id: o.id, features: [{ category: o.category, price: o.price, discount: o.discount, productId: o.productId }, { tags: { sale: o.discount > 0 ? 1 : 0 } }] })),
        excludedActions: new Set(),
        deferActivation: false,
        userId: user,
        source: 'offers',
      });
    }
    expect(decisions).toHaveLength(profiles.size + 1);
    for (const event of decisions) {
      const parsed = parseLoggedEvent(JSON.parse(JSON.stringify(event)));
      expect(parsed.kind).toBe('decision');
      const d = (parsed as { decision: LoggedDecision }).decision;
      expect(d.model?.version).toBe(result.version);
      const rescored = await model.score(decisionActionMatrix(d, model.manifest.features), d.actions.length);
      expect(Array.from(rescored)).toEqual(d.actions.map((a) => a.score));
      expect(flattenFeatures(d.contextFeatures).get('device')).toBeDefined();
    }
    await watcher.stop();
  });
});
