// Reads aggregate documents for the API: one page at a time, or totals per entity over a range,
// grouped by Cosmos DB (GROUP BY); the groups are ranked here, as Cosmos DB cannot ORDER BY an
// aggregate.
import type { Container } from '@azure/cosmos';
import { MONEY_FIELDS } from '../aggregation/aggregateKinds';
import { roundMoney } from '../aggregation/money';
import { publicFields, ratiosFor } from './aggregateViews';
import type { AggregatesQuery } from './aggregatesQuery';
import { aggregatesSql, aggregateTotalsSql } from './aggregatesSql';
import { encodeContinuationToken } from './continuationToken';
import { cosmosStatus, isNotFound } from './cosmosStatus';
import { ParameterError } from './parameterError';


type Doc = Record<string, unknown>;

export interface AggregatePage {
  items: Doc[];
  continuationToken: string | null;
}

export interface AggregateTotals {
  items: Doc[];
  /** Entities found before cutting to `top`. */
  groups: number;
  scannedDocuments: number;
}

export async function readAggregatePage(container: Container, q: AggregatesQuery): Promise<AggregatePage> {
  if (q.mode.type !== 'page') throw new Error('readAggregatePage needs a page query');
  const { pageSize, cosmosToken } = q.mode;
  let response;
  try {
    response = await container.items.query<Doc>(aggregatesSql(q, true), { maxItemCount: pageSize, continuationToken: cosmosToken }).fetchNext();
  } catch (error) {
    if (isNotFound(error)) return { items: [], continuationToken: null };
    // The SDK refuses a token it cannot parse without an HTTP status, the service with 400.
    const status = cosmosStatus(error);
    if (cosmosToken !== undefined && (status === undefined || status === 400)) {
      throw new ParameterError('continuationToken', 'could not be resumed; start again without it');
    }
    throw error;
  }
  const next = response.continuationToken;
  return {
    items: response.resources.map((doc) => publicFields(q.view, doc)),
    continuationToken: next ? encodeContinuationToken({ kind: q.view.apiKind, windowMinutes: q.windowMinutes, key: q.key, fromMs: q.fromMs, toMs: q.toMs }, next) : null,
  };
}

/** Most entities one totals request may return before it is refused as too broad. */
export const MAX_TOTALS_GROUPS = 20_000;

export async function readAggregateTotals(container: Container, q: AggregatesQuery, maxGroups = MAX_TOTALS_GROUPS): Promise<AggregateTotals> {
  if (q.mode.type !== 'totals') throw new Error('readAggregateTotals needs a totals query');
  const { view } = q;
  let groups: Doc[];
  try {
    groups = (await container.items.query<Doc>(aggregateTotalsSql(q)).fetchAll()).resources;
  } catch (error) {
    if (isNotFound(error)) return { items: [], groups: 0, scannedDocuments: 0 };
    throw error;
  }
  if (groups.length > maxGroups) {
    throw new ParameterError('from', `the range holds more than ${maxGroups} entities to total; narrow from..to, add key, or use a longer window`);
  }
  let scanned = 0;
  const rows = groups.map((g) => {
    const fields: Doc = {};
    for (const f of [...view.groupFields, ...view.labelFields]) if (g[f] !== undefined) fields[f] = g[f];
    // SUM over documents that all lack a counter is undefined; money is re-rounded to its scale.
    const counters = Object.fromEntries(view.counters.map((c) => [c, typeof g[c] === 'number' ? (MONEY_FIELDS.has(c) ? roundMoney(g[c] as number) : (g[c] as number)) : 0]));
    const windows = Number(g.windows ?? 0);
    scanned += windows;
    return {
      id: JSON.stringify(view.groupFields.map((f) => g[f])),
      row: { ...fields, ...counters, ...ratiosFor(view, counters), windows, firstWindowStart: String(g.firstWindowStart ?? ''), lastWindowStart: String(g.lastWindowStart ?? '') } as Doc,
    };
  });
  const { sort, top } = q.mode;
  rows.sort((a, b) => (b.row[sort] as number) - (a.row[sort] as number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { items: rows.slice(0, top).map((r) => r.row), groups: rows.length, scannedDocuments: scanned };
}
