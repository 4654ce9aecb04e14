// Where each delta is stored (id, partition key) and how it is folded into the stored document.
import { COUNTER_FIELDS, addCounters, derivedFields } from './aggregateKinds';
import type { AggregateDelta, DocumentDelta, ProfileDelta } from './deltas';
import { encodeKeyPart, profileDocumentId } from './documentKeys';
import { mergeProfiles, profileFromDocument, profileToFields } from './profile';
import { compactStamp, windowEndMs, DAY_NAMES } from './windows';

export const DOCUMENT_SCHEMA_VERSION = 1;

export type StoredDocument = Record<string, unknown>;
/** Per Event Hub partition id, the highest sequence number folded into the document. */
export type AppliedMarks = Record<string, number>;
/** Per Event Hub partition id, when the hub enqueued the event at the mark (epoch ms). */
export type AppliedEnqueuedTimes = Record<string, number>;

export interface DocumentLocation {
  container: 'aggregates' | 'profiles';
  id: string;
  partitionKey: string;
}

const stampCache = new Map<number, string>();

export function aggregateId(d: AggregateDelta): string {
  let stamp = stampCache.get(d.windowStartMs);
  if (stamp === undefined) {
    if (stampCache.size > 10_000) stampCache.clear();
    stamp = compactStamp(d.windowStartMs);
    stampCache.set(d.windowStartMs, stamp);
  }
  const slot = d.kind === 'channel' ? `:d${d.keyFields.dayOfWeek}h${d.keyFields.hourOfDay}` : '';
  return `${d.kind}:${encodeKeyPart(d.keyValue)}${slot}:${d.windowMinutes}:${stamp}`;
}

/**
 * Aggregates are partitioned by kind, key and year ("offer:summer-sale:2025"): writes spread over
 * every offer/product/channel/type, one entity's time series is a single-partition query, and
 * no logical partition grows without bound.
 */
export function aggregatePartitionKey(d: AggregateDelta): string {
  return `${d.kind}:${encodeKeyPart(d.keyValue)}:${new Date(d.windowStartMs).getUTCFullYear()}`;
}

export function locate(delta: DocumentDelta): DocumentLocation {
  if (delta.target === 'profiles') {
    return { container: 'profiles', id: profileDocumentId(delta.userKey), partitionKey: delta.userKey };
  }
  return { container: 'aggregates', id: aggregateId(delta), partitionKey: aggregatePartitionKey(delta) };
}

export function appliedMarks(doc: StoredDocument | undefined): AppliedMarks {
  const applied = doc?.applied;
  return typeof applied === 'object' && applied !== null ? (applied as AppliedMarks) : {};
}

function appliedEnqueuedTimes(doc: StoredDocument | undefined): AppliedEnqueuedTimes {
  const times = doc?.appliedEnqueuedMs;
  return typeof times === 'object' && times !== null ? (times as AppliedEnqueuedTimes) : {};
}

/**
 * The sequence number up to which `doc` already holds partition `partitionId`'s events, for a
 * delta whose first (lowest) event is `first`; -1 when none.
 *
 * A redelivered event keeps its enqueued time, and the hub enqueues a partition's events in
 * sequence order, so an event at or below the mark that was enqueued *after* the event at the
 * mark is not a redelivery: the hub's sequence numbers started again (hub recreated, failover to
 * a new namespace, emulator reset). Its events are then new, and the old mark no longer applies.
 */
export function effectiveMark(doc: StoredDocument | undefined, partitionId: string, first: { sequenceNumber: number; enqueuedMs?: number }): number {
  const mark = appliedMarks(doc)[partitionId] ?? -1;
  if (first.sequenceNumber > mark || first.enqueuedMs === undefined) return mark;
  const markEnqueuedMs = appliedEnqueuedTimes(doc)[partitionId];
  return markEnqueuedMs !== undefined && first.enqueuedMs > markEnqueuedMs ? -1 : mark;
}

function withoutSystemFields(doc: StoredDocument): StoredDocument {
  const { _rid: _a, _self: _b, _etag: _c, _attachments: _d, _ts: _e, ...rest } = doc;
  return rest;
}

const isoCache = new Map<number, string>();
/** toISOString of window bounds, cached: a batch touches few distinct windows. */
function windowIso(timeMs: number): string {
  let text = isoCache.get(timeMs);
  if (text === undefined) {
    if (isoCache.size > 10_000) isoCache.clear();
    text = new Date(timeMs).toISOString();
    isoCache.set(timeMs, text);
  }
  return text;
}

function mergeAggregate(existing: StoredDocument | undefined, d: AggregateDelta, location: DocumentLocation): StoredDocument {
  const start = windowIso(d.windowStartMs);
  const doc: StoredDocument = {
    id: location.id,
    pk: location.partitionKey,
    kind: d.kind,
    schemaVersion: DOCUMENT_SCHEMA_VERSION,
    windowMinutes: d.windowMinutes,
    windowStart: start,
    windowEnd: windowIso(windowEndMs(d.windowStartMs, d.windowMinutes)),
    date: start.slice(0, 10),
  };
  for (const key in d.keyFields) doc[key] = d.keyFields[key];
  if (d.kind === 'channel') doc.dayName = DAY_NAMES[d.keyFields.dayOfWeek as number];
  const counters: Record<string, number> = {};
  for (const field of COUNTER_FIELDS[d.kind]) {
    const stored = existing?.[field];
    counters[field] = typeof stored === 'number' ? stored : 0;
  }
  addCounters(d.kind, counters, d.counters);
  Object.assign(doc, counters, derivedFields(d.kind, counters));
  return doc;
}

function mergeProfile(existing: StoredDocument | undefined, d: ProfileDelta, location: DocumentLocation): StoredDocument {
  const profile = existing ? profileFromDocument(existing) : d.profile;
  if (existing) mergeProfiles(profile, d.profile);
  return {
    ...(existing ? withoutSystemFields(existing) : {}),
    id: location.id,
    userId: d.userKey,
    anonymous: existing ? existing.anonymous === true && d.anonymous : d.anonymous,
    kind: 'profile',
    schemaVersion: DOCUMENT_SCHEMA_VERSION,
    ...profileToFields(profile),
  };
}

/**
 * The document after folding in `delta` (which must hold only events not yet applied), with the
 * partition's applied mark moved to the delta's last sequence number.
 */
export function foldDelta(
  existing: StoredDocument | undefined,
  delta: DocumentDelta,
  location: DocumentLocation,
  partitionId: string,
  /** When the hub enqueued the delta's last event, if known (see effectiveMark). */
  lastEnqueuedMs?: number,
): StoredDocument {
  const merged =
    delta.target === 'profiles' ? mergeProfile(existing, delta, location) : mergeAggregate(existing, delta, location);
  merged.applied = { ...appliedMarks(existing), [partitionId]: delta.maxSeq };
  const times = { ...appliedEnqueuedTimes(existing) };
  if (lastEnqueuedMs !== undefined) times[partitionId] = lastEnqueuedMs;
  else delete times[partitionId];
  if (Object.keys(times).length > 0) merged.appliedEnqueuedMs = times;
  return merged;
}
