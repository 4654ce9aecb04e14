// The catalog routes' own key (issue 13: "admin or a named catalog key, never the master key").
// The routes are anonymous at the host, so no host key — master, admin or function key — opens
// them; the handler accepts only a key of CatalogApiKeys, from `x-catalog-key` or
// `Authorization: Bearer <key>`, compared in constant time. Operators with Cosmos DB access
// (`npm run products:import`) need no key at all.
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { ApiKeyCheck } from '../../common/apiKeyCheck';
import type { ProductSettings } from '../../config/productSettings';

export const CATALOG_KEY_HEADER = 'x-catalog-key';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The key the request presents: x-catalog-key, else an Authorization bearer token. */
export function presentedCatalogKey(request: HttpRequest): string | undefined {
  const header = request.headers.get(CATALOG_KEY_HEADER);
  if (header !== null && header !== '') return header;
  const match = BEARER.exec(request.headers.get('authorization') ?? '');
  return match?.[1];
}

export class CatalogKeyCheck {
  private readonly check: ApiKeyCheck | undefined;
  private readonly problem: string | undefined;

  constructor(setting: ProductSettings['catalogApiKeys']) {
    if ('keys' in setting) this.check = new ApiKeyCheck(setting.keys);
    else this.problem = setting.problem;
  }

  /** Undefined when the request may pass; else the 401 (or 503 while no key is configured) to answer. */
  refuse(request: HttpRequest, log?: (message: string) => void): HttpResponseInit | undefined {
    const headers = { 'cache-control': 'no-store' };
    if (this.check === undefined) {
      log?.(`catalog: ${this.problem}`);
      return { status: 503, jsonBody: { error: 'The catalog routes are not configured (CatalogApiKeys)' }, headers: { ...headers, 'retry-after': '30' } };
    }
    if (this.check.accepts(presentedCatalogKey(request))) return undefined;
    return {
      status: 401,
      jsonBody: { error: `${CATALOG_KEY_HEADER}: a catalog key (CatalogApiKeys) is required, in ${CATALOG_KEY_HEADER} or Authorization: Bearer`, field: CATALOG_KEY_HEADER },
      headers: { ...headers, 'www-authenticate': 'Bearer realm="catalog"' },
    };
  }
}
