// The last version of each document this process wrote, so that the next write to it can skip the read.
//
// Every write of the aggregation is a read, a fold and a write guarded by the read's etag
// (applyDeltas.ts). A user's events all travel in one hub partition, and one process handles a
// partition, so the profile it wrote last is almost always the profile's current version; the
// hot aggregate documents (an offer's hour, a product's day) are written by every flush. Keeping
// what was written (the body sent and the etag the service answered) saves the read before the
// next write: about one Cosmos DB operation (and request unit) in three.
//
// Never a source of wrong counts: a cached version is used as the read a guarded write builds on,
// so if someone else wrote the document since, the service answers 412 (or 404 if it was
// deleted), the entry is forgotten and the next round reads the document fresh. Two decisions are
// taken on a version without a write to check them: the repeated-id check (repeatedEventIds.ts)
// reads a profile's remembered ids, and a document whose applied mark already covers a delta is
// not written at all. Both are safe as long as no other process counted this partition's events
// since this one wrote. A partition's sequence numbers are contiguous, so `startBatch` compares a
// batch's first sequence number with the last one this process finished for that partition:
// anything but the next one (a redelivery, another instance held the partition meanwhile, events
// expired unread) forgets every cached version.
import type { Container, CosmosClient, OperationResponse } from '@azure/cosmos';
import type { StoredDocument } from './documents';

/**
 * Memory the cached versions of one container may take, by estimatedBytes; the least recently
 * used go first. A profile with its full 100 remembered ids takes ~25 KB of heap (measured), a
 * new user's ~3 KB, an aggregate document ~2 KB.
 */
export const DOCUMENT_CACHE_BUDGET_BYTES = 64 * 1024 * 1024;

interface CachedVersion {
  body: StoredDocument;
  etag: string;
  bytes: number;
}

/**
 * A document's heap size, roughly and on the high side: a base plus a share per element of its
 * top-level arrays and per key of its top-level objects (a profile's lists and maps; measuring
 * the JSON would cost a serialisation per write).
 */
export function estimatedBytes(body: StoredDocument): number {
  let parts = 0;
  for (const key in body) {
    const value = body[key];
    if (Array.isArray(value)) parts += value.length;
    else if (typeof value === 'object' && value !== null) parts += Object.keys(value).length;
  }
  return 1024 + 200 * parts;
}

export class DocumentCache {
  private readonly versions = new Map<string, CachedVersion>();
  /** Per hub partition, the last sequence number of the last batch finished here. */
  private readonly finished = new Map<string, number>();
  private bytes = 0;

  constructor(readonly budgetBytes = DOCUMENT_CACHE_BUDGET_BYTES) {}

  /** Versions held. */
  get size(): number {
    return this.versions.size;
  }

  /** Their estimated heap size. */
  get estimatedBytes(): number {
    return this.bytes;
  }

  /** The cached version as a successful read's answer, or undefined. */
  read(partitionKey: string, id: string): OperationResponse | undefined {
    const key = cacheKey(partitionKey, id);
    const version = this.versions.get(key);
    if (version === undefined) return undefined;
    this.versions.delete(key); // most recently used last
    this.versions.set(key, version);
    return { statusCode: 200, requestCharge: 0, eTag: version.etag, resourceBody: version.body as never };
  }

  /** What a successful write left in the service (the body sent, the etag answered). */
  remember(partitionKey: string, id: string, body: StoredDocument, etag: string | undefined): void {
    const key = cacheKey(partitionKey, id);
    this.delete(key);
    if (etag === undefined || etag === '') return;
    const version = { body, etag, bytes: estimatedBytes(body) };
    this.versions.set(key, version);
    this.bytes += version.bytes;
    while (this.bytes > this.budgetBytes) this.delete(this.versions.keys().next().value!);
  }

  /** A write failed or its outcome is unknown: the cached version may be stale. */
  forget(partitionKey: string, id: string): void {
    this.delete(cacheKey(partitionKey, id));
  }

  private delete(key: string): void {
    const version = this.versions.get(key);
    if (version === undefined) return;
    this.versions.delete(key);
    this.bytes -= version.bytes;
  }

  /**
   * Called before a partition's batch is handled: unless it starts right after the last batch this
   * process finished for the partition, other events may have been counted elsewhere, and every
   * cached version is forgotten.
   */
  startBatch(partitionId: string, firstSequenceNumber: number): void {
    const last = this.finished.get(partitionId);
    if (last !== undefined && firstSequenceNumber !== last + 1) {
      this.versions.clear();
      this.bytes = 0;
    }
  }

  /** Called when a partition's batch is fully written. */
  finishBatch(partitionId: string, lastSequenceNumber: number): void {
    this.finished.set(partitionId, lastSequenceNumber);
  }
}

const cacheKey = (partitionKey: string, id: string) => `${partitionKey}\u0000${id}`;

const caches = new WeakMap<CosmosClient, Map<string, DocumentCache>>();

/** The process's cache for this container (one per Cosmos client and container). */
export function documentCacheFor(container: Container): DocumentCache {
  const client = container.database.client;
  let byUrl = caches.get(client);
  if (!byUrl) caches.set(client, (byUrl = new Map()));
  let cache = byUrl.get(container.url);
  if (!cache) byUrl.set(container.url, (cache = new DocumentCache()));
  return cache;
}
