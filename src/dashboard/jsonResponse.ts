import type { HttpResponseInit } from '@azure/functions';
import { SettingsError } from '../config/settings';
import { isTransient } from './cosmosStatus';
import { ParameterError } from './parameterError';

/** Data answers are never cached: they change every few seconds and are not public. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers } };
}

/** 400 for bad parameters, 503 for a store that is missing or not answering, 500 otherwise (logged). */
export function errorResponse(error: unknown, what: string, log: (message: string) => void): HttpResponseInit {
  if (error instanceof ParameterError) return jsonResponse(400, { error: error.message, parameter: error.parameter });
  if (error instanceof SettingsError) {
    log(`${what}: ${error.message}`);
    return jsonResponse(503, { error: `${what}: the store is not configured` });
  }
  if (isTransient(error)) {
    log(`${what}: ${(error as Error).message?.split('\n')[0]}`);
    return jsonResponse(503, { error: `${what}: the store is busy or unavailable; try again` }, { 'retry-after': '5' });
  }
  log(`${what}: ${(error as Error)?.stack ?? String(error)}`);
  return jsonResponse(500, { error: `${what}: failed` });
}
