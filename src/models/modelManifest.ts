// manifest.json of a registered model: what the scorer needs to trust and feed it.
import { z } from 'zod';
import { formatPath } from '../common/fieldPath';
import { featureContractSchema } from '../features/featureContract';

export const MANIFEST_VERSION = 1;
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MODEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * How to read a score from the model's outputs. `auto` picks: a [N,2] `probabilities` tensor
 * (column `positiveIndex`), a ZipMap sequence of maps (key `positiveLabel`), else the single
 * float output ([N] or [N,1]), taken as a probability.
 */
const output = z
  .object({
    kind: z.enum(['auto', 'probability', 'classifier', 'regressor']).default('auto'),
    /** Output to read; found by kind when absent. */
    name: z.string().min(1).max(256).optional(),
    /** Column of the positive class in a [N,2] probability tensor (default 1). */
    positiveIndex: z.number().int().min(0).max(1).default(1),
    /** Key of the positive class in a ZipMap output (default 1). */
    positiveLabel: z.union([z.number().int(), z.string()]).default(1),
  })
  .strict();

const isoTime = z.iso.datetime({ offset: true });

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(MANIFEST_VERSION),
    name: z.string().regex(MODEL_NAME, 'must be lower-case letters, digits and -'),
    version: z.string().regex(MODEL_VERSION, 'must be 1-64 letters, digits, . _ -'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lower-case hex SHA-256 of model.onnx'),
    createdAt: isoTime,
    features: featureContractSchema,
    /** Name of the model's float input (the first input when absent). */
    inputName: z.string().min(1).max(256).optional(),
    output: output.default({ kind: 'auto', positiveIndex: 1, positiveLabel: 1 }),
    metrics: z.record(z.string().max(64), z.number()).optional(),
    trainingData: z
      .object({ from: isoTime, to: isoTime, rows: z.number().int().min(0).optional(), source: z.string().max(1024).optional() })
      .strict()
      .optional(),
    producer: z.string().max(256).optional(),
    /** A row and the score the producer computed for it: the scorer checks the runtime agrees. */
    probe: z.object({ row: z.array(z.number().finite()), expected: z.number().finite(), tolerance: z.number().positive().max(1).optional() }).strict().optional(),
  })
  .strict();

export type ModelManifest = z.infer<typeof manifestSchema>;
export type ManifestInput = z.input<typeof manifestSchema>;
export type OutputHint = ModelManifest['output'];

export type ManifestCheck = { ok: true; manifest: ModelManifest } | { ok: false; error: string };

export function parseManifest(input: unknown): ManifestCheck {
  const parsed = manifestSchema.safeParse(input);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `manifest.${formatPath(issue.path) || '(root)'}: ${issue.message}` };
}
