// A shopper's newest product events, read from the profile document the aggregation function
// keeps (its `recentProducts`: the last 20 views, cart adds and purchases with their times).
// An event reaches it seconds after POST /api/events (capture → Event Hubs → aggregateEvents);
// reads are cached per instance for `ttlMs` (default 2 s), so a shopper's own clicks in the same
// session change the next recommendation within seconds.
import type { Container } from '@azure/cosmos';
import { PROFILES_CONTAINER } from '../../aggregation/containers';
import { profileDocumentId } from '../../aggregation/documentKeys';
import type { AzureClients } from '../../clients/azureClients';
import type { RecentProductEvent } from './productRecommender';

export interface RecentEventsOptions {
  ttlMs?: number;
  maxEntries?: number;
  /**
   * Called with each profile document read (undefined: the shopper has none), so another reader
   * of the same document — the last-step ranker's profile cache, wired by src/app — need not read
   * it again in the same request.
   */
  onDocument?: (userKey: string, doc: Record<string, unknown> | undefined) => void;
}

export function recentEventsReader(clients: AzureClients, opts: RecentEventsOptions = {}): (userKey: string) => Promise<RecentProductEvent[] | undefined> {
  const ttl = opts.ttlMs ?? 2000;
  const max = opts.maxEntries ?? 10_000;
  const cache = new Map<string, { at: number; value: RecentProductEvent[] | undefined }>();
  let container: Container | undefined;
  return async (userKey) => {
    const hit = cache.get(userKey);
    if (hit && Date.now() - hit.at < ttl) return hit.value;
    container ??= clients.cosmosContainer(PROFILES_CONTAINER);
    let value: RecentProductEvent[] | undefined;
    try {
      const doc = (await container.item(profileDocumentId(userKey), userKey).read<Record<string, unknown> & { recentProducts?: unknown }>()).resource;
      opts.onDocument?.(userKey, doc);
      const recent = Array.isArray(doc?.recentProducts) ? doc.recentProducts : [];
      value = recent.filter((r): r is RecentProductEvent => typeof r === 'object' && r !== null && typeof r.productId === 'string' && typeof r.at === 'string' && typeof r.type === 'string');
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
      opts.onDocument?.(userKey, undefined);
    }
    cache.delete(userKey);
    cache.set(userKey, { at: Date.now(), value });
    if (cache.size > max) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
