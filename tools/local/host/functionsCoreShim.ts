import Module from 'node:module';

/** Binding metadata as @azure/functions hands it to the host (see its toCoreFunctionMetadata). */
export interface BindingInfo {
  type: string;
  direction: 'in' | 'out';
  name: string;
  [key: string]: unknown;
}

export interface RpcDuration {
  seconds?: number;
}

export interface RetryOptionsMetadata {
  retryStrategy?: 'fixedDelay' | 'exponentialBackoff';
  maxRetryCount?: number;
  delayInterval?: RpcDuration;
  minimumInterval?: RpcDuration;
  maximumInterval?: RpcDuration;
}

export interface FunctionRegistration {
  name: string;
  bindings: Record<string, BindingInfo>;
  retryOptions?: RetryOptionsMetadata;
  handler: (...args: unknown[]) => unknown;
  trigger: BindingInfo;
}

type ModuleWithLoad = typeof Module & { _load(request: string, parent: unknown, isMain: boolean): unknown };

/**
 * `@azure/functions` looks for the host's `@azure/functions-core` module and falls back to a
 * test mode that drops registrations. The local host answers that lookup with this stand-in,
 * so the app's unmodified `app.http` / `app.eventHub` / `app.timer` calls register with us.
 */
let installed:
  | { registrations: FunctionRegistration[]; hooks: Map<string, Set<HookCallback>>; setLog(log: (level: string, message: string) => void): void }
  | undefined;

/** A hook as the library registers it: it wraps the app's handler and takes the host's context. */
type HookCallback = (coreContext: { hookData: Record<string, unknown> }) => unknown;

/**
 * Installs the stand-in once per process. Node caches the app's modules, so their
 * registrations happen once too: a second local host in the same process (a restart) gets the
 * same registrations back.
 */
export function installFunctionsCoreShim(log: (level: string, message: string) => void): FunctionRegistration[] {
  if (installed) {
    installed.setLog(log);
    return installed.registrations;
  }
  const registrations: FunctionRegistration[] = [];
  const hooks = new Map<string, Set<HookCallback>>();
  let currentLog = log;
  const core = {
    version: '4.0.0-local',
    setProgrammingModel(): void {},
    getProgrammingModel(): undefined {
      return undefined;
    },
    registerFunction(
      metadata: { name: string; bindings: Record<string, BindingInfo>; retryOptions?: RetryOptionsMetadata },
      handler: (...args: unknown[]) => unknown,
    ) {
      const trigger = Object.values(metadata.bindings).find((b) => /trigger$/i.test(b.type));
      if (!trigger) throw new Error(`Function ${metadata.name} has no trigger binding`);
      if (registrations.some((r) => r.name.toLowerCase() === metadata.name.toLowerCase())) {
        throw new Error(`A function named "${metadata.name}" is already registered`);
      }
      registrations.push({ ...metadata, handler, trigger });
      return { dispose() {} };
    },
    registerHook(hookName: string, callback: HookCallback) {
      let named = hooks.get(hookName);
      if (!named) hooks.set(hookName, (named = new Set()));
      named.add(callback);
      return { dispose: () => void named.delete(callback) };
    },
    log(level: string, _category: string, message: string): void {
      currentLog(level, message);
    },
  };
  const mod = Module as ModuleWithLoad;
  const originalLoad = mod._load;
  mod._load = function load(request: string, parent: unknown, isMain: boolean) {
    if (request === '@azure/functions-core') return core;
    return originalLoad.call(this, request, parent, isMain);
  };
  installed = { registrations, hooks, setLog: (next) => (currentLog = next) };
  return registrations;
}

/**
 * Runs the app's `appTerminate` hooks, in registration order, as the host does when it stops
 * the app (shutdown, restart after a settings change). A failing hook is reported and the
 * others still run, so one broken hook cannot keep the rest from closing.
 */
export async function runAppTerminateHooks(onError: (error: unknown) => void): Promise<void> {
  for (const hook of installed?.hooks.get('appTerminate') ?? []) {
    try {
      await hook({ hookData: {} });
    } catch (error) {
      onError(error);
    }
  }
}

/**
 * Runs the app's `preInvocation` hooks as the Node worker does before each invocation (the
 * Functions OpenTelemetry instrumentation uses one to continue `context.traceContext`): each
 * hook may replace the handler and the inputs; the result is what the host then calls.
 */
export async function runPreInvocationHooks(
  invocationContext: unknown, inputs: unknown[], handler: (...args: unknown[]) => unknown,
): Promise<{ inputs: unknown[]; handler: (...args: unknown[]) => unknown }> {
  const core: { hookData: Record<string, unknown>; invocationContext: unknown; inputs: unknown[]; functionCallback: (...args: unknown[]) => unknown } = {
    hookData: {}, invocationContext, inputs, functionCallback: handler,
  };
  for (const hook of installed?.hooks.get('preInvocation') ?? []) await hook(core);
  return { inputs: core.inputs, handler: core.functionCallback };
}
