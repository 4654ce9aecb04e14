import { Hub, HubRegistry } from '../hubRegistry';
import type { PartitionLog } from '../storage/partitionLog';
import { AmqpErrorInfo, entityNotFound } from './amqpErrors';

/** What a link address or token audience names. */
export type EntityAddress =
  | { kind: 'cbs' }
  | { kind: 'management'; hubName?: string }
  | { kind: 'hub'; hubName: string }
  | { kind: 'partition'; hubName: string; partitionId: string }
  | { kind: 'consumer'; hubName: string; consumerGroup: string; partitionId: string };

/**
 * Parses `$cbs`, `$management`, `<hub>`, `<hub>/$management`, `<hub>/Partitions/<id>` and
 * `<hub>/ConsumerGroups/<cg>/Partitions/<id>`; audiences (`sb://host/…`) lose their scheme and host.
 */
export function parseEntityAddress(address: string): EntityAddress | undefined {
  const path = address.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*\/?/i, '').replace(/\/+$/, '');
  const parts = path.split('/');
  if (parts.some((p) => p === '')) return undefined;
  if (parts.length === 1) {
    if (parts[0].toLowerCase() === '$cbs') return { kind: 'cbs' };
    if (parts[0].toLowerCase() === '$management') return { kind: 'management' };
    return { kind: 'hub', hubName: parts[0] };
  }
  if (parts.length === 2 && parts[1].toLowerCase() === '$management') return { kind: 'management', hubName: parts[0] };
  if (parts.length === 3 && parts[1].toLowerCase() === 'partitions') {
    return { kind: 'partition', hubName: parts[0], partitionId: parts[2] };
  }
  if (parts.length === 5 && parts[1].toLowerCase() === 'consumergroups' && parts[3].toLowerCase() === 'partitions') {
    return { kind: 'consumer', hubName: parts[0], consumerGroup: parts[2], partitionId: parts[4] };
  }
  return undefined;
}

export interface ResolvedEntity {
  address: EntityAddress;
  hub?: Hub;
  log?: PartitionLog;
}

/** Checks that the hub, partition and consumer group an address names all exist. */
export function resolveEntity(registry: HubRegistry, address: string): ResolvedEntity | { error: AmqpErrorInfo } {
  const parsed = parseEntityAddress(address);
  if (!parsed) return { error: entityNotFound(address) };
  if (parsed.kind === 'cbs' || (parsed.kind === 'management' && parsed.hubName === undefined)) return { address: parsed };
  const hub = registry.get(parsed.hubName!);
  if (!hub) return { error: entityNotFound(address) };
  if (parsed.kind === 'management' || parsed.kind === 'hub') return { address: parsed, hub };
  if (parsed.kind === 'consumer' && !hub.hasConsumerGroup(parsed.consumerGroup)) return { error: entityNotFound(address) };
  const log = hub.partition(parsed.partitionId);
  if (!log) return { error: entityNotFound(address) };
  return { address: parsed, hub, log };
}
