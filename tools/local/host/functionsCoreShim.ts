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
let installed: { registrations: FunctionRegistration[]; setLog(log: (level: string, message: string) => void): void } | undefined;

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
    registerHook() {
      return { dispose() {} };
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
  installed = { registrations, setLog: (next) => (currentLog = next) };
  return registrations;
}
