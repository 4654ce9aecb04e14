// What the training run reads from and writes to the model registry beyond ModelRegistry's own
// calls: the current model's recorded estimate (reported; the gate re-evaluates the model itself,
// currentModelEvaluation.ts) and contract, report.json next to a version, and
// the conditional promotion against the pointer ETag read at the start of the run.
import type { ContainerClient } from '@azure/storage-blob';
import { parseFeatureContract, type FeatureContract } from '../../features/featureContract';
import { manifestPath, ModelRegistry, PromotionConflictError, type CurrentPointer } from '../../models/modelRegistry';

/** Manifest metric holding the DR estimate of the model's greedy policy on its own validation decisions. */
export const POLICY_VALUE_METRIC = 'policyValueDr';

export const reportPath = (name: string, version: string) => `${name}/${version}/report.json`;

export interface CurrentModelInfo {
  pointer: CurrentPointer | undefined;
  /** manifest.metrics.policyValueDr of the current version, when recorded. */
  recordedPolicyValue?: number;
  contract?: FeatureContract;
  /** Why the current manifest could not be used, if so. */
  problem?: string;
}

const statusOf = (e: unknown) => (e as { statusCode?: number } | null)?.statusCode;

export async function readCurrentModel(registry: ModelRegistry, container: ContainerClient, name: string): Promise<CurrentModelInfo> {
  const pointer = await registry.readCurrent(name);
  if (!pointer) return { pointer };
  let manifest: { metrics?: Record<string, unknown>; features?: unknown };
  try {
    manifest = JSON.parse((await container.getBlockBlobClient(manifestPath(name, pointer.version)).downloadToBuffer()).toString('utf8'));
  } catch (error) {
    if (statusOf(error) === 404 || error instanceof SyntaxError) return { pointer, problem: `${manifestPath(name, pointer.version)} is missing or not JSON` };
    throw error;
  }
  const value = manifest.metrics?.[POLICY_VALUE_METRIC];
  const contract = parseFeatureContract(manifest.features);
  return {
    pointer,
    ...(typeof value === 'number' && Number.isFinite(value) ? { recordedPolicyValue: value } : {}),
    ...(contract.ok ? { contract: contract.contract } : {}),
  };
}

/** Writes report.json once (If-None-Match: *): a version's report is as immutable as its model. */
export async function writeReport(container: ContainerClient, name: string, version: string, report: unknown): Promise<string> {
  const path = reportPath(name, version);
  const body = JSON.stringify(report, null, 2);
  await container.getBlockBlobClient(path).upload(body, Buffer.byteLength(body), {
    blobHTTPHeaders: { blobContentType: 'application/json' },
    conditions: { ifNoneMatch: '*' },
  });
  return path;
}

export type PromotionOutcome = { promoted: true; pointer: CurrentPointer } | { promoted: false; reason: string };

/**
 * Promotes only if the pointer is still the one the run compared against (`seen`, undefined when
 * there was none): of two concurrent trainers only the first to write wins.
 */
export async function promoteIfUnchanged(registry: ModelRegistry, name: string, version: string, seen: CurrentPointer | undefined): Promise<PromotionOutcome> {
  try {
    const pointer = await registry.promoteModel(name, version, { ifMatchEtag: seen?.etag ?? null });
    return { promoted: true, pointer };
  } catch (error) {
    if (!(error instanceof PromotionConflictError)) throw error;
    const now = await registry.readCurrent(name).catch(() => undefined);
    return {
      promoted: false,
      reason:
        `not promoted: ${name}/current changed during the run (it was ${seen ? seen.version : 'unset'}, now ${now?.version ?? 'unknown'}` +
        `; another trainer promoted first). This model was compared against the old one; train again to compare with the new one.`,
    };
  }
}
