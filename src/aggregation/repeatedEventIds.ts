// Each tracked event id counts once in the aggregates and profiles, however often a client sent it.
//
// The browser library (and any at-least-once client) keeps an event's id across retries, so an
// answer lost after capture stored the batch, or a keepalive request the closing page never read,
// puts a second copy of the event in the hub at another sequence number. The documents' applied
// marks (applyDeltas.ts) only catch the hub's own redelivery of the same message, so the copy
// would count again.
//
// Each user's profile remembers where in the hub its last RECENT_EVENT_IDS_MAX tracked events were
// counted (`recentEventIds`, written with the profile's own update, so remembering costs no extra
// write). Before a batch's deltas are computed, the profiles of the users whose tracked events it
// holds are read (one bulk read per batch): an event whose id the profile names at another place,
// or that came earlier in the same batch, is a copy and is dropped; the very place the profile
// names (the hub redelivering the message) goes on to the documents' marks as before. A user's
// events all travel in one hub partition, whose batches are handled in order, so the profile a
// batch reads already holds every earlier batch's ids.
//
// The profiles this process wrote last come from its cache instead (documentCache.ts says when
// that is safe and when the cache is forgotten).
//
// Server-written events are not checked: decisions have ids the ranker made once, and rewards are
// counted once per decision by their ledger (rewardLedger.ts).
import { BulkOperationType, type Container, type OperationResponse } from '@azure/cosmos';
import { DEFAULT_RETRY, isTransientError, sleep, type RetryOptions } from '../common/retry';
import { bulk } from './bulkRequests';
import type { DocumentCache } from './documentCache';
import { profileDocumentId } from './documentKeys';
import type { ValidEvent } from './deltas';
import { placeCounted, storedIdsOf } from './profile';

export interface RepeatedIdsDeps {
  profiles: Container;
  retry?: Partial<RetryOptions>;
  /** Profiles this process wrote last (documentCache.ts), read instead of Cosmos DB. */
  cache?: DocumentCache;
}

export interface RepeatedIdsResult {
  /** The batch's events without the copies, in their order. */
  events: ValidEvent[];
  /** Copies dropped: ids already counted at another place in the hub. */
  duplicates: number;
  /** The profiles read (document id → the read's answer, 200 or 404), for applyDeltas to write without reading again. */
  profiles: Map<string, OperationResponse>;
  /** Profiles read from Cosmos DB (the rest came from the cache). */
  profileReads: number;
}

/** The profile an event goes into: the user id, else the anonymous id (as computeDeltas keys it). */
const userKeyOf = (valid: ValidEvent) => valid.event.userId ?? valid.event.anonymousId;

/**
 * The batch's events (one partition's, in sequence order) without the copies of tracked event ids
 * counted before, here or in an earlier batch. Throws when Cosmos DB keeps failing (the trigger's
 * retry redelivers the batch, harmlessly).
 */
export async function dropRepeatedEventIds(events: ValidEvent[], deps: RepeatedIdsDeps): Promise<RepeatedIdsResult> {
  const byUser = new Map<string, ValidEvent[]>();
  for (const valid of events) {
    const userKey = userKeyOf(valid);
    if (userKey === undefined || valid.idKey === undefined) continue;
    let list = byUser.get(userKey);
    if (!list) byUser.set(userKey, (list = []));
    list.push(valid);
  }
  if (byUser.size === 0) return { events, duplicates: 0, profiles: new Map(), profileReads: 0 };
  const users = [...byUser.keys()];
  const { reads, fromService } = await readProfiles(deps.profiles, users, { ...DEFAULT_RETRY, ...deps.retry }, deps.cache);
  const profiles = reads.map((read) => (read.statusCode === 200 ? (read.resourceBody as Record<string, unknown>) : undefined));
  const copies = new Set<ValidEvent>();
  users.forEach((userKey, i) => {
    const stored = storedIdsOf(profiles[i]);
    // The batch's own ids of this user (usually one or two), then the profile's (a scan, no copy of them).
    const inBatch = new Map<string, string>();
    for (const valid of byUser.get(userKey)!) {
      const key = valid.idKey!;
      const place = inBatch.get(key) ?? placeCounted(stored, key);
      if (place === undefined) inBatch.set(key, valid.place);
      else if (place !== valid.place) copies.add(valid);
    }
  });
  const byId = new Map(users.map((userKey, i) => [profileDocumentId(userKey), reads[i]]));
  const kept = copies.size === 0 ? events : events.filter((v) => !copies.has(v));
  return { events: kept, duplicates: copies.size, profiles: byId, profileReads: fromService };
}

/**
 * The reads of the users' profiles (200, or 404 where none exists): from the cache where it has
 * them, the rest in bulk; transient failures are retried.
 */
async function readProfiles(
  container: Container, users: string[], retry: RetryOptions, cache?: DocumentCache,
): Promise<{ reads: OperationResponse[]; fromService: number }> {
  const out = new Array<OperationResponse>(users.length);
  let pending: number[] = [];
  users.forEach((user, i) => {
    const cached = cache?.read(user, profileDocumentId(user));
    if (cached) out[i] = cached;
    else pending.push(i);
  });
  const fromService = pending.length;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const reads: OperationResponse[] = await bulk(container, pending.map((i) => ({ operationType: BulkOperationType.Read, id: profileDocumentId(users[i]), partitionKey: users[i] })), retry);
    const again: number[] = [];
    reads.forEach((read, k) => {
      const i = pending[k];
      if (read.statusCode === 200 || read.statusCode === 404) out[i] = read;
      else {
        const error = Object.assign(new Error(`Cosmos DB answered ${read.statusCode} to the read of profile ${users[i]}`), { code: read.statusCode });
        if (!isTransientError(error) || attempt >= retry.maxAttempts) throw error;
        again.push(i);
      }
    });
    if (again.length > 0) await sleep(Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2));
    pending = again;
  }
  return { reads: out, fromService };
}
