import type { TokenCredential } from '@azure/core-auth';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  parseAuthenticationString,
  resetTelemetryForTests,
  startTelemetry,
  TelemetrySettingError,
  type TelemetryDeps,
} from '../../src/app/telemetry';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

function fakeDeps() {
  const calls: { options: Parameters<TelemetryDeps['useAzureMonitor']>[0][]; clientIds: (string | undefined)[]; instrumented: number } = { options: [], clientIds: [], instrumented: 0 };
  const credential: TokenCredential = { getToken: async () => null };
  const deps: TelemetryDeps = {
    useAzureMonitor: (options) => void calls.options.push(options),
    instrumentFunctions: () => void calls.instrumented++,
    managedIdentityCredential: (clientId) => {
      calls.clientIds.push(clientId);
      return credential;
    },
  };
  return { deps, calls, credential };
}

describe('startTelemetry', () => {
  beforeEach(() => resetTelemetryForTests());

  it('is a no-op without APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
    const { deps, calls } = fakeDeps();
    expect(startTelemetry({}, deps)).toEqual({ started: false, reason: 'APPLICATIONINSIGHTS_CONNECTION_STRING is not set' });
    expect(startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: '  ' }, deps).started).toBe(false);
    expect(calls.options).toEqual([]);
  });

  it('uses the managed identity named in APPLICATIONINSIGHTS_AUTHENTICATION_STRING, once', () => {
    const { deps, calls, credential } = fakeDeps();
    const env = {
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=abc;IngestionEndpoint=https://x/',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${CLIENT_ID};Authorization=AAD`,
    };
    expect(startTelemetry(env, deps)).toEqual({ started: true, aad: true, clientId: CLIENT_ID });
    expect(calls.clientIds).toEqual([CLIENT_ID]);
    expect(calls.options[0].azureMonitorExporterOptions.connectionString).toBe(env.APPLICATIONINSIGHTS_CONNECTION_STRING);
    expect(calls.options[0].azureMonitorExporterOptions.credential).toBe(credential);
    startTelemetry(env, deps);
    expect(calls.options).toHaveLength(1);
    expect(calls.instrumented).toBe(1);
  });

  it('starts without a credential when no authentication string is set', () => {
    const { deps, calls } = fakeDeps();
    expect(startTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=abc' }, deps)).toEqual({ started: true, aad: false });
    expect(calls.options[0].azureMonitorExporterOptions.credential).toBeUndefined();
  });

  it('rejects a malformed authentication string naming the setting', () => {
    expect(() => parseAuthenticationString('Authorization=Key')).toThrow(TelemetrySettingError);
    expect(() => parseAuthenticationString('Authorization=AAD;ClientId=nope')).toThrow(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING: ClientId "nope"/);
    expect(() => parseAuthenticationString('garbage')).toThrow(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING/);
    expect(parseAuthenticationString('authorization=aad')).toEqual({ clientId: undefined });
  });
});
