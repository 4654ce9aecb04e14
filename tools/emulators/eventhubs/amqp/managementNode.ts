import rhea from 'rhea';
import type { HubRegistry } from '../hubRegistry';
import { argumentError, entityNotFound, notImplemented } from './amqpErrors';
import type { NodeReply } from './requestResponse';

const { types } = rhea;

/** `$management` READ of `com.microsoft:eventhub` and `com.microsoft:partition`. */
export function handleManagementRequest(registry: HubRegistry, endpoint: string, request: rhea.Message): NodeReply {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  if (props.operation !== 'READ') return { error: notImplemented(`unsupported $management operation ${String(props.operation)}`) };
  if (typeof props.name !== 'string' || props.name === '') return { error: argumentError('application property "name" (the Event Hub) is required') };
  const hub = registry.get(props.name);
  if (!hub) return { error: entityNotFound(`${endpoint}${props.name}`) };

  if (props.type === 'com.microsoft:eventhub') {
    return {
      body: {
        name: hub.name,
        type: 'com.microsoft:eventhub',
        created_at: types.wrap_timestamp(hub.createdAtMs),
        partition_count: types.wrap_int(hub.partitionIds.length),
        partition_ids: hub.partitionIds,
      },
    };
  }
  if (props.type === 'com.microsoft:partition') {
    const partitionId = props.partition === undefined ? undefined : String(props.partition);
    if (partitionId === undefined) return { error: argumentError('application property "partition" is required') };
    const log = hub.partition(partitionId);
    if (!log) return { error: entityNotFound(`${endpoint}${hub.name}/Partitions/${partitionId}`) };
    const last = log.lastEnqueued;
    return {
      body: {
        name: hub.name,
        type: 'com.microsoft:partition',
        partition: partitionId,
        begin_sequence_number: types.wrap_long(log.isEmpty ? log.nextSequenceNumber : log.firstSequenceNumber),
        last_enqueued_sequence_number: types.wrap_long(last.sequenceNumber),
        last_enqueued_offset: last.offset,
        last_enqueued_time_utc: types.wrap_timestamp(last.enqueuedTimeMs),
        is_partition_empty: log.isEmpty,
      },
    };
  }
  return { error: argumentError(`unsupported $management type ${String(props.type)}`) };
}
