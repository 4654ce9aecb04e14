import type rhea from 'rhea';
import type { HubRegistry } from '../hubRegistry';
import { argumentError, notImplemented } from './amqpErrors';
import { resolveEntity } from './entityAddress';
import type { NodeReply } from './requestResponse';

/**
 * `$cbs` put-token: any token is accepted, but (like the service) a token for an entity that
 * does not exist is refused with 404, which the SDK reports as MessagingEntityNotFoundError.
 */
export function handleCbsRequest(registry: HubRegistry, request: rhea.Message): NodeReply {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  if (props.operation !== 'put-token') return { error: notImplemented(`unsupported $cbs operation ${String(props.operation)}`) };
  if (typeof props.name !== 'string' || props.name === '') return { error: argumentError('put-token needs the audience in application property "name"') };
  const resolved = resolveEntity(registry, props.name);
  if ('error' in resolved) return { error: resolved.error };
  return { body: undefined };
}
