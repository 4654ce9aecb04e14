// One invocation as the host makes it, whatever the trigger: the host's span of it, the
// InvocationContext the library hands the handler, the app's preInvocation hooks, the handler.
import crypto from 'node:crypto';
import { InvocationContext, type InvocationContextInit } from '@azure/functions';
import { runPreInvocationHooks, type FunctionRegistration } from './functionsCoreShim';
import { startInvocationTrace } from './invocationTrace';
import { invocationLogHandler, type HostLogger } from './hostLogger';

export interface InvocationOptions {
  /** Default: a new one. */
  invocationId?: string;
  /** HTTP: the request's headers, whose traceparent the host's span continues. */
  headers?: Record<string, string>;
  triggerMetadata?: InvocationContextInit['triggerMetadata'];
  retryContext?: InvocationContextInit['retryContext'];
}

/**
 * Calls `registration`'s handler with `input`, ending the host's span with the outcome: resolves
 * with what the handler returned, rejects with what it threw (each host reports a failure its own way).
 */
export async function invokeFunction(
  registration: FunctionRegistration,
  kind: 'http' | 'eventHub' | 'timer',
  input: unknown,
  logger: HostLogger,
  opts: InvocationOptions = {},
): Promise<unknown> {
  const invocationId = opts.invocationId ?? crypto.randomUUID();
  const invocationTrace = startInvocationTrace(registration.name, kind, opts.headers);
  const context = new InvocationContext({
    invocationId,
    functionName: registration.name,
    traceContext: invocationTrace.traceContext,
    ...(opts.triggerMetadata !== undefined ? { triggerMetadata: opts.triggerMetadata } : {}),
    ...(opts.retryContext !== undefined ? { retryContext: opts.retryContext } : {}),
    logHandler: invocationLogHandler(logger, registration.name, invocationId),
    options: { trigger: { ...registration.trigger, type: `${kind}Trigger`, name: registration.trigger.name } },
  });
  try {
    const hooked = await runPreInvocationHooks(context, [input], registration.handler);
    const result = await hooked.handler(...hooked.inputs, context);
    invocationTrace.end();
    return result;
  } catch (error) {
    invocationTrace.end(error);
    throw error;
  }
}
