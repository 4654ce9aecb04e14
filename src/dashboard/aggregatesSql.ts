// The Cosmos DB query behind GET /api/aggregates. Parameterized throughout; the only names put
// into the text are the view's fixed field names.
import type { SqlParameter, SqlQuerySpec } from '@azure/cosmos';
import type { AggregateDelta } from '../aggregation/deltas';
import { aggregatePartitionKey } from '../aggregation/documents';
import type { AggregatesQuery } from './aggregatesQuery';
import { toIso } from '../common/isoTime';

/**
 * Partition keys ("<kind>:<key>:<year>") that can hold `key`'s windows in the range, so a keyed
 * query goes to those partitions only instead of fanning out.
 */
export function partitionKeysFor(q: AggregatesQuery, key: string): string[] {
  const first = new Date(q.fromMs).getUTCFullYear();
  const last = new Date(q.toMs - 1).getUTCFullYear();
  const keys: string[] = [];
  for (let year = first; year <= last; year++) {
    // aggregatePartitionKey reads only these fields of a delta.
    const probe = { kind: q.view.docKind, keyValue: key, windowStartMs: Date.UTC(year, 0, 1) } as AggregateDelta;
    keys.push(aggregatePartitionKey(probe));
  }
  return keys;
}

/** Documents of the query's kind and window size whose window starts in [from, to), oldest first when ordered. */
export function aggregatesSql(q: AggregatesQuery, ordered: boolean): SqlQuerySpec {
  const { where, parameters } = aggregatesWhere(q);
  return { query: `SELECT * FROM c WHERE ${where}${ordered ? ' ORDER BY c.windowStart ASC' : ''}`, parameters };
}

/**
 * The same documents totalled per entity by Cosmos DB itself (GROUP BY): the view's group
 * fields, each counter summed, the label fields (which follow from the group) and the windows
 * covered. Field names come from the view's fixed lists, never from the request.
 */
export function aggregateTotalsSql(q: AggregatesQuery): SqlQuerySpec {
  const { where, parameters } = aggregatesWhere(q);
  const v = q.view;
  const select = [
    ...v.groupFields.map((f) => `c.${f}`),
    ...v.labelFields.map((f) => `MAX(c.${f}) AS ${f}`),
    ...v.counters.map((f) => `SUM(c.${f}) AS ${f}`),
    'COUNT(1) AS windows',
    'MIN(c.windowStart) AS firstWindowStart',
    'MAX(c.windowStart) AS lastWindowStart',
  ];
  return { query: `SELECT ${select.join(', ')} FROM c WHERE ${where} GROUP BY ${v.groupFields.map((f) => `c.${f}`).join(', ')}`, parameters };
}

function aggregatesWhere(q: AggregatesQuery): { where: string; parameters: SqlParameter[] } {
  const parameters: SqlParameter[] = [
    { name: '@kind', value: q.view.docKind },
    { name: '@window', value: q.windowMinutes },
    { name: '@from', value: toIso(q.fromMs) },
    { name: '@to', value: toIso(q.toMs) },
  ];
  let where = 'c.kind = @kind AND c.windowMinutes = @window AND c.windowStart >= @from AND c.windowStart < @to';
  if (q.key !== undefined) {
    const pks = partitionKeysFor(q, q.key);
    pks.forEach((pk, i) => parameters.push({ name: `@pk${i}`, value: pk }));
    parameters.push({ name: '@key', value: q.key });
    where += ` AND c.pk IN (${pks.map((_, i) => `@pk${i}`).join(', ')}) AND c.${q.view.keyField} = @key`;
  }
  return { where, parameters };
}
