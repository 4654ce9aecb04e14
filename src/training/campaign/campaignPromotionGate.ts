// Promotion of a campaign model, gated as the offer ranker's is: the model the pointer names now
// is scored (its own ONNX, its own feature contract) on the new model's validation touches, and
// the new model replaces it only if its validation AUC is not below the current one's by more
// than the margin. Both AUCs are on the same touches, so the comparison is like for like. A
// current model that cannot be loaded or read as a campaign model does not block promotion
// (the reason says so); no current model means the first one is promoted.
import { campaignLayout } from '../../campaign/features/campaignContract';
import type { CampaignData } from '../../campaign/data/campaignFiles';
import { createOnnxSession, runOnnxProbability } from '../../onnx';
import { evaluateBinary } from '../../learners/metrics';
import type { ModelRegistry } from '../../models/modelRegistry';
import { touchRows, type CampaignTrainingSet } from './campaignTrainingSet';

export interface PromotionDecision {
  promote: boolean;
  reason: string;
  /** The model the pointer named, scored on the same validation touches (null when none or unreadable). */
  current: { version: string; validationAuc: number; validationLogLoss: number } | null;
  /** AUC the new model may fall below the current one's and still be promoted. */
  margin: number;
}

const f4 = (v: number) => v.toFixed(4);

export async function campaignPromotionGate(
  registry: ModelRegistry,
  name: string,
  data: CampaignData,
  set: CampaignTrainingSet,
  candidate: { validationAuc: number },
  margin = 0,
): Promise<PromotionDecision> {
  if (!(margin >= 0 && Number.isFinite(margin))) throw new RangeError(`promotion margin must be a finite number ≥ 0, got ${margin}`);
  const pointer = await registry.readCurrent(name);
  if (!pointer) return { promote: true, reason: `no current ${name} model: the first one is promoted`, current: null, margin };
  let probs: Float32Array;
  try {
    const stored = await registry.loadVersion(name, pointer.version);
    const layout = campaignLayout((stored.manifest as { features?: unknown } | null)?.features);
    const rows = touchRows(data, set.validationTouches, layout);
    const session = await createOnnxSession(stored.bytes);
    try {
      probs = (await runOnnxProbability(session, rows)).probability;
    } finally {
      await session.release();
    }
  } catch (error) {
    return { promote: true, reason: `the current model ${name}/${pointer.version} could not be evaluated (${(error as Error).message}); the new one replaces it`, current: null, margin };
  }
  const m = evaluateBinary(set.validation.labels, probs);
  const current = { version: pointer.version, validationAuc: m.auc, validationLogLoss: m.logLoss };
  const promote = candidate.validationAuc >= m.auc - margin;
  const same = `on the same ${set.validation.nRows} validation touches`;
  const reason = promote
    ? `validation AUC ${f4(candidate.validationAuc)} is not below the current model ${pointer.version}'s ${f4(m.auc)} ${same} by more than the margin ${margin}: promoted`
    : `validation AUC ${f4(candidate.validationAuc)} is below the current model ${pointer.version}'s ${f4(m.auc)} ${same} by more than the margin ${margin}: registered, not promoted`;
  return { promote, reason, current, margin };
}
