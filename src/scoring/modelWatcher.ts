// Keeps the current model loaded and swaps in a newly promoted one without a restart: it polls
// the `current` pointer's ETag, and on a change loads and fully validates the new model before
// replacing the one reference requests read. A model that fails validation is logged and
// skipped; the previous model keeps serving.
import { ModelRegistryError, type CurrentPointer, type StoredModel } from '../models/modelRegistry';
import type { LoadedModel } from './loadedModel';
import { loadModel, ModelRejectedError } from './loadModel';
import { Poller } from '../common/poller';

/** The registry calls the watcher needs (ModelRegistry implements them). */
export interface ModelSource {
  pointerEtag(name: string): Promise<string | undefined>;
  readCurrent(name: string): Promise<CurrentPointer | undefined>;
  loadVersion(name: string, version: string): Promise<StoredModel>;
}

export type CheckOutcome =
  | { outcome: 'unchanged' | 'none' }
  | { outcome: 'loaded'; version: string; loadMs: number }
  | { outcome: 'rejected'; version: string; reason: string }
  | { outcome: 'error'; reason: string };

export interface WatcherStatus {
  name: string;
  version: string | null;
  sha256: string | null;
  loadedAt: string | null;
  loadMs: number | null;
  lastCheckAt: string | null;
  lastRejected: { version: string; reason: string; at: string } | null;
}

export interface ModelWatcherOptions {
  pollSeconds: number;
  log?: (message: string) => void;
  /** Loader (tests inject failures); defaults to loadModel. */
  load?: (bytes: Uint8Array, manifest: unknown, expectedSha256?: string) => Promise<LoadedModel>;
}

export class ModelWatcher {
  private current: LoadedModel | undefined;
  private seenEtag: string | undefined;
  private readonly poller: Poller<CheckOutcome>;
  private loadedAt: string | null = null;
  private lastCheckAt: string | null = null;
  private lastRejected: WatcherStatus['lastRejected'] = null;
  private readonly log: (message: string) => void;
  private readonly load: NonNullable<ModelWatcherOptions['load']>;

  constructor(private readonly source: ModelSource, readonly name: string, private readonly opts: ModelWatcherOptions) {
    this.log = opts.log ?? (() => {});
    this.load = opts.load ?? loadModel;
    this.poller = new Poller(() => this.checkOnce(), opts.pollSeconds * 1000);
  }

  /** The model to score with now; undefined until one is loaded (rank with the priors then). */
  get model(): LoadedModel | undefined {
    return this.current;
  }

  /** Loads the current model (failures are logged, not thrown) and starts polling. */
  start(): Promise<CheckOutcome> {
    return this.poller.start();
  }

  /** One poll; concurrent callers share the same check. */
  check(): Promise<CheckOutcome> {
    return this.poller.check();
  }

  private async checkOnce(): Promise<CheckOutcome> {
    this.lastCheckAt = new Date().toISOString();
    let pointer: CurrentPointer | undefined;
    try {
      const etag = await this.source.pointerEtag(this.name);
      if (etag === undefined) {
        // The pointer was removed (a model reset): back to the cold-start priors.
        const dropped = this.current;
        if (dropped) {
          this.current = undefined;
          this.seenEtag = undefined;
          dropped.retire();
          this.log(`model ${this.name}: the current pointer was removed; serving the cold-start priors`);
        }
        return { outcome: 'none' };
      }
      if (etag === this.seenEtag) return { outcome: 'unchanged' };
      pointer = await this.source.readCurrent(this.name);
      if (!pointer) return { outcome: 'none' };
    } catch (error) {
      this.log(`model ${this.name}: cannot read the current pointer: ${(error as Error).message}`);
      return { outcome: 'error', reason: (error as Error).message };
    }
    if (this.current && this.current.version === pointer.version && this.current.sha256 === pointer.sha256) {
      this.seenEtag = pointer.etag;
      return { outcome: 'unchanged' };
    }
    try {
      const stored = await this.source.loadVersion(this.name, pointer.version);
      const next = await this.load(stored.bytes, stored.manifest, pointer.sha256);
      if (next.version !== pointer.version) {
        await next.release();
        throw new ModelRejectedError(`manifest.version: is ${next.version}, the pointer names ${pointer.version}`);
      }
      const previous = this.current;
      this.current = next;
      this.seenEtag = pointer.etag;
      this.loadedAt = new Date().toISOString();
      previous?.retire();
      this.log(`model ${this.name}: now serving ${next.version} (loaded in ${next.loadMs.toFixed(1)} ms, score ${next.reader.describe})`);
      return { outcome: 'loaded', version: next.version, loadMs: next.loadMs };
    } catch (error) {
      const reason = (error as Error).message;
      // Do not retry this pointer until it changes; a transient read failure is retried next poll.
      if (error instanceof ModelRejectedError || error instanceof ModelRegistryError) {
        this.seenEtag = pointer.etag;
        this.lastRejected = { version: pointer.version, reason, at: new Date().toISOString() };
        this.log(`model ${this.name}: refused ${pointer.version}: ${reason}; still serving ${this.current?.version ?? 'the cold-start priors'}`);
        return { outcome: 'rejected', version: pointer.version, reason };
      }
      this.log(`model ${this.name}: loading ${pointer.version} failed: ${reason}`);
      return { outcome: 'error', reason };
    }
  }

  status(): WatcherStatus {
    const m = this.current;
    return {
      name: this.name,
      version: m?.version ?? null,
      sha256: m?.sha256 ?? null,
      loadedAt: this.loadedAt,
      loadMs: m?.loadMs ?? null,
      lastCheckAt: this.lastCheckAt,
      lastRejected: this.lastRejected,
    };
  }

  async stop(): Promise<void> {
    await this.poller.stop();
    const m = this.current;
    this.current = undefined;
    await m?.release();
  }
}
