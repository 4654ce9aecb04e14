// GET /api/aggregates: read-only JSON over the aggregates container (docs/dashboard.md).
import type { Container } from '@azure/cosmos';
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { AGGREGATES_CONTAINER } from '../aggregation/containers';
import type { AzureClients } from '../clients/azureClients';
import { parseAggregatesQuery } from './aggregatesQuery';
import { toIso } from '../common/isoTime';
import { errorResponse, jsonResponse } from './jsonResponse';
import { readAggregatePage, readAggregateTotals } from './readAggregates';

export interface AggregatesEndpointDeps {
  /** Called only once the parameters are valid, so a bad request never needs the store. */
  aggregates: () => Container;
  windowsMinutes: readonly number[];
  now?: () => Date;
  log: (message: string) => void;
}

export async function handleAggregatesRequest(request: HttpRequest, deps: AggregatesEndpointDeps): Promise<HttpResponseInit> {
  try {
    const q = parseAggregatesQuery(request.query, deps.windowsMinutes, (deps.now ?? (() => new Date()))());
    const scope = {
      kind: q.view.apiKind,
      window: q.windowMinutes,
      from: toIso(q.fromMs),
      to: toIso(q.toMs),
      ...(q.key !== undefined ? { key: q.key } : {}),
    };
    if (q.mode.type === 'page') {
      const page = await readAggregatePage(deps.aggregates(), q);
      return jsonResponse(200, { ...scope, pageSize: q.mode.pageSize, count: page.items.length, items: page.items, continuationToken: page.continuationToken });
    }
    const totals = await readAggregateTotals(deps.aggregates(), q);
    return jsonResponse(200, {
      ...scope, top: q.mode.top, sort: q.mode.sort, groups: totals.groups, scannedDocuments: totals.scannedDocuments,
      count: totals.items.length, items: totals.items,
    });
  } catch (error) {
    return errorResponse(error, 'aggregates', deps.log);
  }
}

/** The endpoint wired to the app's shared clients and settings. */
export function serveAggregates(request: HttpRequest, services: AzureClients, log: (message: string) => void): Promise<HttpResponseInit> {
  return handleAggregatesRequest(request, {
    aggregates: () => services.cosmosContainer(AGGREGATES_CONTAINER),
    windowsMinutes: services.settings.aggregationWindowsMinutes,
    log,
  });
}
