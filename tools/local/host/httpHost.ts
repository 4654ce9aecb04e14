import http from 'node:http';
import crypto from 'node:crypto';
import { AddressInfo } from 'node:net';
import { HttpRequest, HttpRequestInit } from '@azure/functions';
import { BufferedNativeRequest } from './bufferedRequest';
import { responsePayload } from './responsePayload';
import { FunctionRegistration } from './functionsCoreShim';
import { invokeFunction } from './invokeFunction';
import { compileRoute, CompiledRoute } from './routeTemplate';
import { requestUrl, BadRequestTarget } from './requestTarget';
import { HostKeys, isAuthorized } from './hostKeys';
import { HostLogger } from './hostLogger';
import { ClientRateLimiter, rateKeys, type RateLimitOptions } from './rateLimiter';

interface HttpFunction {
  registration: FunctionRegistration;
  route: CompiledRoute;
  methods: string[];
  authLevel: string;
}

export interface HttpHostOptions {
  port: number;
  host?: string;
  routePrefix: string;
  maxRequestBodyBytes: number;
  keys: HostKeys;
  /** Allowed CORS origins: ['*'] for any, [] for none. */
  corsOrigins: string[];
  corsCredentials?: boolean;
  /** Per-client token buckets on the anonymous routes (429 with Retry-After); absent: no limit. */
  rateLimit?: RateLimitOptions;
  logger: HostLogger;
}

export interface HttpHost {
  port: number;
  url: string;
  functions: { name: string; methods: string[]; route: string; authLevel: string }[];
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function send(res: http.ServerResponse, status: number, body: string | Buffer = '', headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end(body);
}

function sendJsonError(res: http.ServerResponse, status: number, error: string, extra: Record<string, string> = {}): void {
  send(res, status, JSON.stringify({ error }), { 'content-type': 'application/json; charset=utf-8', ...extra });
}

/** Serves the app's HTTP triggers with the host's routing, auth levels, route prefix and CORS. */
export async function startHttpHost(registrations: FunctionRegistration[], opts: HttpHostOptions): Promise<HttpHost> {
  const prefix = opts.routePrefix ? `/${opts.routePrefix}` : '';
  const functions: HttpFunction[] = registrations
    .filter((r) => r.trigger.type.toLowerCase() === 'httptrigger')
    .map((registration) => {
      const trigger = registration.trigger;
      const template = typeof trigger.route === 'string' && trigger.route !== '' ? trigger.route : registration.name;
      const methods = (Array.isArray(trigger.methods) ? (trigger.methods as string[]) : ['GET', 'POST']).map((m) => m.toUpperCase());
      return { registration, route: compileRoute(template), methods, authLevel: String(trigger.authLevel ?? 'function') };
    });

  const corsHeaders = (origin: string | undefined): Record<string, string> => {
    if (!origin) return {};
    const any = opts.corsOrigins.includes('*');
    if (!any && !opts.corsOrigins.includes(origin)) return {};
    // Retry-After is not a CORS-safelisted response header: without exposing it a page on another
    // origin could not see how long a 429 or 503 asks it to wait.
    const headers: Record<string, string> = { 'access-control-allow-origin': any && !opts.corsCredentials ? '*' : origin, 'access-control-expose-headers': 'Retry-After', vary: 'Origin' };
    if (opts.corsCredentials) headers['access-control-allow-credentials'] = 'true';
    return headers;
  };

  const limiter = opts.rateLimit ? new ClientRateLimiter(opts.rateLimit) : undefined;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const cors = corsHeaders(origin);
    let url: URL;
    try {
      url = requestUrl(req.url ?? '/', req.headers.host);
    } catch (error) {
      if (error instanceof BadRequestTarget) return sendJsonError(res, 400, error.message, cors);
      throw error;
    }
    if (method === 'OPTIONS' && origin && req.headers['access-control-request-method']) {
      if (!cors['access-control-allow-origin']) return send(res, 403);
      return send(res, 204, '', {
        ...cors,
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type'),
        'access-control-max-age': '600',
      });
    }
    if (!url.pathname.toLowerCase().startsWith(prefix.toLowerCase())) return sendJsonError(res, 404, 'no function matches this route', cors);
    const path = url.pathname.slice(prefix.length);
    let matched: { fn: HttpFunction; params: Record<string, string> } | undefined;
    for (const fn of functions) {
      const params = fn.route.match(path);
      if (params && fn.methods.includes(method)) {
        matched = { fn, params };
        break;
      }
    }
    if (!matched) return sendJsonError(res, 404, 'no function matches this route and method', cors);
    const { fn, params } = matched;
    const key = (req.headers['x-functions-key'] as string | undefined) ?? url.searchParams.get('code') ?? undefined;
    if (!isAuthorized(fn.authLevel, key, opts.keys)) return send(res, 401, '', cors);
    if (limiter && fn.authLevel.toLowerCase() === 'anonymous') {
      const decision = limiter.take(rateKeys(req.socket.remoteAddress, url.searchParams), Date.now());
      if (!decision.ok) {
        req.resume(); // the body is not wanted; let it drain so the connection stays usable
        return sendJsonError(res, 429, `too many requests from this client (at most ${opts.rateLimit!.perMinute} a minute, ${opts.rateLimit!.burst} at once): retry after ${decision.retryAfterSeconds} s`, { ...cors, 'retry-after': String(decision.retryAfterSeconds) });
      }
    }

    let body: Buffer;
    try {
      body = await readBody(req, opts.maxRequestBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendJsonError(res, 413, 'request body is too large', { ...cors, connection: 'close' });
      throw error;
    }
    const invocationId = crypto.randomUUID();
    const href = url.toString();
    const headers = headerRecord(req);
    // `nativeRequest` is the library's own (untyped) init for a ready-made fetch Request.
    const request = new HttpRequest({
      method,
      url: href,
      headers,
      query: Object.fromEntries(url.searchParams),
      params,
      nativeRequest: new BufferedNativeRequest(href, method, headers, method === 'GET' || method === 'HEAD' ? undefined : body),
    } as HttpRequestInit);
    let result: unknown;
    try {
      result = await invokeFunction(fn.registration, 'http', request, opts.logger, { invocationId, headers });
    } catch (error) {
      opts.logger.error(`Executed '${fn.registration.name}' (Failed, Id=${invocationId}): ${(error as Error)?.stack ?? error}`);
      return send(res, 500, '', cors);
    }
    const payload = await responsePayload(result);
    send(res, payload.status, payload.body, { ...cors, ...payload.headers });
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      opts.logger.error(`HTTP host error: ${(error as Error)?.stack ?? error}`);
      send(res, 500);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    functions: functions.map((f) => ({
      name: f.registration.name,
      methods: f.methods,
      route: `${prefix}/${f.route.template}`,
      authLevel: f.authLevel,
    })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
