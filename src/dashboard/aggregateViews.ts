// How the read API names and groups each kind of aggregate document the aggregation writes.
import { COUNTER_FIELDS, derivedFields, type AggregateKind } from '../aggregation/aggregateKinds';

/** Kinds as the API names them (`type` is the documents' `eventType`). */
export const API_KINDS = ['offer', 'product', 'channel', 'type'] as const;
export type ApiKind = (typeof API_KINDS)[number];

export interface AggregateView {
  apiKind: ApiKind;
  /** `kind` of the stored documents. */
  docKind: AggregateKind;
  /** The field `key=` filters on; it is also the key part of the partition key. */
  keyField: string;
  /** Fields that identify a document apart from its window: what totals are grouped by. */
  groupFields: readonly string[];
  /** Descriptive fields that follow from the group fields (copied, not summed). */
  labelFields: readonly string[];
  counters: readonly string[];
  /** Ratios recomputed from summed counters. */
  derived: readonly string[];
  /** Counter that `top` ranks by when no `sort` is given. */
  defaultSort: string;
}

const VIEWS: Record<ApiKind, AggregateView> = {
  offer: {
    apiKind: 'offer', docKind: 'offer', keyField: 'offerId', groupFields: ['offerId'], labelFields: [],
    counters: COUNTER_FIELDS.offer, derived: ['clickThroughRate'], defaultSort: 'views',
  },
  product: {
    apiKind: 'product', docKind: 'product', keyField: 'productId', groupFields: ['productId'], labelFields: [],
    counters: COUNTER_FIELDS.product, derived: ['conversionRate'], defaultSort: 'revenue',
  },
  channel: {
    apiKind: 'channel', docKind: 'channel', keyField: 'webChannel', groupFields: ['webChannel', 'dayOfWeek', 'hourOfDay'],
    labelFields: ['dayName'], counters: COUNTER_FIELDS.channel, derived: [], defaultSort: 'events',
  },
  type: {
    apiKind: 'type', docKind: 'eventType', keyField: 'eventType', groupFields: ['eventType'], labelFields: [],
    counters: COUNTER_FIELDS.eventType, derived: [], defaultSort: 'count',
  },
};

/** `eventType` is accepted as another name for `type`, matching the documents' own kind. */
export function viewFor(kind: string): AggregateView | undefined {
  if (kind === 'eventType') return VIEWS.type;
  return (API_KINDS as readonly string[]).includes(kind) ? VIEWS[kind as ApiKind] : undefined;
}

/** Window fields every item carries. */
export const WINDOW_FIELDS = ['id', 'windowStart', 'windowEnd', 'windowMinutes', 'date'] as const;

/** The public fields of a stored document (drops `applied`, `pk` and Cosmos system fields). */
export function publicFields(view: AggregateView, doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of [...WINDOW_FIELDS, ...view.groupFields, ...view.labelFields, ...view.counters, ...view.derived]) {
    if (doc[field] !== undefined) out[field] = doc[field];
  }
  return out;
}

export function ratiosFor(view: AggregateView, counters: Record<string, number>): Record<string, number> {
  return derivedFields(view.docKind, counters);
}
