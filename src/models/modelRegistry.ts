// The model registry in Blob storage (the `models` container):
//   <name>/<version>/model.onnx      immutable once written
//   <name>/<version>/manifest.json   feature contract, sha256, metrics, training range, output kind
//   <name>/current                   {"version","sha256","promotedAt"}: the model to serve
//   <name>/<version>/manifest.sig    HMAC-SHA256 of manifest.json (ModelSigningKeys; manifestSignature.ts)
// Versions are written with If-None-Match: * and the pointer with If-Match, so two trainers
// cannot overwrite each other's version and two promoters cannot both win. Loading checks the
// model's size before downloading it (ModelMaxBytes) and, when the integrity settings ask, the
// manifest's signature: a tampered model or manifest is refused (ModelRegistryError) and the
// watcher keeps serving the previous model. A serving-only instance (ModelRegistryAccess=read)
// refuses every write before it reaches storage (ModelRegistryReadOnlyError).
import crypto from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { UNSIGNED_MODELS, type ModelIntegritySettings } from '../config/modelIntegritySettings';
import { MODEL_NAME, MODEL_VERSION, parseManifest, type ManifestInput, type ModelManifest } from './modelManifest';
import { manifestSignatureProblem, signManifest } from './manifestSignature';

/** Largest manifest.json read. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export class ModelRegistryError extends Error {}
/** The pointer changed since the caller read it (or already exists on a first promotion). */
export class PromotionConflictError extends ModelRegistryError {}
/** A write asked of a serving-only instance (ModelRegistryAccess=read). */
export class ModelRegistryReadOnlyError extends ModelRegistryError {}

/**
 * Throws ModelRegistryReadOnlyError when the settings make this a serving-only instance. Called by
 * every registry write and at the start of every training job, so a training function enabled in
 * the serving app fails at once (retraining.failed, its alert) rather than after a long fit.
 */
export function assertModelWrites(integrity: Pick<ModelIntegritySettings, 'access'>, what: string): void {
  if (integrity.access === 'read') {
    throw new ModelRegistryReadOnlyError(
      `${what}: refused, this instance only serves models (ModelRegistryAccess=read); models are written by the training app and its identity (docs/deploy.md)`,
    );
  }
}

export interface CurrentPointer {
  version: string;
  sha256: string;
  promotedAt?: string;
  etag: string;
}

export interface StoredModel {
  bytes: Buffer;
  /** As stored, unvalidated: the loader validates it. */
  manifest: unknown;
}

export const sha256Hex = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

const statusOf = (e: unknown) => (e as { statusCode?: number } | null)?.statusCode;

function checkName(name: string): void {
  if (!MODEL_NAME.test(name)) throw new ModelRegistryError(`name: "${name}" must be lower-case letters, digits and -`);
}

function checkVersion(version: string): void {
  if (!MODEL_VERSION.test(version)) throw new ModelRegistryError(`version: "${version}" must be 1-64 letters, digits, . _ -`);
}

export const modelPath = (name: string, version: string) => `${name}/${version}/model.onnx`;
export const manifestPath = (name: string, version: string) => `${name}/${version}/manifest.json`;
export const pointerPath = (name: string) => `${name}/current`;
export const signaturePath = (name: string, version: string) => `${name}/${version}/manifest.sig`;

/** A blob's bytes, or undefined when it does not exist; refused above `maxBytes` before and while downloading. */
async function readBounded(container: ContainerClient, path: string, maxBytes: number, setting: string): Promise<Buffer | undefined> {
  const blob = container.getBlockBlobClient(path);
  try {
    const size = (await blob.getProperties()).contentLength ?? 0;
    if (size > maxBytes) throw new ModelRegistryError(`${path}: is ${size} bytes, more than ${setting} (${maxBytes}); refused`);
    const response = await blob.download();
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.readableStreamBody ?? []) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += b.length;
      // The blob may have grown since its properties were read.
      if (total > maxBytes) throw new ModelRegistryError(`${path}: is more than ${setting} (${maxBytes} bytes); refused`);
      chunks.push(b);
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function readJson(container: ContainerClient, path: string): Promise<{ value: unknown; etag: string } | undefined> {
  try {
    const blob = container.getBlockBlobClient(path);
    const response = await blob.download();
    const text = (await streamToBuffer(response.readableStreamBody)).toString('utf8');
    return { value: JSON.parse(text) as unknown, etag: response.etag ?? '' };
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function streamToBuffer(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

export class ModelRegistry {
  /** `integrity`: the app's settings (readModelIntegrity); tools and tests without keys get the size bound only. */
  constructor(private readonly container: ContainerClient, private readonly integrity: ModelIntegritySettings = UNSIGNED_MODELS) {}

  /** Whether this instance may write models (ModelRegistryAccess is not `read`). */
  get writable(): boolean {
    return this.integrity.access !== 'read';
  }

  /** Throws ModelRegistryReadOnlyError on a serving-only instance; `what` names the refused write. */
  assertWritable(what: string): void {
    assertModelWrites(this.integrity, what);
  }

  /** Signs the stored manifest text (when a signing key is configured); it must be the text this writer produced. */
  async sign(name: string, version: string, body: string): Promise<void> {
    this.assertWritable(`signing ${name}/${version}`);
    const key = this.integrity.signingKeys[0];
    if (key === undefined) return;
    const signature = JSON.stringify(signManifest(Buffer.from(body, 'utf8'), key));
    await this.container.getBlockBlobClient(signaturePath(name, version)).upload(signature, Buffer.byteLength(signature), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }

  /**
   * Stores a new version. The manifest's sha256 is filled in (or checked, when given). Registering
   * the same bytes again is a no-op; different bytes under an existing version are refused.
   */
  async registerModel(name: string, version: string, onnxBytes: Uint8Array, manifest: Omit<ManifestInput, 'sha256' | 'name' | 'version'> & { sha256?: string }): Promise<ModelManifest> {
    checkName(name);
    checkVersion(version);
    this.assertWritable(`registering ${name}/${version}`);
    const sha256 = sha256Hex(onnxBytes);
    if (manifest.sha256 !== undefined && manifest.sha256 !== sha256) {
      throw new ModelRegistryError(`manifest.sha256: ${manifest.sha256} does not match the model bytes (${sha256})`);
    }
    const checked = parseManifest({ ...manifest, name, version, sha256 });
    if (!checked.ok) throw new ModelRegistryError(checked.error);
    await this.container.createIfNotExists();
    const body = JSON.stringify(checked.manifest, null, 2);
    const existing = await readJson(this.container, manifestPath(name, version));
    if (existing) {
      const stored = existing.value as { sha256?: unknown };
      if (stored.sha256 === sha256) {
        // A run that died between the manifest and its signature: sign it if it is exactly ours.
        if (JSON.stringify(existing.value, null, 2) === body && !(await this.container.getBlockBlobClient(signaturePath(name, version)).exists())) await this.sign(name, version, body);
        return checked.manifest;
      }
      throw new ModelRegistryError(`version: ${name}/${version} is already registered with another model (sha256 ${String(stored.sha256)})`);
    }
    try {
      await this.container.getBlockBlobClient(modelPath(name, version)).uploadData(onnxBytes, {
        blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
        conditions: { ifNoneMatch: '*' },
      });
    } catch (error) {
      // A model without a manifest is an earlier attempt that died halfway; same bytes may finish it.
      if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
      const props = await this.container.getBlockBlobClient(modelPath(name, version)).download();
      if (sha256Hex(await streamToBuffer(props.readableStreamBody)) !== sha256) {
        throw new ModelRegistryError(`version: ${name}/${version} already has another model.onnx`);
      }
    }
    try {
      await this.container.getBlockBlobClient(manifestPath(name, version)).upload(body, Buffer.byteLength(body), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        conditions: { ifNoneMatch: '*' },
      });
    } catch (error) {
      if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
      const raced = await readJson(this.container, manifestPath(name, version));
      if ((raced?.value as { sha256?: unknown } | undefined)?.sha256 !== sha256) {
        throw new ModelRegistryError(`version: ${name}/${version} was registered concurrently with another model`);
      }
    }
    await this.sign(name, version, body);
    return checked.manifest;
  }

  /** The model the pointer names, with the pointer's ETag; undefined before the first promotion. */
  async readCurrent(name: string): Promise<CurrentPointer | undefined> {
    checkName(name);
    const read = await readJson(this.container, pointerPath(name));
    if (!read) return undefined;
    const p = read.value as { version?: unknown; sha256?: unknown; promotedAt?: unknown };
    if (typeof p?.version !== 'string' || typeof p.sha256 !== 'string') {
      throw new ModelRegistryError(`${pointerPath(name)}: is not {"version","sha256"} JSON`);
    }
    return { version: p.version, sha256: p.sha256, promotedAt: typeof p.promotedAt === 'string' ? p.promotedAt : undefined, etag: read.etag };
  }

  /** Just the pointer's ETag (a HEAD request): what the scorer polls. */
  async pointerEtag(name: string): Promise<string | undefined> {
    try {
      return (await this.container.getBlockBlobClient(pointerPath(name)).getProperties()).etag;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * Points `current` at a registered version. `ifMatchEtag` is the ETag of the pointer the caller
   * read (readCurrent), or null when it read none: the write fails with PromotionConflictError if
   * anyone promoted in between. Returns the new pointer.
   */
  async promoteModel(name: string, version: string, opts: { ifMatchEtag: string | null }): Promise<CurrentPointer> {
    checkName(name);
    checkVersion(version);
    this.assertWritable(`promoting ${name}/${version}`);
    const stored = await readJson(this.container, manifestPath(name, version));
    if (!stored) throw new ModelRegistryError(`version: ${name}/${version} is not registered`);
    const sha256 = (stored.value as { sha256?: unknown }).sha256;
    if (typeof sha256 !== 'string') throw new ModelRegistryError(`${manifestPath(name, version)}: has no sha256`);
    const promotedAt = new Date().toISOString();
    const body = JSON.stringify({ version, sha256, promotedAt });
    try {
      const result = await this.container.getBlockBlobClient(pointerPath(name)).upload(body, Buffer.byteLength(body), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        conditions: opts.ifMatchEtag === null ? { ifNoneMatch: '*' } : { ifMatch: opts.ifMatchEtag },
      });
      return { version, sha256, promotedAt, etag: result.etag ?? '' };
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409) {
        throw new PromotionConflictError(`${pointerPath(name)} changed since it was read (ETag ${opts.ifMatchEtag ?? 'none'}); read it again`);
      }
      throw error;
    }
  }

  /**
   * Removes the `current` pointer (Personalizer's model reset): every instance goes back to the
   * cold-start priors at its next poll. The versions stay registered. False when there was none.
   */
  async resetCurrent(name: string): Promise<boolean> {
    checkName(name);
    this.assertWritable(`resetting ${name}`);
    try {
      await this.container.getBlockBlobClient(pointerPath(name)).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  /**
   * The version's model and manifest, checked: both within their size bounds, and the manifest's
   * signature verified when the integrity settings ask (then a manifest whose sha256 matches the
   * bytes vouches for the model). Throws ModelRegistryError saying what is wrong.
   */
  async loadVersion(name: string, version: string): Promise<StoredModel> {
    checkName(name);
    checkVersion(version);
    const manifest = await this.readVerifiedManifest(name, version);
    const bytes = await this.readModelFile(modelPath(name, version));
    if (!bytes) throw new ModelRegistryError(`version: ${name}/${version} has no model.onnx`);
    return { bytes, manifest };
  }

  /**
   * The version's manifest.json, parsed, after its signature verified (when the integrity
   * settings ask); every model kind's loader starts here (the product model's too).
   */
  async readVerifiedManifest(name: string, version: string): Promise<unknown> {
    const where = `${name}/${version}`;
    const manifestBytes = await readBounded(this.container, manifestPath(name, version), MAX_MANIFEST_BYTES, 'the manifest limit');
    if (!manifestBytes) throw new ModelRegistryError(`version: ${where} has no manifest.json`);
    const { signingKeys, requireSignature } = this.integrity;
    if (requireSignature) {
      if (signingKeys.length === 0) throw new ModelRegistryError(`${where}: ModelSigningKeys is not set, so no model can be verified; refused`);
      const signature = await readBounded(this.container, signaturePath(name, version), 4096, 'the signature limit');
      if (!signature) throw new ModelRegistryError(`${where}: manifest.sig is missing: the model is not signed with ModelSigningKeys; refused`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(signature.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const problem = manifestSignatureProblem(manifestBytes, parsed, signingKeys);
      if (problem) throw new ModelRegistryError(`${where}: ${problem}; refused`);
    }
    try {
      return JSON.parse(manifestBytes.toString('utf8')) as unknown;
    } catch (error) {
      throw new ModelRegistryError(`${where}: manifest.json is not JSON: ${(error as Error).message}`);
    }
  }

  /** A model file, refused above ModelMaxBytes before (and while) downloading; undefined when absent. */
  readModelFile(path: string): Promise<Buffer | undefined> {
    return readBounded(this.container, path, this.integrity.maxModelBytes, 'ModelMaxBytes');
  }
}
