// The catalog routes' own key (issue 13: "admin or a named catalog key, never the master key").
// The routes are anonymous at the host, so no host key — master, admin or function key — opens
// them; the handler accepts only a key of CatalogApiKeys, from `x-catalog-key` or
// `Authorization: Bearer <key>`, compared in constant time (src/common/namedKeyCheck.ts; the
// offer catalog's route takes the same key). Operators with Cosmos DB access
// (`npm run products:import`) need no key at all.
import type { HttpRequest } from '@azure/functions';
import { NamedKeyCheck, presentedKey } from '../../common/namedKeyCheck';
import { CATALOG_ADMIN_KEY, type AdminKeys } from '../../config/adminKeySettings';

export const CATALOG_KEY_HEADER = CATALOG_ADMIN_KEY.header;

/** The key the request presents: x-catalog-key, else an Authorization bearer token. */
export function presentedCatalogKey(request: HttpRequest): string | undefined {
  return presentedKey(request, CATALOG_KEY_HEADER);
}

export class CatalogKeyCheck extends NamedKeyCheck {
  constructor(setting: AdminKeys) {
    super(CATALOG_ADMIN_KEY, setting);
  }
}
