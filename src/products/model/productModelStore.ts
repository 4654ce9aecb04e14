// The product model in the Blob model registry, next to the offer and campaign models:
// `<name>/<version>/model.bin` + `manifest.json` (sha256, training range, metrics) and the same
// `<name>/current` pointer, promoted with the registry's ETag-guarded promoteModel. The watcher
// polls the pointer's ETag and swaps a newly promoted model in after checking its sha256 and
// decoding it; a model that fails keeps the previous one serving.
import crypto from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { ModelRegistry, ModelRegistryError, manifestPath, pointerPath } from '../../models/modelRegistry';
import type { ModelIntegritySettings } from '../../config/modelIntegritySettings';
import { decodeProductArtifact, ProductArtifactError, type ServedProducts } from './productArtifact';
import { Poller } from '../../common/poller';

export const PRODUCT_MODEL_NAME = 'products';
export const productModelPath = (name: string, version: string) => `${name}/${version}/model.bin`;

export interface ProductManifest {
  schemaVersion: 1;
  kind: 'products';
  name: string;
  version: string;
  sha256: string;
  createdAt: string;
  format: 'product-model/1';
  trainingData: { from: string; to: string; interactions: number; users: number; items: number };
  metrics?: Record<string, number>;
  producer?: string;
}

const sha256Hex = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

async function download(container: ContainerClient, name: string): Promise<{ bytes: Buffer; etag?: string } | undefined> {
  try {
    const blob = container.getBlockBlobClient(name);
    const bytes = await blob.downloadToBuffer();
    return { bytes };
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export class ProductModelStore {
  readonly registry: ModelRegistry;

  /** `integrity`: ModelSigningKeys and ModelMaxBytes (readModelIntegrity); default: unsigned, size-bounded. */
  constructor(private readonly container: ContainerClient, integrity?: ModelIntegritySettings) {
    this.registry = new ModelRegistry(container, integrity);
  }

  /** Stores a version (model.bin, then manifest.json); the same bytes again are a no-op. */
  async register(name: string, version: string, bytes: Uint8Array, manifest: Omit<ProductManifest, 'name' | 'version' | 'sha256' | 'schemaVersion' | 'kind' | 'format'>): Promise<ProductManifest> {
    this.registry.assertWritable(`registering ${name}/${version}`);
    const full: ProductManifest = { schemaVersion: 1, kind: 'products', name, version, sha256: sha256Hex(bytes), format: 'product-model/1', ...manifest };
    await this.container.createIfNotExists();
    const existing = await download(this.container, manifestPath(name, version));
    if (existing) {
      const stored = JSON.parse(existing.bytes.toString('utf8')) as { sha256?: string };
      if (stored.sha256 === full.sha256) return full;
      throw new ModelRegistryError(`version: ${name}/${version} is already registered with another model`);
    }
    await this.container.getBlockBlobClient(productModelPath(name, version)).uploadData(bytes, { blobHTTPHeaders: { blobContentType: 'application/octet-stream' } });
    const body = JSON.stringify(full, null, 2);
    await this.container.getBlockBlobClient(manifestPath(name, version)).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/json' },
      conditions: { ifNoneMatch: '*' },
    });
    await this.registry.sign(name, version, body);
    return full;
  }

  async promote(name: string, version: string): Promise<void> {
    const current = await this.registry.readCurrent(name);
    await this.registry.promoteModel(name, version, { ifMatchEtag: current?.etag ?? null });
  }

  /** Loads and checks a version: sha256 against the manifest (and the pointer's, when given), then decodes. */
  async load(name: string, version: string, expectedSha256?: string): Promise<{ served: ServedProducts; manifest: ProductManifest }> {
    // Signature (when required) and size bounds as for every registry model.
    const manifest = (await this.registry.readVerifiedManifest(name, version)) as ProductManifest;
    if (manifest?.kind !== 'products') throw new ModelRegistryError(`${manifestPath(name, version)}: is not a product model manifest`);
    const bytes = await this.registry.readModelFile(productModelPath(name, version));
    if (!bytes) throw new ModelRegistryError(`version: ${name}/${version} has no model.bin`);
    const model = { bytes };
    const sha = sha256Hex(model.bytes);
    if (sha !== manifest.sha256 || (expectedSha256 !== undefined && sha !== expectedSha256)) {
      throw new ModelRegistryError(`${productModelPath(name, version)}: sha256 ${sha} does not match the manifest / pointer`);
    }
    return { served: decodeProductArtifact(model.bytes), manifest };
  }
}

export interface ProductWatcherStatus {
  name: string;
  version: string | null;
  loadedAt: string | null;
  loadMs: number | null;
  lastRejected: { version: string; reason: string } | null;
}

/** Keeps the promoted product model in memory and swaps in a newly promoted one. */
export class ProductModelWatcher {
  private current: { served: ServedProducts; manifest: ProductManifest } | undefined;
  private seenEtag: string | undefined;
  private readonly poller: Poller<string>;
  private loadedAt: string | null = null;
  private loadMs: number | null = null;
  private lastRejected: ProductWatcherStatus['lastRejected'] = null;

  constructor(private readonly store: ProductModelStore, readonly name: string, private readonly opts: { pollSeconds: number; log?: (m: string) => void }) {
    this.poller = new Poller(() => this.checkOnce(), opts.pollSeconds * 1000);
  }

  get served(): ServedProducts | undefined {
    return this.current?.served;
  }

  get version(): string | undefined {
    return this.current?.manifest.version;
  }

  start(): Promise<string> {
    return this.poller.start();
  }

  check(): Promise<string> {
    return this.poller.check();
  }

  private async checkOnce(): Promise<string> {
    const log = this.opts.log ?? (() => {});
    let pointer;
    try {
      const etag = await this.store.registry.pointerEtag(this.name);
      if (etag === undefined || etag === this.seenEtag) return etag === undefined ? 'none' : 'unchanged';
      pointer = await this.store.registry.readCurrent(this.name);
      if (!pointer) return 'none';
    } catch (error) {
      log(`product model ${this.name}: cannot read ${pointerPath(this.name)}: ${(error as Error).message}`);
      return 'error';
    }
    if (this.current?.manifest.version === pointer.version && this.current.manifest.sha256 === pointer.sha256) {
      this.seenEtag = pointer.etag;
      return 'unchanged';
    }
    const started = performance.now();
    try {
      this.current = await this.store.load(this.name, pointer.version, pointer.sha256);
      this.seenEtag = pointer.etag;
      this.loadMs = performance.now() - started;
      this.loadedAt = new Date().toISOString();
      log(`product model ${this.name}: now serving ${pointer.version} (loaded in ${this.loadMs.toFixed(0)} ms)`);
      return 'loaded';
    } catch (error) {
      const reason = (error as Error).message;
      if (error instanceof ProductArtifactError || error instanceof ModelRegistryError) {
        this.seenEtag = pointer.etag;
        this.lastRejected = { version: pointer.version, reason };
        log(`product model ${this.name}: refused ${pointer.version}: ${reason}; still serving ${this.current?.manifest.version ?? 'popularity'}`);
        return 'rejected';
      }
      log(`product model ${this.name}: loading ${pointer.version} failed: ${reason}`);
      return 'error';
    }
  }

  status(): ProductWatcherStatus {
    return { name: this.name, version: this.current?.manifest.version ?? null, loadedAt: this.loadedAt, loadMs: this.loadMs, lastRejected: this.lastRejected };
  }

  stop(): Promise<void> {
    return this.poller.stop();
  }
}
