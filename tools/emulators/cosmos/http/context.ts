// What every handler gets: the parsed request and the emulator's shared state.
import type { IncomingHttpHeaders } from 'node:http';
import type { Account } from '../store/account';
import type { ContainerStore } from '../store/container';
import type { Journal } from '../store/journal';
import { CosmosError, badRequest } from './errors';

export interface Request {
  method: string;
  /** Decoded path segments, e.g. ["dbs", "app", "colls", "things", "docs", "a"]. */
  segments: string[];
  headers: IncomingHttpHeaders;
  body: Buffer;
  activityId: string;
  /** "http://host:port/" as the client addressed us. */
  endpoint: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  /** JSON text (already serialized) or an object to serialize. */
  body?: unknown;
}

export interface Emulator {
  account: Account;
  journal: Journal;
  /** Appends a record durably, then schedules a compaction when the journal grew too big. */
  record(record: unknown): void;
  log(line: string): void;
}

export function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function isTrue(req: Request, name: string): boolean {
  return header(req, name)?.toLowerCase() === 'true';
}

export function parseJsonBody(req: Request): unknown {
  if (req.body.length === 0) throw badRequest('The request payload is invalid: the body is empty.');
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (error) {
    throw badRequest(`The request payload is invalid JSON: ${(error as Error).message}`);
  }
}

export function parseObjectBody(req: Request): Record<string, unknown> {
  const body = parseJsonBody(req);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request payload is invalid: a JSON object was expected.');
  return body as Record<string, unknown>;
}

export function sessionToken(container: ContainerStore): string {
  return `0:-1#${container.lsn}`;
}

/** A resource id as the service accepts it. */
export function validateId(id: unknown, what = 'input name'): string {
  if (typeof id !== 'string' || id === '') {
    throw badRequest("The input content is invalid because the required properties - 'id; ' - are missing");
  }
  if (id.length > 255 || /[/\\?#]/.test(id)) {
    throw badRequest(`The ${what} '${id}' is invalid. Ensure to provide a unique non-empty string less than '255' characters.`);
  }
  return id;
}

export function etagMatches(given: string | undefined, etag: unknown): boolean {
  if (given === undefined) return true;
  return given === '*' || given === etag;
}

export { CosmosError };
