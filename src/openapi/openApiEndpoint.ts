// GET /api/openapi.json (anonymous: it describes the routes, no data).
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { openApiDocument, type DocumentOptions } from './openApiDocument';

let cached: { key: string; text: string } | undefined;

export function handleOpenApi(request: HttpRequest, options: DocumentOptions): HttpResponseInit {
  const origin = new URL(request.url).origin;
  const key = `${origin} ${options.maxEventsPerRequest}`;
  if (cached?.key !== key) cached = { key, text: JSON.stringify(openApiDocument({ ...options, serverUrl: origin })) };
  return { status: 200, body: cached.text, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' } };
}
