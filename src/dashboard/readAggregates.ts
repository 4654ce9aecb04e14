// Reads aggregate documents for the API: one page at a time, or totals per entity over a range.
// Totals are grouped here because Cosmos DB's GROUP BY cannot be paged with continuation tokens
// (and the local stand-in has none).
import type { Container } from '@azure/cosmos';
import { MONEY_FIELDS } from '../aggregation/aggregateKinds';
import { addMoney } from '../aggregation/money';
import { publicFields, ratiosFor } from './aggregateViews';
import type { AggregatesQuery } from './aggregatesQuery';
import { aggregatesSql } from './aggregatesSql';
import { encodeContinuationToken } from './continuationToken';
import { cosmosStatus, isNotFound } from './cosmosStatus';
import { ParameterError } from './parameterError';

/** Most documents one totals request may read before it is refused as too broad. */
export const MAX_TOTALS_DOCUMENTS = 20_000;
const TOTALS_BATCH = 1000;

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

interface Group {
  fields: Doc;
  counters: Record<string, number>;
  windows: number;
  firstWindowStart: string;
  lastWindowStart: string;
}

export async function readAggregateTotals(container: Container, q: AggregatesQuery, maxDocuments = MAX_TOTALS_DOCUMENTS): Promise<AggregateTotals> {
  if (q.mode.type !== 'totals') throw new Error('readAggregateTotals needs a totals query');
  const { view } = q;
  const groups = new Map<string, Group>();
  let scanned = 0;
  const iterator = container.items.query<Doc>(aggregatesSql(q, false), { maxItemCount: TOTALS_BATCH });
  try {
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      scanned += resources.length;
      if (scanned > maxDocuments) {
        throw new ParameterError('from', `the range holds more than ${maxDocuments} documents to total; narrow from..to, add key, or use a longer window`);
      }
      for (const doc of resources) {
        const id = JSON.stringify(view.groupFields.map((f) => doc[f]));
        let group = groups.get(id);
        const start = String(doc.windowStart ?? '');
        if (!group) {
          const fields: Doc = {};
          for (const f of [...view.groupFields, ...view.labelFields]) if (doc[f] !== undefined) fields[f] = doc[f];
          group = { fields, counters: Object.fromEntries(view.counters.map((c) => [c, 0])), windows: 0, firstWindowStart: start, lastWindowStart: start };
          groups.set(id, group);
        }
        for (const c of view.counters) {
          const value = typeof doc[c] === 'number' ? (doc[c] as number) : 0;
          group.counters[c] = MONEY_FIELDS.has(c) ? addMoney(group.counters[c], value) : group.counters[c] + value;
        }
        group.windows++;
        if (start < group.firstWindowStart) group.firstWindowStart = start;
        if (start > group.lastWindowStart) group.lastWindowStart = start;
      }
    }
  } catch (error) {
    if (isNotFound(error)) return { items: [], groups: 0, scannedDocuments: 0 };
    throw error;
  }
  const { sort, top } = q.mode;
  const rows = [...groups.entries()].map(([id, g]) => ({
    id,
    row: { ...g.fields, ...g.counters, ...ratiosFor(view, g.counters), windows: g.windows, firstWindowStart: g.firstWindowStart, lastWindowStart: g.lastWindowStart } as Doc,
  }));
  rows.sort((a, b) => (b.row[sort] as number) - (a.row[sort] as number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { items: rows.slice(0, top).map((r) => r.row), groups: rows.length, scannedDocuments: scanned };
}
