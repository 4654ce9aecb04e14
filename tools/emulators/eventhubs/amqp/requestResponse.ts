import rhea from 'rhea';
import { AmqpErrorInfo, statusCodeFor } from './amqpErrors';

/** A reply of a request/response node: a body on success, an error otherwise. */
export type NodeReply = { body: unknown } | { error: AmqpErrorInfo };

/**
 * Sends the reply to the requester's receive link on the same connection: the link named by
 * `reply_to` (the SDK uses it as the link name and, for $management, as the target address),
 * else any link attached to this node.
 */
export function sendReply(connection: rhea.Connection, node: string, request: rhea.Message, reply: NodeReply): void {
  const replyTo = request.reply_to;
  const links: rhea.Sender[] = [];
  connection.find_sender((s: rhea.Sender) => {
    if (s.is_open() && (s.source as { address?: string } | undefined)?.address === node) links.push(s);
    return false;
  });
  const target =
    links.find((s) => s.name === replyTo || (s.target as { address?: string } | undefined)?.address === replyTo) ?? links[0];
  if (!target) return; // the requester has no reply link: nothing to answer to
  const ok = 'body' in reply;
  target.send({
    correlation_id: request.message_id,
    to: replyTo,
    application_properties: {
      'status-code': ok ? 200 : statusCodeFor(reply.error),
      'status-description': ok ? 'OK' : reply.error.description,
      ...(ok ? {} : { 'error-condition': reply.error.condition }),
    },
    body: ok ? reply.body : undefined,
  });
}
