// How the dashboard's JSON endpoints answer failures.
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../src/config/settings';
import { errorResponse } from '../../src/dashboard/jsonResponse';
import { ParameterError } from '../../src/dashboard/parameterError';

describe('errorResponse', () => {
  const run = (error: unknown) => {
    const logged: string[] = [];
    return { res: errorResponse(error, 'aggregates', (m) => logged.push(m)), logged };
  };

  it('answers 400 naming the parameter, without logging', () => {
    const { res, logged } = run(new ParameterError('window', 'must be one of 60, 1440'));
    expect(res.status).toBe(400);
    expect(res.jsonBody).toEqual({ error: 'window: must be one of 60, 1440', parameter: 'window' });
    expect(logged).toEqual([]);
  });

  it('answers 503 with Retry-After when the store throttles or is unreachable', () => {
    for (const error of [Object.assign(new Error('throttled'), { code: 429 }), Object.assign(new Error('down'), { statusCode: 503 }), Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]) {
      const { res, logged } = run(error);
      expect(res.status).toBe(503);
      expect(res.headers).toMatchObject({ 'retry-after': '5', 'cache-control': 'no-store' });
      expect(logged).toHaveLength(1);
    }
  });

  it('answers 503 when the store is not configured, without echoing settings', () => {
    const { res } = run(new SettingsError('Set CosmosDB__accountEndpoint (Azure) or CosmosDB (local stand-in)'));
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.jsonBody)).not.toContain('CosmosDB__');
  });

  it('answers 500 for anything else and logs it', () => {
    const { res, logged } = run(new TypeError('boom'));
    expect(res.status).toBe(500);
    expect(res.jsonBody).toEqual({ error: 'aggregates: failed' });
    expect(logged[0]).toContain('boom');
  });
});
