// Each tracked event id counts once in the aggregates and profiles, however often a client sent it.
//
// The browser library (and any at-least-once client) keeps an event's id across retries, so an
// answer lost after capture stored the batch, or a keepalive request the closing page never read,
// puts a second copy of the event in the hub at another sequence number. The documents' applied
// marks (applyDeltas.ts) only catch the hub's own redelivery of the same message, so the copy
// would count again.
//
// Each user (userId, else anonymousId: the key the hub partitions by and the profile's id) has a
// ledger document in the aggregates container (kind `eventIdLedger`) naming where in the hub each
// of the user's last EVENT_ID_WINDOW tracked event ids was first seen: partition, sequence number,
// position in its envelope and enqueued time. Before a batch's deltas are computed its tracked
// events are entered (etag-guarded, so partitions racing for one user agree); an event whose id the
// ledger names at another place in the hub is a copy and is dropped, while the very occurrence the
// ledger names (the hub redelivering the batch) goes on to the documents' marks as before. Keyed by
// user, not by hub partition, a copy is caught even when it reached another partition.
//
// Server-written events are not entered: decisions have ids the ranker made once, and rewards have
// their own ledger per decision (rewardLedger.ts).
import { createHash } from 'node:crypto';
import { BulkOperationType, type Container, type JSONObject, type OperationInput, type OperationResponse } from '@azure/cosmos';
import { DEFAULT_RETRY, isTransientError, sleep, type RetryOptions } from '../common/retry';
import { CLIENT_EVENT_TYPES } from '../events/eventSchema';
import { bulk } from './bulkRequests';
import type { ValidEvent } from './deltas';

/**
 * Ids a user's ledger remembers: a copy is dropped while its original is among the user's last
 * this many distinct tracked event ids. The browser library holds at most 500 events (maxQueue).
 */
export const EVENT_ID_WINDOW = 1000;

export const EVENT_ID_LEDGER_KIND = 'eventIdLedger';

export interface EventIdLedgerDocument {
  id: string;
  pk: string;
  kind: typeof EVENT_ID_LEDGER_KIND;
  /**
   * [event id, where it was first seen (`partition/sequence/position/enqueuedMs`)], oldest first.
   * Pairs, not an object: an object would put integer-like ids first, whatever their age.
   */
  seen: [string, string][];
  [field: string]: unknown;
}

export interface EventIdLedgerDeps {
  aggregates: Container;
  retry?: Partial<RetryOptions>;
  /** Rounds a ledger may lose to other writers (412/409) before the batch fails. Default 25. */
  maxConflictRounds?: number;
  /** Ids per user kept (tests). Default EVENT_ID_WINDOW. */
  window?: number;
}

export interface EventIdLedgerResult {
  /** The batch's events without the copies, in their order. */
  events: ValidEvent[];
  /** Copies dropped: ids already counted at another place in the hub. */
  duplicates: number;
  ledgersWritten: number;
}

const TRACKED: ReadonlySet<string> = new Set(CLIENT_EVENT_TYPES);

/** The ledger's id and partition key: one logical partition per user. */
export function eventIdLedgerIdOf(userKey: string): string {
  return `${EVENT_ID_LEDGER_KIND}:${createHash('sha256').update(userKey, 'utf8').digest('base64url').slice(0, 43)}`;
}

/** Where in the hub this occurrence sits; the hub's redelivery of a message keeps all four. */
function placeOf(partitionId: string, valid: ValidEvent): string {
  return `${partitionId}/${valid.sequenceNumber}/${valid.position}/${valid.enqueuedMs ?? ''}`;
}

function userKeyOf(valid: ValidEvent): string | undefined {
  if (!TRACKED.has(valid.event.type)) return undefined;
  return valid.event.userId ?? valid.event.anonymousId;
}

interface LedgerWork {
  id: string;
  events: ValidEvent[];
  conflicts: number;
  transientFailures: number;
}

/**
 * Enters the tracked events of `events` (one partition's batch, in sequence order) in their users'
 * ledgers and returns the events without the copies of ids counted before. Throws when Cosmos DB
 * keeps failing (the trigger's retry redelivers the batch, harmlessly).
 */
export async function dropRepeatedEventIds(partitionId: string, events: ValidEvent[], deps: EventIdLedgerDeps): Promise<EventIdLedgerResult> {
  const byUser = new Map<string, LedgerWork>();
  for (const valid of events) {
    const userKey = userKeyOf(valid);
    if (userKey === undefined) continue;
    let work = byUser.get(userKey);
    if (!work) byUser.set(userKey, (work = { id: eventIdLedgerIdOf(userKey), events: [], conflicts: 0, transientFailures: 0 }));
    work.events.push(valid);
  }
  const result: EventIdLedgerResult = { events, duplicates: 0, ledgersWritten: 0 };
  if (byUser.size === 0) return result;
  const retry = { ...DEFAULT_RETRY, ...deps.retry };
  const maxConflicts = deps.maxConflictRounds ?? 25;
  const window = deps.window ?? EVENT_ID_WINDOW;
  const container = deps.aggregates;
  const copies = new Set<ValidEvent>();

  for (let pending = [...byUser.values()]; pending.length > 0; ) {
    const reads = await bulk(container, pending.map((w) => ({ operationType: BulkOperationType.Read, id: w.id, partitionKey: w.id })), retry);
    const next: LedgerWork[] = [];
    const writes: OperationInput[] = [];
    const writers: { work: LedgerWork; seen: Map<string, string> }[] = [];
    pending.forEach((work, i) => {
      const read = reads[i];
      if (read.statusCode !== 200 && read.statusCode !== 404) {
        if (failed(work, read, 'read', retry, maxConflicts)) next.push(work);
        return;
      }
      const existing = read.statusCode === 200 ? (read.resourceBody as EventIdLedgerDocument) : undefined;
      const seen = new Map<string, string>(existing?.seen ?? []);
      let changed = false;
      for (const valid of work.events) {
        if (seen.has(valid.event.id)) continue;
        seen.set(valid.event.id, placeOf(partitionId, valid));
        changed = true;
      }
      if (!changed) {
        markCopies(work, seen, partitionId, copies);
        return;
      }
      // Oldest first (a Map keeps insertion order): past the window the oldest ids are forgotten.
      // Not the batch's own: they are needed to tell this batch's copies apart below.
      const own = new Set(work.events.map((v) => v.event.id));
      let excess = seen.size - window;
      for (const id of seen.keys()) {
        if (excess <= 0) break;
        if (own.has(id)) continue;
        seen.delete(id);
        excess--;
      }
      const ledger: EventIdLedgerDocument = { id: work.id, pk: work.id, kind: EVENT_ID_LEDGER_KIND, seen: [...seen] };
      writes.push(
        existing
          ? { operationType: BulkOperationType.Replace, id: work.id, partitionKey: work.id, resourceBody: ledger as unknown as JSONObject, ifMatch: read.eTag ?? String(existing._etag) }
          : { operationType: BulkOperationType.Create, partitionKey: work.id, resourceBody: ledger as unknown as JSONObject },
      );
      writers.push({ work, seen });
    });
    const written = await bulk(container, writes, retry);
    written.forEach((response, i) => {
      const { work, seen } = writers[i];
      if (response.statusCode === 200 || response.statusCode === 201) {
        result.ledgersWritten++;
        markCopies(work, seen, partitionId, copies);
      } else if (failed(work, response, 'write', retry, maxConflicts)) {
        next.push(work);
      }
    });
    if (next.some((w) => w.transientFailures > 0)) {
      const attempts = Math.max(...next.map((w) => w.transientFailures));
      await sleep(Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2));
    }
    pending = next;
  }
  if (copies.size === 0) return result;
  return { ...result, events: events.filter((v) => !copies.has(v)), duplicates: copies.size };
}

/** The events whose id the (written) ledger names at another place in the hub are copies. */
function markCopies(work: LedgerWork, seen: ReadonlyMap<string, string>, partitionId: string, copies: Set<ValidEvent>): void {
  for (const valid of work.events) {
    if (seen.get(valid.event.id) !== placeOf(partitionId, valid)) copies.add(valid);
  }
}

/** Whether a failed operation is tried again in the next round; throws when it may not be. */
function failed(work: LedgerWork, response: OperationResponse, what: string, retry: RetryOptions, maxConflicts: number): boolean {
  const status = response.statusCode;
  if (status === 412 || status === 409) {
    if (++work.conflicts < maxConflicts) return true;
    throw new Error(`event id ledger ${work.id}: still conflicting after ${maxConflicts} rounds`);
  }
  const error = Object.assign(new Error(`Cosmos DB answered ${status} to the ${what} of event id ledger ${work.id}`), { code: status });
  if (isTransientError(error) && ++work.transientFailures < retry.maxAttempts) return true;
  throw error;
}
