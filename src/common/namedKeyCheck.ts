// A named admin key checked by the handler itself (the catalog key, the campaign key): anonymous
// routes at the host, so no host key opens them; only a key of the capability's setting, from its
// own header or `Authorization: Bearer <key>`, compared in constant time. Never from the query
// string: URLs are logged.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ApiKeyCheck } from './apiKeyCheck';

export interface NamedKeySpec {
  setting: string;
  header: string;
  realm: string;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The key the request presents: the spec's header, else an Authorization bearer token. */
export function presentedKey(request: HttpRequest, header: string): string | undefined {
  const value = request.headers.get(header);
  if (value !== null && value !== '') return value;
  return BEARER.exec(request.headers.get('authorization') ?? '')?.[1];
}

export class NamedKeyCheck {
  private readonly check: ApiKeyCheck | undefined;
  private readonly problem: string | undefined;

  constructor(readonly spec: NamedKeySpec, keys: { keys: string[] } | { problem: string }) {
    if ('keys' in keys) this.check = new ApiKeyCheck(keys.keys);
    else this.problem = keys.problem;
  }

  /** Undefined when the request may pass; else the 401 (or 503 while no key is configured) to answer. */
  refuse(request: HttpRequest, log?: (message: string) => void): HttpResponseInit | undefined {
    const { setting, header, realm } = this.spec;
    const headers = { 'cache-control': 'no-store' };
    if (this.check === undefined) {
      log?.(`${realm}: ${this.problem}`);
      return { status: 503, jsonBody: { error: `The ${realm} routes are not configured (${setting})` }, headers: { ...headers, 'retry-after': '30' } };
    }
    if (this.check.accepts(presentedKey(request, header))) return undefined;
    return {
      status: 401,
      jsonBody: { error: `${header}: a ${realm} key (${setting}) is required, in ${header} or Authorization: Bearer`, field: header },
      headers: { ...headers, 'www-authenticate': `Bearer realm="${realm}"` },
    };
  }
}
