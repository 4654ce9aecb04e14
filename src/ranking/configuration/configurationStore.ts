// The service configuration and learning settings, stored durably in the Cosmos DB container of
// the Personalizer API (setting PersonalizerContainer, partition key /id) as one document, so the
// epsilon both halves carry is changed under one ETag. Every instance reads it through its
// ConfigurationCache; the learner reads it with read().
import type { Container } from '@azure/cosmos';
import { defaultConfiguration, effectiveConfiguration, type LearningMode, type StoredConfiguration } from './serviceConfiguration';

export const CONFIGURATION_ID = 'configuration';
/** Written by the learner while in Apprentice mode: how the learner compares with the baseline. */
export const APPRENTICE_METRICS_ID = 'apprenticeMetrics';

export interface ConfigurationDocument extends StoredConfiguration {
  id: typeof CONFIGURATION_ID;
  updatedAt: string;
}

export interface Versioned {
  configuration: StoredConfiguration;
  /** Absent while nothing was stored (the defaults apply). */
  etag?: string;
  updatedAt?: string;
}

const statusOf = (e: unknown) => (e as { code?: unknown } | null)?.code ?? (e as { statusCode?: unknown } | null)?.statusCode;

export class ConfigurationConflictError extends Error {}

export class ConfigurationStore {
  constructor(
    private readonly container: () => Promise<Container>,
    private readonly defaults: () => StoredConfiguration,
  ) {}

  async read(): Promise<Versioned> {
    const c = await this.container();
    const { resource, etag } = await c.item(CONFIGURATION_ID, CONFIGURATION_ID).read<ConfigurationDocument>();
    if (!resource) return { configuration: this.defaults() };
    return { configuration: { service: resource.service, policy: resource.policy }, etag: resource._etag ?? etag, updatedAt: resource.updatedAt };
  }

  /**
   * Reads, lets `change` compute the new configuration (or refuse with a value of its own, which
   * is returned), and writes it with If-Match on the read ETag; retried when another writer won.
   */
  async update<R>(change: (current: StoredConfiguration) => { next: StoredConfiguration; result: R } | { refused: R }, now = new Date()): Promise<R> {
    const c = await this.container();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.read();
      const outcome = change(current.configuration);
      if ('refused' in outcome) return outcome.refused;
      const document: ConfigurationDocument = { id: CONFIGURATION_ID, ...outcome.next, updatedAt: now.toISOString() };
      try {
        if (current.etag === undefined) await c.items.create(document);
        else await c.item(CONFIGURATION_ID, CONFIGURATION_ID).replace(document, { accessCondition: { type: 'IfMatch', condition: current.etag } });
        return outcome.result;
      } catch (error) {
        // 409: created meanwhile; 412: replaced meanwhile. Read again and re-apply the change.
        if (statusOf(error) !== 409 && statusOf(error) !== 412) throw error;
      }
    }
    throw new ConfigurationConflictError('the configuration kept changing under this update; try again');
  }

  /**
   * What continuous learning reads at each tick: the model update frequency (modelExportFrequency)
   * and the learning mode. Until the configuration is first stored, `defaultUpdateSeconds` (the
   * ModelUpdateFrequency app setting) and Online.
   */
  async learningConfig(
    defaultUpdateSeconds: number,
  ): Promise<{ modelUpdateFrequencySeconds: number; learningMode: LearningMode; autoOnline?: { margin: number; minEvents: number } }> {
    const read = await this.read();
    if (read.etag === undefined) return { modelUpdateFrequencySeconds: defaultUpdateSeconds, learningMode: 'Online' };
    const e = effectiveConfiguration(read.configuration);
    return { modelUpdateFrequencySeconds: e.modelExportSeconds, learningMode: e.learningMode, ...(e.policy.autoOnline ? { autoOnline: e.policy.autoOnline } : {}) };
  }

  /** The learner's automatic switch (learning settings --auto_online_margin): Apprentice → Online; false when the mode is no longer Apprentice. */
  async switchApprenticeToOnline(now = new Date()): Promise<boolean> {
    return this.update<boolean>(
      (current) =>
        current.service.learningMode !== 'Apprentice'
          ? { refused: false }
          : { next: { ...current, service: { ...current.service, learningMode: 'Online', lastConfigurationEditDate: now.toISOString() } }, result: true },
      now,
    );
  }

  /** The learner's latest apprentice-mode comparison (undefined until it wrote one). */
  async apprenticeMetrics(): Promise<Record<string, unknown> | undefined> {
    const c = await this.container();
    const { resource } = await c.item(APPRENTICE_METRICS_ID, APPRENTICE_METRICS_ID).read<Record<string, unknown> & { metrics?: Record<string, unknown> }>();
    return resource?.metrics;
  }

  async writeApprenticeMetrics(metrics: Record<string, unknown>, now = new Date()): Promise<void> {
    const c = await this.container();
    await c.items.upsert({ id: APPRENTICE_METRICS_ID, metrics, updatedAt: now.toISOString() });
  }
}

export { defaultConfiguration };
