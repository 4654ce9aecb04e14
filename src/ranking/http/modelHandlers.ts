// The model operations:
//   GET /model                  the served model's ONNX bytes (200, empty body while none is served);
//                               ?signed=true: the signed export archive (model, manifest, signature);
//                               ?part=manifest (ours): the manifest as JSON
//   PUT /model                  import a signed archive: validated, registered, promoted (204)
//   DELETE /model               reset: the current pointer is removed, ranking goes back to the priors (204)
//                               (both writes answer 403 on a serving-only instance, ModelRegistryAccess=read)
//   GET /model/properties       {creationTime, lastModifiedTime}
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ModelRegistry, PromotionConflictError, ModelRegistryError } from '../../models/modelRegistry';
import { exportModelArchive, ModelImportError } from '../modelTransfer';
import { checkModelImport, storeModelImport, type CheckedImport } from '../modelImport';
import { badRequest, personalizerError, serviceUnavailable } from '../personalizerErrors';

export interface ModelApiDeps {
  registry: Pick<ModelRegistry, 'readCurrent' | 'loadVersion' | 'registerModel' | 'promoteModel' | 'resetCurrent' | 'writable'>;
  modelName: string;
  signingKeys: readonly Buffer[];
  /** Tells this instance's model watcher to look at the pointer now (the others poll). */
  changed?: () => Promise<unknown>;
  now?: () => Date;
  log?: (message: string) => void;
}

/** Largest import archive. */
export const MAX_MODEL_IMPORT_BYTES = 64 * 1024 * 1024;

const NO_STORE = { 'cache-control': 'no-store' };

/** The answer of import and reset on a serving-only instance: its identity cannot write models. */
function servingOnly(what: string): HttpResponseInit {
  return personalizerError(
    403,
    'OperationNotAllowed',
    `Model ${what} is not available on this instance: it only serves models (ModelRegistryAccess=read). Models are written by the training app's identity; an operator imports or resets with npm run model (docs/deploy.md).`,
    'OperationNotAllowed',
  );
}

async function guarded(what: string, deps: ModelApiDeps, run: () => Promise<HttpResponseInit>): Promise<HttpResponseInit> {
  try {
    return await run();
  } catch (error) {
    deps.log?.(`${what} failed: ${(error as Error).stack ?? error}`);
    return serviceUnavailable(`The model registry is unavailable right now (${what}); try again.`);
  }
}

export function handleGetModel(request: HttpRequest, deps: ModelApiDeps): Promise<HttpResponseInit> {
  const signed = (request.query.get('signed') ?? '').toLowerCase();
  const part = request.query.get('part');
  if (signed !== '' && signed !== 'true' && signed !== 'false') return Promise.resolve(badRequest('signed', 'must be true or false', 'InvalidRequest'));
  if (part !== null && part !== 'manifest') return Promise.resolve(badRequest('part', 'must be "manifest" (or left out for the model bytes)', 'InvalidRequest'));
  return guarded('reading the model', deps, async () => {
    const pointer = await deps.registry.readCurrent(deps.modelName);
    if (!pointer) {
      // A fresh Personalizer loop answers an empty model, as its example shows.
      return part === 'manifest' ? personalizerError(404, 'ResourceNotFound', 'No model is served yet.', 'ResourceNotFound') : { status: 200, body: new Uint8Array(0), headers: { ...NO_STORE, 'content-type': 'application/octet-stream' } };
    }
    const stored = await deps.registry.loadVersion(deps.modelName, pointer.version);
    const headers = { ...NO_STORE, 'x-model-version': pointer.version, 'x-model-sha256': pointer.sha256 };
    if (part === 'manifest') return { status: 200, jsonBody: stored.manifest, headers };
    if (signed === 'true') {
      if (deps.signingKeys.length === 0) return serviceUnavailable('RankingSigningKeys is not set: a signed model cannot be exported.');
      const archive = exportModelArchive(stored.bytes, stored.manifest, deps.signingKeys[0]);
      return { status: 200, body: new Uint8Array(archive), headers: { ...headers, 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${deps.modelName}-${pointer.version}.zip"` } };
    }
    return { status: 200, body: new Uint8Array(stored.bytes), headers: { ...headers, 'content-type': 'application/octet-stream' } };
  });
}

export async function handleImportModel(request: HttpRequest, deps: ModelApiDeps): Promise<HttpResponseInit> {
  if (!deps.registry.writable) return servingOnly('import');
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_MODEL_IMPORT_BYTES) return personalizerError(413, 'BadRequest', `body: Exceeds maximum allowed payload size (${MAX_MODEL_IMPORT_BYTES} bytes).`, 'PayloadSizeExceeded', 'body');
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_MODEL_IMPORT_BYTES) return personalizerError(413, 'BadRequest', `body: Exceeds maximum allowed payload size (${MAX_MODEL_IMPORT_BYTES} bytes).`, 'PayloadSizeExceeded', 'body');
  let checked: CheckedImport;
  try {
    checked = await checkModelImport(body, deps.signingKeys, deps.modelName, (deps.now ?? (() => new Date()))());
  } catch (error) {
    if (!(error instanceof ModelImportError)) throw error;
    return personalizerError(400, 'BadRequest', error.message, error.kind === 'signature' ? 'InvalidModelImportSignature' : 'InvalidModelImportFormat', 'body');
  }
  const version = checked.version;
  return guarded('importing the model', deps, async () => {
    try {
      await storeModelImport(deps.registry, deps.modelName, checked);
    } catch (error) {
      if (error instanceof PromotionConflictError) return personalizerError(409, 'OperationNotAllowed', 'Another model was promoted during the import; import again.', 'OperationNotAllowed');
      if (error instanceof ModelRegistryError) return personalizerError(400, 'BadRequest', `body: ${error.message}`, 'InvalidModelImportFormat', 'body');
      throw error;
    }
    await deps.changed?.();
    deps.log?.(`model: imported and promoted ${deps.modelName}/${version}`);
    return { status: 204, headers: { ...NO_STORE, 'x-model-version': version } };
  });
}

export function handleResetModel(deps: ModelApiDeps): Promise<HttpResponseInit> {
  if (!deps.registry.writable) return Promise.resolve(servingOnly('reset'));
  return guarded('resetting the model', deps, async () => {
    const removed = await deps.registry.resetCurrent(deps.modelName);
    await deps.changed?.();
    if (removed) deps.log?.(`model: reset; ${deps.modelName} serves the cold-start priors until a model is promoted again`);
    return { status: 204, headers: NO_STORE };
  });
}

export function handleModelProperties(deps: ModelApiDeps): Promise<HttpResponseInit> {
  return guarded('reading the model properties', deps, async () => {
    const pointer = await deps.registry.readCurrent(deps.modelName);
    if (!pointer) return { status: 200, jsonBody: {}, headers: NO_STORE };
    const stored = await deps.registry.loadVersion(deps.modelName, pointer.version);
    const createdAt = (stored.manifest as { createdAt?: unknown }).createdAt;
    return {
      status: 200,
      jsonBody: {
        ...(typeof createdAt === 'string' ? { creationTime: new Date(createdAt).toISOString() } : {}),
        ...(pointer.promotedAt ? { lastModifiedTime: pointer.promotedAt } : {}),
      },
      headers: NO_STORE,
    };
  });
}
