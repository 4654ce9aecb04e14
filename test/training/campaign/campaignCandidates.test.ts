// The choice between candidates: the best validation AUC wins, an AUC tie goes to the lower log
// loss, and the reason names every candidate's figure.
import { describe, expect, it } from 'vitest';
import { chooseCandidate, type Candidate } from '../../../src/training/campaign/campaignCandidates';

const candidate = (name: Candidate['name'], auc: number, logLoss: number): Candidate => ({
  name, validationAuc: auc, validationLogLoss: logLoss, trainSeconds: 1, trees: 1, onnxParityMaxAbsDiff: 0,
  onnx: new Uint8Array(), metrics: { auc, logLoss, brier: 0, calibration: [] }, predict: () => new Float64Array(),
});

describe('chooseCandidate', () => {
  it('takes the best AUC and says against what', () => {
    const { chosen, reason } = chooseCandidate([candidate('gbdt', 0.71, 0.3), candidate('logistic', 0.65, 0.32), candidate('random-forest', 0.72, 0.31)]);
    expect(chosen.name).toBe('random-forest');
    expect(reason).toBe('random-forest has the best validation AUC, 0.7200, against gbdt 0.7100, logistic 0.6500 on the same validation touches');
  });

  it('breaks an AUC tie by log loss', () => {
    const { chosen, reason } = chooseCandidate([candidate('gbdt', 0.7, 0.31), candidate('random-forest', 0.7, 0.30)]);
    expect(chosen.name).toBe('random-forest');
    expect(reason).toMatch(/equal AUC: lower log loss wins/);
    expect(chooseCandidate([candidate('gbdt', 0.7, 0.3), candidate('random-forest', 0.7, 0.31)]).chosen.name).toBe('gbdt');
  });
});
