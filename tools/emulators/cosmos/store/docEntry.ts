/** One stored document version. Documents are never mutated: a write stores a new entry. */
export interface DocEntry {
  id: string;
  /** Partition key value as the JSON of its component array, e.g. '["p1"]' ({} for a missing one). */
  pk: string;
  /** The document as served, with _rid, _self, _etag, _ts and _attachments. */
  doc: Record<string, unknown>;
  /** The counter in the document's _rid: unique in the container, kept by replaces and across
   *  restarts; the tie-breaker of the ordered indexes (so their order survives a restart). */
  seq: number;
  /** Log sequence number of the write that produced this version (the change feed's order). */
  lsn: number;
  /** Write time in ms (the _ts is its seconds); the TTL counts from here. */
  tsMs: number;
  /** When the document expires (ms since the epoch), if its TTL is set. */
  expiresAt: number | undefined;
}
