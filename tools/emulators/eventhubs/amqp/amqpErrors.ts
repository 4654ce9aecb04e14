/** AMQP error conditions the Event Hubs SDK translates into its typed errors. */
export interface AmqpErrorInfo {
  condition: string;
  description: string;
}

/** SDK: MessagingEntityNotFoundError (it looks for this wording), not retried. */
export function entityNotFound(entity: string): AmqpErrorInfo {
  return { condition: 'amqp:not-found', description: `The messaging entity '${entity}' could not be found. status-code: 404` };
}

/** SDK: ArgumentError, not retried. */
export function argumentError(description: string): AmqpErrorInfo {
  return { condition: 'com.microsoft:argument-error', description };
}

/** SDK: ReceiverDisconnectedError; the event processor treats it as ownership lost. */
export function linkStolen(description: string): AmqpErrorInfo {
  return { condition: 'amqp:link:stolen', description };
}

/** SDK: QuotaExceededError. */
export function quotaExceeded(description: string): AmqpErrorInfo {
  return { condition: 'amqp:resource-limit-exceeded', description };
}

/** SDK: MessageTooLargeError. */
export function messageTooLarge(description: string): AmqpErrorInfo {
  return { condition: 'amqp:link:message-size-exceeded', description };
}

/** SDK: InternalServerError, retried. */
export function internalError(description: string): AmqpErrorInfo {
  return { condition: 'amqp:internal-error', description };
}

/** SDK: NotImplementedError. */
export function notImplemented(description: string): AmqpErrorInfo {
  return { condition: 'amqp:not-implemented', description };
}

/** Status codes for request/response nodes ($cbs, $management), from the condition. */
export function statusCodeFor(error: AmqpErrorInfo): number {
  switch (error.condition) {
    case 'amqp:not-found':
      return 404;
    case 'com.microsoft:argument-error':
      return 400;
    case 'amqp:not-implemented':
      return 501;
    case 'amqp:unauthorized-access':
      return 401;
    default:
      return 500;
  }
}
