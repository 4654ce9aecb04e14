// A campaign model ready to score: its manifest and contract layout, onnxruntime, and (when the
// model is the exporter's tree ensemble) the TypeScript tree walker. On load the two engines
// score the probe lead's 63 rows; if they disagree by more than 1e-5 the trees are not used.
import * as ort from 'onnxruntime-node';
import { COMBINATION_COUNT } from '../../events/contactCombinations';
import { campaignLayout, type CampaignLayout } from '../features/campaignContract';
import { parseManifest, type ModelManifest } from '../../models/modelManifest';
import { sha256Hex } from '../../models/modelRegistry';
import { createOnnxSession, decodeTreeEnsemble } from '../../onnx';
import { CombinationTreeScorer } from './combinationTreeScorer';
import { onnxCombinationScorer, treeCombinationScorer, type CombinationScorer, type OnnxRun, type ScoringEngine } from './combinationScorer';

export const ENGINE_PARITY_TOLERANCE = 1e-5;

export class CampaignModelError extends Error {}

export interface CampaignModel {
  readonly name: string;
  readonly version: string;
  readonly manifest: ModelManifest;
  readonly layout: CampaignLayout;
  /** Undefined when the model cannot be walked in TypeScript; `treesUnavailable` says why. */
  readonly trees: CombinationTreeScorer | undefined;
  readonly treesUnavailable: string | undefined;
  /** max |trees − onnx| on the probe lead's 63 rows (NaN without trees). */
  readonly engineParity: number;
  /** The scorer of `engine`; 'trees' falls back to onnx when the trees are unavailable. */
  scorer(engine: ScoringEngine): CombinationScorer;
  release(): Promise<void>;
}

/** onnxruntime run of a session whose graph maps `inputName` → one probability per row. */
export function sessionRun(session: ort.InferenceSession, inputName: string, outputName: string): OnnxRun {
  return async (matrix, rows) => {
    const width = rows === 0 ? 0 : matrix.length / rows;
    const result = await session.run({ [inputName]: new ort.Tensor('float32', matrix, [rows, width]) }, [outputName]);
    const out = result[outputName];
    if (!out) throw new CampaignModelError(`the model returned no ${outputName}`);
    const data = out.data as Float32Array;
    return data.length === rows ? data : Float32Array.from({ length: rows }, (_, i) => data[i * (data.length / rows)]);
  };
}

/**
 * Builds the model from checked parts. `run` scores full rows with onnxruntime; `release` frees
 * what the caller opened.
 */
export async function buildCampaignModel(bytes: Uint8Array, manifest: ModelManifest, run: OnnxRun, release: () => Promise<void>): Promise<CampaignModel> {
  let layout: CampaignLayout;
  try {
    layout = campaignLayout(manifest.features);
  } catch (error) {
    throw new CampaignModelError(`manifest.features: not a campaign model contract: ${(error as Error).message}`);
  }
  let trees: CombinationTreeScorer | undefined;
  let treesUnavailable: string | undefined;
  let engineParity = NaN;
  try {
    trees = new CombinationTreeScorer(decodeTreeEnsemble(bytes, layout.width), layout);
  } catch (error) {
    treesUnavailable = (error as Error).message;
  }
  const onnx = onnxCombinationScorer(layout, run);
  if (trees) {
    const probe = manifest.probe?.row ? Float32Array.from(manifest.probe.row.slice(0, layout.leadWidth)) : new Float32Array(layout.leadWidth);
    const a = new Float32Array(COMBINATION_COUNT);
    const b = new Float32Array(COMBINATION_COUNT);
    trees.score(probe, 0, 1, a);
    await onnx.score(probe, 0, 1, b);
    engineParity = 0;
    for (let k = 0; k < COMBINATION_COUNT; k++) engineParity = Math.max(engineParity, Math.abs(a[k] - b[k]));
    if (!(engineParity <= ENGINE_PARITY_TOLERANCE)) {
      treesUnavailable = `the TypeScript trees and onnxruntime differ by ${engineParity} on the probe lead`;
      trees = undefined;
    }
  }
  const treeScorer = trees ? treeCombinationScorer(trees) : undefined;
  return {
    name: manifest.name,
    version: manifest.version,
    manifest,
    layout,
    trees,
    treesUnavailable,
    engineParity,
    scorer: (engine) => (engine === 'trees' && treeScorer ? treeScorer : onnx),
    release,
  };
}

/** Opens registry bytes + manifest with a session of its own (batch jobs, CLI, bench). */
export async function openCampaignModel(bytes: Uint8Array, rawManifest: unknown): Promise<CampaignModel> {
  const checked = parseManifest(rawManifest);
  if (!checked.ok) throw new CampaignModelError(checked.error);
  const manifest = checked.manifest;
  const sha = sha256Hex(bytes);
  if (sha !== manifest.sha256) throw new CampaignModelError(`sha256: model.onnx hashes to ${sha}, the manifest says ${manifest.sha256}`);
  let session: ort.InferenceSession;
  try {
    session = await createOnnxSession(bytes);
  } catch (error) {
    throw new CampaignModelError(`model.onnx: onnxruntime cannot load it: ${(error as Error).message}`);
  }
  try {
    const inputName = manifest.inputName ?? session.inputNames[0];
    const outputName = manifest.output.name ?? session.outputNames[0];
    return await buildCampaignModel(bytes, manifest, sessionRun(session, inputName, outputName), () => session.release());
  } catch (error) {
    await session.release().catch(() => {});
    throw error;
  }
}
