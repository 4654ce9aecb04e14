// Importing a signed model archive (Personalizer's Model_Import) into the registry, in two steps so
// callers can tell a bad archive from a storage failure: checkModelImport verifies the signature
// (RankingSigningKeys) and runs the scorer's own checks on the model before anything is stored;
// storeModelImport registers it as `import-<time>` and promotes it. Used by PUT /model and by the
// deployer's `npm run model -- --import` (the serving app in Azure cannot write models).
import type { ModelRegistry } from '../models/modelRegistry';
import { loadModel, ModelRejectedError } from '../scoring/loadModel';
import { ModelImportError, readModelArchive } from './modelTransfer';

export interface CheckedImport {
  model: Buffer;
  /** The archive's manifest renamed to this registry's name and the import version. */
  manifest: Record<string, unknown>;
  version: string;
  /** Where it came from: `import (<name>/<version> of the archive)`. */
  producer: string;
}

/** `import-<UTC time to the second>`. */
export const importVersion = (now: Date) => `import-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;

/** The archive, verified and checked; ModelImportError ('signature' or 'format') says what is wrong. */
export async function checkModelImport(archive: Buffer, signingKeys: readonly Buffer[], modelName: string, now: Date): Promise<CheckedImport> {
  const imported = readModelArchive(archive, signingKeys);
  const version = importVersion(now);
  const manifest = { ...(imported.manifest as Record<string, unknown>), name: modelName, version };
  try {
    // The scorer's own checks (contract, ONNX, width, probe), before anything is stored.
    const loaded = await loadModel(imported.model, manifest);
    await loaded.release();
  } catch (error) {
    if (error instanceof ModelRejectedError) throw new ModelImportError('format', `body: the model cannot be served: ${error.message}`);
    throw error;
  }
  const origin = imported.manifest as { name?: unknown; version?: unknown };
  return { model: imported.model, manifest, version, producer: `import (${String(origin.name ?? '?')}/${String(origin.version ?? '?')})` };
}

/**
 * Registers the checked model and points `current` at it. Throws PromotionConflictError when
 * another model was promoted meanwhile, ModelRegistryError when the registry refuses it (a
 * serving-only instance included), and storage errors as they come.
 */
export async function storeModelImport(registry: Pick<ModelRegistry, 'registerModel' | 'readCurrent' | 'promoteModel'>, modelName: string, checked: CheckedImport): Promise<void> {
  const { sha256: _ignored, ...rest } = checked.manifest;
  void _ignored;
  await registry.registerModel(modelName, checked.version, checked.model, { ...(rest as Parameters<ModelRegistry['registerModel']>[3]), producer: checked.producer });
  const current = await registry.readCurrent(modelName);
  await registry.promoteModel(modelName, checked.version, { ifMatchEtag: current?.etag ?? null });
}
