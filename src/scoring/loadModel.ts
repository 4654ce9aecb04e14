// Turns registry bytes + manifest into a LoadedModel only when everything checks out: the bytes
// match the manifest's sha256 (and the pointer's), the feature contract is one our builder
// serves with the model's input width, and a probe inference gives a usable score.
import * as ort from 'onnxruntime-node';
import { parseManifest, type ModelManifest } from '../models/modelManifest';
import { sha256Hex } from '../models/modelRegistry';
import { buildFeatureRow } from '../features/featureBuilder';
import { contractWidth } from '../features/featureContract';
import { LoadedModel } from './loadedModel';
import { selectOutput, OutputSelectionError } from './outputSelection';
import { unwrapZipMap } from '../onnx';

/** The model cannot serve; `reason` says why (logged, and the previous model keeps serving). */
export class ModelRejectedError extends Error {}

/** What the brief of onnxruntime-node on this platform asks for: one thread, sequential. */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

const DEFAULT_PROBE_TOLERANCE = 1e-4;

async function createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (error) {
    throw new ModelRejectedError(`model.onnx: onnxruntime cannot load it: ${(error as Error).message}`);
  }
}

function checkInput(session: ort.InferenceSession, manifest: ModelManifest, width: number): string {
  if (session.inputNames.length !== 1) {
    throw new ModelRejectedError(`model.onnx: has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); the scorer feeds exactly one`);
  }
  const inputName = manifest.inputName ?? session.inputNames[0];
  const meta = session.inputMetadata.find((m) => m.name === inputName);
  if (!meta) throw new ModelRejectedError(`manifest.inputName: the model has no input "${inputName}"`);
  if (!meta.isTensor || meta.type !== 'float32') {
    throw new ModelRejectedError(`model.onnx: input ${inputName} must be a float32 tensor, is ${meta.isTensor ? meta.type : 'not a tensor'}`);
  }
  const declared = meta.shape.length === 2 ? meta.shape[1] : undefined;
  if (meta.shape.length !== 2) throw new ModelRejectedError(`model.onnx: input ${inputName} must be 2-D [N, features], has shape [${meta.shape.join(',')}]`);
  if (typeof declared === 'number' && declared !== width) {
    throw new ModelRejectedError(`feature count: the model takes ${declared} features but its contract builds ${width}`);
  }
  return inputName;
}

async function probe(model: LoadedModel): Promise<void> {
  const contract = model.manifest.features;
  const row = buildFeatureRow({ context: new Map(), action: new Map(), profile: undefined, prior: 0.5, nowMs: Date.now() }, contract);
  const rows: Float32Array[] = [row];
  const explicit = model.manifest.probe;
  if (explicit) {
    if (explicit.row.length !== model.width) {
      throw new ModelRejectedError(`manifest.probe.row: has ${explicit.row.length} values; the contract builds ${model.width}`);
    }
    rows.push(Float32Array.from(explicit.row));
  }
  const matrix = new Float32Array(rows.length * model.width);
  rows.forEach((r, i) => matrix.set(r, i * model.width));
  let scores: Float32Array;
  try {
    scores = await model.score(matrix, rows.length);
  } catch (error) {
    throw new ModelRejectedError(`probe inference failed: ${(error as Error).message}`);
  }
  for (const s of scores) {
    if (!Number.isFinite(s)) throw new ModelRejectedError(`probe inference: ${model.reader.describe} is ${s}, not a finite number`);
    if (model.reader.kind === 'probability' && (s < 0 || s > 1)) {
      throw new ModelRejectedError(`probe inference: ${model.reader.describe} is ${s}, outside [0, 1]; declare output.kind "regressor" if it is a score`);
    }
  }
  if (explicit && Math.abs(scores[1] - explicit.expected) > (explicit.tolerance ?? DEFAULT_PROBE_TOLERANCE)) {
    throw new ModelRejectedError(`probe inference: got ${scores[1]} for manifest.probe.row, the producer computed ${explicit.expected}`);
  }
}

/** Validates and loads; throws ModelRejectedError naming what is wrong. */
export async function loadModel(bytes: Uint8Array, rawManifest: unknown, expectedSha256?: string): Promise<LoadedModel> {
  const started = performance.now();
  const checked = parseManifest(rawManifest);
  if (!checked.ok) throw new ModelRejectedError(checked.error);
  const manifest = checked.manifest;
  const sha256 = sha256Hex(bytes);
  if (sha256 !== manifest.sha256) throw new ModelRejectedError(`sha256: model.onnx hashes to ${sha256}, the manifest says ${manifest.sha256}`);
  if (expectedSha256 !== undefined && expectedSha256 !== sha256) {
    throw new ModelRejectedError(`sha256: the current pointer names ${expectedSha256}, the model is ${sha256}`);
  }
  const width = contractWidth(manifest.features);
  let unwrapped;
  try {
    unwrapped = unwrapZipMap(bytes);
  } catch (error) {
    throw new ModelRejectedError(`model.onnx: is not a readable ONNX model: ${(error as Error).message}`);
  }
  const session = await createSession(unwrapped.bytes);
  try {
    const inputName = checkInput(session, manifest, width);
    let reader;
    try {
      reader = selectOutput(session, manifest.output, unwrapped.zipMaps);
    } catch (error) {
      if (error instanceof OutputSelectionError) throw new ModelRejectedError(error.message);
      throw error;
    }
    const model = new LoadedModel(session, manifest, inputName, width, reader);
    await probe(model);
    model.loadMs = performance.now() - started;
    return model;
  } catch (error) {
    await session.release().catch(() => {});
    throw error;
  }
}
