// On a small synthetic history the model's plan comes close to the oracle (each lead's truly
// best combination) and far above a random combination or one combination for everyone.
import { beforeAll, describe, expect, it } from 'vitest';
import { COMBINATION_COUNT } from '../../src/events/contactCombinations';
import { leadMatrix } from '../../src/campaign/features/campaignRows';
import { openCampaignModel } from '../../src/campaign/model/campaignModel';
import { trainCampaignModel, type TrainedCampaignModel } from '../../src/training/campaign/trainCampaignModel';
import { planQuality, type PlanQuality } from '../../tools/synthetic/campaign/planQuality';
import { generateCampaignData } from '../../tools/synthetic/campaign/generateCampaignData';
import { sha256Hex } from '../../src/models/modelRegistry';
import { rocAuc } from '../../src/learners/metrics';

describe('campaign model quality (synthetic truth)', () => {
  const data = generateCampaignData({ leads: 6000, touches: 80_000, seed: 21, days: 84 });
  let trained: TrainedCampaignModel;
  let quality: PlanQuality;

  beforeAll(async () => {
    trained = await trainCampaignModel(data);
    const model = await openCampaignModel(trained.onnx, { ...trained.manifest, name: 'campaign', version: 'q1', sha256: sha256Hex(trained.onnx) });
    const leads = data.leads.slice(0, 3000);
    const probs = new Float32Array(leads.length * COMBINATION_COUNT);
    await model.scorer('trees').score(leadMatrix(model.layout, leads, 'savings'), 0, leads.length, probs);
    await model.release();
    quality = planQuality(leads, 'savings', probs);
  }, 80_000);

  it('splits by time: every validation touch is later than every training touch', () => {
    const lastTrain = Math.max(...Array.from(trained.set.trainTouches, (i) => data.touches[i].timeMs));
    const firstValid = Math.min(...Array.from(trained.set.validationTouches, (i) => data.touches[i].timeMs));
    expect(firstValid).toBeGreaterThanOrEqual(lastTrain);
    expect(trained.set.validation.nRows).toBe(16_000);
    expect(trained.manifest.trainingData).toMatchObject({ from: trained.set.from, to: trained.set.to, rows: 80_000 });
  });

  it('reaches an AUC close to the Bayes-optimal one, above the logistic baseline', () => {
    const truth = Float64Array.from(trained.set.validationTouches, (i) => data.touchProbability[i]);
    const bayes = rocAuc(trained.set.validation.labels, truth);
    const auc = trained.result.report.validation.auc;
    expect(auc).toBeGreaterThan(bayes - 0.03);
    expect(auc).toBeGreaterThan(trained.result.report.baseline!.validation.auc);
  });

  it('chooses among the GBDT, the random forest and the logistic baseline by validation AUC, and reports each', () => {
    expect(trained.candidates.map((c) => c.name)).toEqual(['gbdt', 'logistic', 'random-forest']);
    for (const c of trained.candidates) {
      expect(c.validationAuc).toBeGreaterThan(0.6);
      expect(c.validationLogLoss).toBeGreaterThan(0);
      expect(c.trainSeconds).toBeGreaterThan(0);
      expect(c.onnxParityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    }
    const best = Math.max(...trained.candidates.map((c) => c.validationAuc));
    expect(trained.chosen.validationAuc).toBe(best);
    expect(trained.choice).toContain(`${trained.chosen.name} has the best validation AUC`);
    expect(trained.manifest.metrics).toMatchObject({
      validationAuc: best,
      gbdtAuc: trained.result.report.validation.auc,
      logisticAuc: trained.result.report.baseline!.validation.auc,
      randomForestAuc: trained.candidates[2].validationAuc,
    });
    expect(trained.manifest.producer).toMatch(new RegExp(`: ${trained.chosen.name}$`));
    // The logistic baseline cannot learn the interactions; the tree models must beat it here.
    expect(trained.chosen.name).not.toBe('logistic');
  });

  it('plans far better than random or one combination for all, and near the oracle', () => {
    expect(quality.recommendedVsOracle).toBeGreaterThan(0.85);
    expect(quality.recommended).toBeGreaterThan(2 * quality.random);
    expect(quality.recommended).toBeGreaterThan(1.4 * quality.oneBestForAll);
  });
});
