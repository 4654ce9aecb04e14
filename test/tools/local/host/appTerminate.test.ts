// The host stand-in honours the library's appTerminate hook, and the app uses it to close its
// one services object: after the hooks run, the next appServices() builds a new one.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installFunctionsCoreShim, runAppTerminateHooks } from '../../../../tools/local/host/functionsCoreShim';

describe('appTerminate hooks', () => {
  it('runs every registered hook once per call, with a hook context, and survives a failing one', async () => {
    installFunctionsCoreShim(() => {});
    // Loaded after the shim, so the library finds our core module instead of its test mode.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { app } = require('@azure/functions') as typeof import('@azure/functions');
    const calls: string[] = [];
    const first = app.hook.appTerminate((context) => {
      calls.push(`first:${typeof context.hookData}`);
    });
    const broken = app.hook.appTerminate(() => {
      throw new Error('broken hook');
    });
    const third = app.hook.appTerminate(async () => {
      calls.push('third');
    });
    const errors: unknown[] = [];
    await runAppTerminateHooks((e) => errors.push(e));
    expect(calls).toEqual(['first:object', 'third']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['broken hook']);

    first.dispose();
    calls.length = 0;
    await runAppTerminateHooks(() => {});
    expect(calls).toEqual(['third']);
    broken.dispose();
    third.dispose();
  });

  it("closes the app's services object through functions/setup.ts", async () => {
    installFunctionsCoreShim(() => {});
    // The compiled app, as the host loads it (npm test builds first); its services object is the
    // one the sources below see too (kept on globalThis).
    require(path.resolve(__dirname, '../../../../dist/functions/setup.js'));
    const { appServices } = await import('../../../../src/app/appServices');
    const before = appServices();
    expect(appServices()).toBe(before);
    await runAppTerminateHooks((e) => {
      throw e;
    });
    const after = appServices();
    expect(after).not.toBe(before);
    expect(after.clients).not.toBe(before.clients);
  });
});
