// User profiles for ranking, read by point reads from the `profiles` container and kept briefly
// in an LRU: a user's requests in one page view cost one read. A failed read ranks the user as
// unknown (the request still succeeds) and is not retried for a few seconds.
import type { Container } from '@azure/cosmos';
import { profileDocumentId } from '../aggregation/documentKeys';
import { profileViewFromDocument, type ProfileView } from './profileView';
import { logText } from '../common/logText';

export interface ProfileSource {
  get(userKey: string): Promise<ProfileView | undefined>;
}

interface Entry {
  value: ProfileView | undefined;
  expiresAt: number;
}

export interface ProfileCacheOptions {
  ttlMs: number;
  maxEntries: number;
  /** How long a failed read is remembered (default 5 s). */
  errorTtlMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

/** Reads one profile document; undefined when the user has none. */
export async function readProfile(container: Container, userKey: string): Promise<ProfileView | undefined> {
  const response = await container.item(profileDocumentId(userKey), userKey).read<Record<string, unknown>>();
  return response.resource ? profileViewFromDocument(response.resource as Parameters<typeof profileViewFromDocument>[0]) : undefined;
}

export class ProfileCache implements ProfileSource {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<ProfileView | undefined>>();
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  hits = 0;
  misses = 0;

  constructor(private readonly read: (userKey: string) => Promise<ProfileView | undefined>, private readonly opts: ProfileCacheOptions) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
  }

  get(userKey: string): Promise<ProfileView | undefined> {
    const entry = this.entries.get(userKey);
    if (entry && entry.expiresAt > this.now()) {
      // Re-insert: Map order is the LRU order.
      this.entries.delete(userKey);
      this.entries.set(userKey, entry);
      this.hits++;
      return Promise.resolve(entry.value);
    }
    const inFlight = this.pending.get(userKey);
    if (inFlight) return inFlight;
    this.misses++;
    const loading = this.read(userKey)
      .then((value) => {
        this.store(userKey, value, this.opts.ttlMs);
        return value;
      })
      .catch((error: unknown) => {
        // Not the user key: it is request input (and personal data); the message only escaped.
        this.log(`profile read failed, ranking the user as unknown: ${logText(String((error as Error)?.message ?? error))}`);
        this.store(userKey, undefined, this.opts.errorTtlMs ?? 5000);
        return undefined;
      })
      .finally(() => this.pending.delete(userKey));
    this.pending.set(userKey, loading);
    return loading;
  }

  /**
   * Takes a profile another reader of the same document just read (GET /api/recommendations reads
   * it for the shopper's recent events), so the ranker's own get is a hit, not a second read.
   */
  seed(userKey: string, value: ProfileView | undefined): void {
    this.store(userKey, value, this.opts.ttlMs);
  }

  private store(userKey: string, value: ProfileView | undefined, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(userKey);
    this.entries.set(userKey, { value, expiresAt: this.now() + ttlMs });
    while (this.entries.size > this.opts.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
