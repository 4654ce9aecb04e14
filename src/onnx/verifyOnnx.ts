// Runs exported ONNX bytes in onnxruntime-node and compares with the TypeScript model's predictions.
import * as ort from 'onnxruntime-node';
import { FeatureMatrix, rowMajorSlice, validateFeatureMatrix } from '../learners/dataset';

export interface ProbabilisticModel {
  readonly nFeatures: number;
  predictProba(x: FeatureMatrix): Float64Array;
}

export interface OnnxParity {
  maxAbsDiff: number;
  /** Row with the largest difference (-1 when no rows). */
  worstRow: number;
  rows: number;
  batches: number;
  onnxProbability: Float32Array;
}

export async function createOnnxSession(onnxBytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(onnxBytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
}

/** Scores row-major float32 features (n×d) with a session whose graph maps 'features' → 'probability'. */
export async function runOnnxProbability(session: ort.InferenceSession, x: FeatureMatrix, batchSize = 65_536): Promise<{ probability: Float32Array; batches: number }> {
  const n = x.nRows;
  const d = x.nFeatures;
  const probability = new Float32Array(n);
  let batches = 0;
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const block = rowMajorSlice(x, start, end);
    const result = await session.run({ features: new ort.Tensor('float32', block, [end - start, d]) });
    const out = result.probability;
    if (!out) throw new Error("ONNX model has no output named 'probability'");
    probability.set(out.data as Float32Array, start);
    batches++;
  }
  return { probability, batches };
}

/** Max |ONNX − TypeScript| probability over all rows of x. */
export async function verifyOnnx(onnxBytes: Uint8Array, model: ProbabilisticModel, x: FeatureMatrix, batchSize = 65_536): Promise<OnnxParity> {
  validateFeatureMatrix(x, 'verifyOnnx features');
  if (x.nFeatures !== model.nFeatures) throw new RangeError(`verifyOnnx: model has ${model.nFeatures} features, X has ${x.nFeatures}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`verifyOnnx: batchSize must be a positive integer, got ${batchSize}`);
  const session = await createOnnxSession(onnxBytes);
  try {
    const { probability, batches } = x.nRows > 0 ? await runOnnxProbability(session, x, batchSize) : { probability: new Float32Array(0), batches: 0 };
    const expected = model.predictProba(x);
    let maxAbsDiff = 0;
    let worstRow = -1;
    for (let i = 0; i < x.nRows; i++) {
      const diff = Math.abs(probability[i] - expected[i]);
      if (!(diff <= maxAbsDiff)) {
        maxAbsDiff = diff === diff ? diff : Infinity;
        worstRow = i;
      }
    }
    return { maxAbsDiff, worstRow, rows: x.nRows, batches, onnxProbability: probability };
  } finally {
    await session.release();
  }
}
