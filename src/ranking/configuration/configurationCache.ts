// The configuration as each instance serves it: read once at start, then refreshed in the
// background every RankingConfigRefreshSeconds (default 30 s, so a change made on any instance
// is served everywhere within a minute), never on a request. A failed refresh keeps the last
// configuration and is logged; a change made through this instance is applied at once.
import { effectiveConfiguration, type EffectiveConfiguration, type StoredConfiguration } from './serviceConfiguration';
import type { ConfigurationStore } from './configurationStore';

export interface ConfigurationCacheOptions {
  refreshMs: number;
  log?: (message: string) => void;
}

export class ConfigurationCache {
  private value: EffectiveConfiguration;
  private stored: StoredConfiguration;
  private timer: NodeJS.Timeout | undefined;
  private started: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  /** When the stored configuration was last read (ms), for status and tests. */
  lastRefreshMs: number | undefined;

  constructor(
    private readonly store: Pick<ConfigurationStore, 'read'>,
    initial: StoredConfiguration,
    private readonly opts: ConfigurationCacheOptions,
  ) {
    this.stored = initial;
    this.value = effectiveConfiguration(initial);
  }

  /** The configuration to serve with: a field read, no I/O. */
  get current(): EffectiveConfiguration {
    return this.value;
  }

  get storedConfiguration(): StoredConfiguration {
    return this.stored;
  }

  /** The first read (later calls return the same promise); then the background refresh runs. */
  start(): Promise<void> {
    this.started ??= this.refresh().then(() => this.schedule());
    return this.started;
  }

  /** Reads the stored configuration now. */
  async refresh(): Promise<void> {
    try {
      const { configuration } = await this.store.read();
      this.set(configuration);
      this.lastRefreshMs = Date.now();
      if (this.failures > 0) this.opts.log?.(`configuration: read again after ${this.failures} failed attempts`);
      this.failures = 0;
    } catch (error) {
      if (this.failures++ % 10 === 0) this.opts.log?.(`configuration: could not be read (${(error as Error).message}); serving the last one`);
    }
  }

  /** Applies a configuration this instance just stored. */
  set(configuration: StoredConfiguration): void {
    this.stored = configuration;
    this.value = effectiveConfiguration(configuration);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), this.opts.refreshMs);
    this.timer.unref?.();
  }
}
