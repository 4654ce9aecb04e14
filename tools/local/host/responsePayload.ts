import { HttpResponse, HttpResponseInit } from '@azure/functions';

export interface ResponsePayload {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

// Headers normalises values this way.
const HTTP_WHITESPACE_ENDS = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * What a handler returned, as status, headers and bytes. A plain `{ status, headers, jsonBody }`
 * (what most handlers return) is written directly, as HttpResponse would write it (JSON text,
 * `content-type: application/json` unless set, no body for 204/304); anything else goes through
 * HttpResponse, whose undici Response costs ~50 µs a request.
 */
export async function responsePayload(result: unknown): Promise<ResponsePayload> {
  if (result === undefined || result === null) return responsePayload({});
  if (isPlainObject(result) && result.body === undefined && result.cookies === undefined && (result.headers === undefined || isPlainObject(result.headers))) {
    const init = result as HttpResponseInit & { headers?: Record<string, unknown> };
    const status = init.status ?? 200;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.headers ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value.replace(HTTP_WHITESPACE_ENDS, '');
    if (Object.keys(headers).length === Object.keys(init.headers ?? {}).length) {
      if (init.jsonBody === undefined || init.jsonBody === null || NULL_BODY_STATUSES.has(status)) return { status, headers, body: Buffer.alloc(0) };
      headers['content-type'] ??= 'application/json';
      return { status, headers, body: Buffer.from(JSON.stringify(init.jsonBody), 'utf8') };
    }
  }
  const response = result instanceof HttpResponse ? result : new HttpResponse(result as HttpResponseInit);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status ?? 200, headers, body: Buffer.from(await response.arrayBuffer()) };
}
