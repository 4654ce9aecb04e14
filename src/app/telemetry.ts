// Starts Azure Monitor OpenTelemetry when APPLICATIONINSIGHTS_CONNECTION_STRING is set.
// App Insights has local auth disabled, so telemetry is sent with an Entra token: the identity
// comes from APPLICATIONINSIGHTS_AUTHENTICATION_STRING ("Authorization=AAD;ClientId=<guid>").
import type { TokenCredential } from '@azure/core-auth';
import type { Env } from '../config/settings';
import { setOpenTelemetryLogging } from '../common/structuredLog';

export class TelemetrySettingError extends Error {}

export interface TelemetryAuth {
  clientId: string | undefined;
}

export interface TelemetryDeps {
  useAzureMonitor(options: { azureMonitorExporterOptions: { connectionString: string; credential?: TokenCredential } }): void;
  managedIdentityCredential(clientId: string | undefined): TokenCredential;
  instrumentFunctions(): void;
}

export type TelemetryStatus = { started: false; reason: string } | { started: true; aad: boolean; clientId?: string };

/** Parses `Authorization=AAD;ClientId=...` (order and case of keys do not matter). */
export function parseAuthenticationString(raw: string | undefined): TelemetryAuth | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const pairs = new Map<string, string>();
  for (const part of raw.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new TelemetrySettingError(`APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "${part}" is not key=value`);
    pairs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (pairs.get('authorization')?.toUpperCase() !== 'AAD') {
    throw new TelemetrySettingError('APPLICATIONINSIGHTS_AUTHENTICATION_STRING must contain Authorization=AAD');
  }
  const clientId = pairs.get('clientid') || undefined;
  if (clientId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) {
    throw new TelemetrySettingError(`APPLICATIONINSIGHTS_AUTHENTICATION_STRING: ClientId "${clientId}" is not a GUID`);
  }
  return { clientId };
}

function defaultDeps(): TelemetryDeps {
  // Loaded only when telemetry is on, so local runs and tests do not pay for OpenTelemetry.
  const monitor = require('@azure/monitor-opentelemetry') as typeof import('@azure/monitor-opentelemetry');
  const identity = require('@azure/identity') as typeof import('@azure/identity');
  return {
    useAzureMonitor: (options) => monitor.useAzureMonitor(options),
    instrumentFunctions: () => {
      const { AzureFunctionsInstrumentation } = require('@azure/functions-opentelemetry-instrumentation') as typeof import('@azure/functions-opentelemetry-instrumentation');
      // Enabled on construction; it uses the global providers useAzureMonitor registered.
      new AzureFunctionsInstrumentation();
    },
    managedIdentityCredential: (clientId) =>
      clientId ? new identity.ManagedIdentityCredential({ clientId }) : new identity.ManagedIdentityCredential(),
  };
}

let status: TelemetryStatus | undefined;

/** No-op without APPLICATIONINSIGHTS_CONNECTION_STRING; starts once per process otherwise. */
export function startTelemetry(env: Env = process.env, deps?: TelemetryDeps): TelemetryStatus {
  if (status?.started) return status;
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (!connectionString) return { started: false, reason: 'APPLICATIONINSIGHTS_CONNECTION_STRING is not set' };
  const auth = parseAuthenticationString(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
  const use = deps ?? defaultDeps();
  const credential = auth ? use.managedIdentityCredential(auth.clientId) : undefined;
  use.useAzureMonitor({ azureMonitorExporterOptions: { connectionString, ...(credential ? { credential } : {}) } });
  // The Functions instrumentation (as the Functions OpenTelemetry samples register it): tells the
  // host the worker sends its own telemetry (capability WorkerOpenTelemetryEnabled), continues the
  // host's trace context in each invocation, and forwards context.log. It patches @azure/functions
  // when that is first loaded, so this runs before (functions/setup.ts).
  use.instrumentFunctions();
  setOpenTelemetryLogging(true);
  status = auth ? { started: true, aad: true, clientId: auth.clientId } : { started: true, aad: false };
  return status;
}

/** For tests: forget that telemetry was started. */
export function resetTelemetryForTests(): void {
  status = undefined;
  setOpenTelemetryLogging(false);
}
