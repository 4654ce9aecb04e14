// Which model output holds the score, and how to read one score per row from it. Works for our
// exporter (one [N,1] probability after Sigmoid), skl2onnx/onnxmltools classifiers (label +
// [N,2] probabilities, or a ZipMap already turned into its probability tensor) and regressors.
import type { InferenceSession } from 'onnxruntime-node';
import type { OutputHint } from '../models/modelManifest';
import type { UnwrappedZipMap } from '../onnx';

export type ScoreKind = 'probability' | 'regressor';

export interface OutputReader {
  /** The output to fetch in session.run. */
  name: string;
  kind: ScoreKind;
  /** How the score is read, for logs and the manifest check ("probabilities[:,1]"). */
  describe: string;
  /** Reads row i's score from the fetched tensor data with `columns` values per row. */
  column: number;
}

export class OutputSelectionError extends Error {}

const FLOAT_TYPES = new Set(['float32', 'float64', 'float16']);

interface TensorOutput {
  name: string;
  shape: readonly (number | string)[];
}

function floatOutputs(session: InferenceSession): TensorOutput[] {
  const out: TensorOutput[] = [];
  for (const m of session.outputMetadata) {
    if (m.isTensor && FLOAT_TYPES.has(m.type)) out.push({ name: m.name, shape: m.shape });
  }
  return out;
}

/** Columns per row from a declared shape: 1 for [N] or [N,1]; the second dimension when it is a number; unknown without a shape. */
function declaredColumns(shape: readonly (number | string)[]): number | undefined {
  if (shape.length === 0) return undefined;
  if (shape.length === 1) return 1;
  return typeof shape[1] === 'number' ? shape[1] : undefined;
}

export function selectOutput(session: InferenceSession, hint: OutputHint, zipMaps: Map<string, UnwrappedZipMap>): OutputReader {
  const floats = floatOutputs(session);
  const byName = new Map(floats.map((f) => [f.name, f]));
  const kind: ScoreKind = hint.kind === 'regressor' ? 'regressor' : 'probability';

  // A ZipMap the loader unwrapped: the hint may still name the ZipMap output.
  const zipFor = (name: string) => zipMaps.get(name) ?? [...zipMaps.values()].find((z) => z.tensorOutput === name);
  const fromZip = (z: UnwrappedZipMap): OutputReader => {
    const column = z.labels.findIndex((l) => String(l) === String(hint.positiveLabel));
    if (column < 0) throw new OutputSelectionError(`output: class label ${String(hint.positiveLabel)} is not among the ZipMap labels [${z.labels.join(', ')}]`);
    return { name: z.tensorOutput, kind: 'probability', describe: `${z.tensorOutput}[:,${column}] (label ${String(hint.positiveLabel)})`, column };
  };

  if (hint.name !== undefined) {
    const zip = zipFor(hint.name);
    if (zip) return fromZip(zip);
    const named = byName.get(hint.name);
    if (!named) throw new OutputSelectionError(`output.name: the model has no float tensor output "${hint.name}" (outputs: ${session.outputNames.join(', ')})`);
    const cols = declaredColumns(named.shape);
    const column = cols !== undefined && cols > 1 ? hint.positiveIndex : 0;
    return { name: named.name, kind, describe: cols !== undefined && cols > 1 ? `${named.name}[:,${column}]` : named.name, column };
  }
  if (zipMaps.size > 0 && hint.kind !== 'regressor') return fromZip([...zipMaps.values()][0]);
  if (floats.length === 0) {
    throw new OutputSelectionError(`output: the model has no float tensor output (outputs: ${session.outputNames.join(', ')})`);
  }
  if (hint.kind === 'classifier' || hint.kind === 'auto') {
    const probs = floats.find((f) => /prob/i.test(f.name) && declaredColumns(f.shape) !== 1) ?? floats.find((f) => declaredColumns(f.shape) === 2);
    if (probs) return { name: probs.name, kind: 'probability', describe: `${probs.name}[:,${hint.positiveIndex}]`, column: hint.positiveIndex };
    if (hint.kind === 'classifier') throw new OutputSelectionError('output: kind classifier needs a [N,2] probability output');
  }
  const single = floats.filter((f) => declaredColumns(f.shape) === 1);
  if (single.length === 1) return { name: single[0].name, kind, describe: single[0].name, column: 0 };
  if (floats.length === 1 && declaredColumns(floats[0].shape) === undefined) {
    return { name: floats[0].name, kind, describe: floats[0].name, column: 0 };
  }
  throw new OutputSelectionError(
    `output: cannot tell which of ${floats.map((f) => f.name).join(', ')} is the score; name it in manifest output.name`,
  );
}
