import fs from 'node:fs';
import path from 'node:path';
import { PartitionLog } from './storage/partitionLog';
import { partitionIndexForKey } from '../../../src/events/partitionKeyHash';

export interface HubConfig {
  name: string;
  partitionCount: number;
  consumerGroups?: string[];
  retentionHours?: number;
}

export interface StorageOptions {
  segmentMaxBytes?: number;
  segmentMaxAgeMs?: number;
  fsync?: boolean;
  now?: () => number;
}

export const DEFAULT_CONSUMER_GROUP = '$Default';
export const DEFAULT_RETENTION_HOURS = 24;
const HUB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;
const CONSUMER_GROUP_NAME = /^[A-Za-z0-9$][A-Za-z0-9._$-]{0,49}$/;

export class HubConfigError extends Error {}

/** Checks a hub list, throwing an error that names the offending field. */
export function validateHubConfigs(hubs: unknown): HubConfig[] {
  if (!Array.isArray(hubs) || hubs.length === 0) throw new HubConfigError('hubs must be a non-empty array');
  const seen = new Set<string>();
  return hubs.map((raw, i) => {
    const field = `hubs[${i}]`;
    if (!raw || typeof raw !== 'object') throw new HubConfigError(`${field} must be an object`);
    const h = raw as Record<string, unknown>;
    if (typeof h.name !== 'string' || !HUB_NAME.test(h.name)) {
      throw new HubConfigError(`${field}.name must be 1-256 letters, digits, '.', '-' or '_' starting with a letter or digit, got ${JSON.stringify(h.name)}`);
    }
    if (seen.has(h.name.toLowerCase())) throw new HubConfigError(`${field}.name "${h.name}" is configured twice`);
    seen.add(h.name.toLowerCase());
    if (!Number.isInteger(h.partitionCount) || (h.partitionCount as number) < 1 || (h.partitionCount as number) > 1024) {
      throw new HubConfigError(`${field}.partitionCount must be an integer from 1 to 1024, got ${JSON.stringify(h.partitionCount)}`);
    }
    if (h.consumerGroups !== undefined) {
      if (!Array.isArray(h.consumerGroups)) throw new HubConfigError(`${field}.consumerGroups must be an array of names`);
      h.consumerGroups.forEach((cg, j) => {
        if (typeof cg !== 'string' || !CONSUMER_GROUP_NAME.test(cg)) {
          throw new HubConfigError(`${field}.consumerGroups[${j}] is not a valid consumer group name: ${JSON.stringify(cg)}`);
        }
      });
    }
    if (h.retentionHours !== undefined && (typeof h.retentionHours !== 'number' || !(h.retentionHours > 0))) {
      throw new HubConfigError(`${field}.retentionHours must be a positive number, got ${JSON.stringify(h.retentionHours)}`);
    }
    return {
      name: h.name,
      partitionCount: h.partitionCount as number,
      consumerGroups: h.consumerGroups as string[] | undefined,
      retentionHours: h.retentionHours as number | undefined,
    };
  });
}

/** One Event Hub: its partitions' logs and its consumer groups. */
export class Hub {
  readonly partitionIds: string[];
  private readonly consumerGroups: Set<string>;
  private roundRobin = 0;

  constructor(
    readonly name: string,
    readonly createdAtMs: number,
    readonly logs: PartitionLog[],
    consumerGroups: string[],
  ) {
    this.partitionIds = logs.map((_, i) => String(i));
    this.consumerGroups = new Set([DEFAULT_CONSUMER_GROUP, ...consumerGroups].map((cg) => cg.toLowerCase()));
  }

  /** Consumer group names are case-insensitive, as in the service. */
  hasConsumerGroup(name: string): boolean {
    return this.consumerGroups.has(name.toLowerCase());
  }

  partition(id: string): PartitionLog | undefined {
    return /^(0|[1-9]\d*)$/.test(id) ? this.logs[Number(id)] : undefined;
  }

  /** The partition for a send to the hub itself: by key hash, else round robin. */
  pickPartition(partitionKey: string | undefined): number {
    if (partitionKey !== undefined) return partitionIndexForKey(partitionKey, this.logs.length);
    this.roundRobin = (this.roundRobin + 1) % this.logs.length;
    return this.roundRobin;
  }
}

/** All hubs of the emulator, with their logs under `<dataDir>/<hub>/<partition>/`. */
export class HubRegistry {
  private readonly hubs = new Map<string, Hub>();

  constructor(dataDir: string, configs: HubConfig[], storage: StorageOptions = {}) {
    const now = storage.now ?? Date.now;
    for (const config of configs) {
      const hubDir = path.join(dataDir, config.name.toLowerCase());
      const retentionMs = (config.retentionHours ?? DEFAULT_RETENTION_HOURS) * 3_600_000;
      fs.mkdirSync(hubDir, { recursive: true });
      const logs: PartitionLog[] = [];
      for (let p = 0; p < config.partitionCount; p++) {
        logs.push(PartitionLog.open({ dir: path.join(hubDir, String(p)), retentionMs, ...storage }));
      }
      this.hubs.set(config.name.toLowerCase(), new Hub(config.name, readCreatedAt(hubDir, now), logs, config.consumerGroups ?? []));
    }
  }

  /** Hub names are case-insensitive, as in the service. */
  get(name: string): Hub | undefined {
    return this.hubs.get(name.toLowerCase());
  }

  all(): Hub[] {
    return [...this.hubs.values()];
  }

  applyRetention(): number {
    let deleted = 0;
    for (const hub of this.hubs.values()) for (const log of hub.logs) deleted += log.applyRetention();
    return deleted;
  }

  close(): void {
    for (const hub of this.hubs.values()) for (const log of hub.logs) log.close();
  }
}

/** The hub's creation time is kept in `hub.json` so it is stable across restarts. */
function readCreatedAt(hubDir: string, now: () => number): number {
  const file = path.join(hubDir, 'hub.json');
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { createdAt?: unknown };
    if (typeof parsed.createdAt === 'number') return parsed.createdAt;
  } catch {
    /* first start, or an unreadable file: write a new one */
  }
  const createdAt = now();
  fs.writeFileSync(file, JSON.stringify({ createdAt }));
  return createdAt;
}
