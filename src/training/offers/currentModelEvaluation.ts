// The current model, scored on this run's validation decisions: the promotion gate compares the
// new model with it on the same decisions rather than with an estimate it recorded on other data.
// It is loaded as the ranker loads it (src/scoring/loadModel: sha256, contract width, probe) and
// its rows are built with its own feature contract, so it chooses what it chose when serving.
import { ModelRegistryError, type CurrentPointer, type ModelRegistry } from '../../models/modelRegistry';
import { loadModel, ModelRejectedError } from '../../scoring/loadModel';
import type { LoadedModel } from '../../scoring/loadedModel';
import { evaluatePolicy, type PolicyChoice, type PolicyEvaluation } from './policyEvaluation';
import type { JoinedDecision } from './rewardJoin';

export type CurrentModelEvaluation =
  | { ok: true; evaluation: PolicyEvaluation & PolicyChoice; columns: number }
  /** Why the current model could not be evaluated (the gate then falls back to the logging policy). */
  | { ok: false; problem: string };

async function load(registry: ModelRegistry, name: string, pointer: CurrentPointer): Promise<LoadedModel | string> {
  try {
    const stored = await registry.loadVersion(name, pointer.version);
    return await loadModel(stored.bytes, stored.manifest, pointer.sha256);
  } catch (error) {
    if (error instanceof ModelRegistryError || error instanceof ModelRejectedError) return `cannot be loaded: ${error.message}`;
    throw error;
  }
}

export async function evaluateCurrentModel(
  registry: ModelRegistry,
  name: string,
  pointer: CurrentPointer,
  validation: readonly JoinedDecision[],
  onProgress?: (done: number, total: number) => void,
): Promise<CurrentModelEvaluation> {
  const model = await load(registry, name, pointer);
  if (typeof model === 'string') return { ok: false, problem: model };
  try {
    if (model.reader.kind !== 'probability') {
      return { ok: false, problem: `its output (${model.reader.describe}) is a score, not a probability, so it gives no reward estimate for DR` };
    }
    // evaluatePolicy hands over thousands of rows at a time: one session.run per batch.
    const evaluation = await evaluatePolicy(validation, model.manifest.features, (x) => model.score(x.features, x.nRows), onProgress);
    return { ok: true, evaluation, columns: model.width };
  } catch (error) {
    return { ok: false, problem: `scoring the validation decisions failed: ${(error as Error).message}` };
  } finally {
    await model.release();
  }
}
