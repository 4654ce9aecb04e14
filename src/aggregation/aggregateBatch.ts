// Entry point: one Event Hub partition's batch into the aggregates and profiles containers.
import type { Container } from '@azure/cosmos';
import type { ReceivedBatch, ReceivedEvent } from '../events/receivedBatch';
import type { RetryOptions } from '../common/retry';
import { applyDeltas } from './applyDeltas';
import { computeDeltas, decodeBatch, type PoisonEvent } from './deltas';
import { documentCacheFor } from './documentCache';
import { dropRepeatedEventIds } from './repeatedEventIds';
import { resolveRewardCredits, type RewardPolicy } from './rewardLedger';

export interface AggregateBatchDeps {
  aggregates: Container;
  profiles: Container;
  windowsMinutes: number[];
  log?: (msg: string) => void;
  /** Backoff for transient Cosmos DB errors; defaults to the shared DEFAULT_RETRY. */
  retry?: Partial<RetryOptions>;
  /** How a decision's several rewards make one (the ranking settings); default earliest in [0, 1]. */
  rewardPolicy?: RewardPolicy;
}

export interface AggregateBatchResult {
  /** Messages in the batch, poison included (an envelope message holds several events). */
  events: number;
  /** Valid events that changed at least one document in this call. */
  applied: number;
  /** Valid events every document of which had already applied them (redelivery, overlap). */
  skippedDuplicates: number;
  /** Tracked events dropped as copies of an id already counted (a client sent it again; repeatedEventIds.ts). */
  repeatedIds: number;
  poison: PoisonEvent[];
  /** Distinct documents the batch touches. */
  documents: number;
  cosmosOperations: number;
  /** Reward events that name a decision, and of those the ones that added nothing (see rewardLedger.ts). */
  rewards: number;
  supersededRewards: number;
}

/**
 * Folds a batch into Cosmos DB with exactly-once effect (per hub message, and per tracked event id within
 * the user's last RECENT_EVENT_IDS_MAX ids); events that are not valid TrackedEvents
 * come back as poison and do not hold up the rest. Throws when Cosmos DB keeps failing, so the
 * caller's retry (which redelivers the batch, harmlessly) takes over.
 */
export async function aggregateBatch(batch: ReceivedBatch, deps: AggregateBatchDeps): Promise<AggregateBatchResult> {
  const all = decodeBatch(batch);
  const sequence = sequenceRange(batch.events);
  // The versions this process wrote last stand in for reads only while this partition's events continue where it left off.
  const profileCache = documentCacheFor(deps.profiles);
  const caches = [profileCache, documentCacheFor(deps.aggregates)];
  if (sequence) for (const cache of caches) cache.startBatch(batch.partitionId, sequence.first);
  // First the copies a client sent again, by the ids the users' profiles remember: dropped before anything counts them.
  const ids = await dropRepeatedEventIds(all.events, { profiles: deps.profiles, retry: deps.retry, cache: profileCache });
  const decoded = { ...all, events: ids.events };
  // Then the rewards' ledgers, so every document this batch touches agrees on what each reward adds.
  const ledger = await resolveRewardCredits(batch.partitionId, decoded.events, {
    aggregates: deps.aggregates, policy: deps.rewardPolicy, retry: deps.retry, log: deps.log,
  });
  const computed = { ...computeDeltas(batch, deps.windowsMinutes, decoded), prefetchedProfiles: ids.profiles };
  const result = await applyDeltas(computed, {
    aggregates: deps.aggregates,
    profiles: deps.profiles,
    retry: deps.retry,
    log: deps.log,
  });
  if (sequence) for (const cache of caches) cache.finishBatch(batch.partitionId, sequence.last);
  let applied = 0;
  for (const flag of result.appliedEvents) applied += flag;
  return {
    events: batch.events.length,
    applied,
    skippedDuplicates: computed.events.length - applied,
    repeatedIds: ids.duplicates,
    poison: computed.poison,
    documents: computed.deltas.length,
    // The profiles read for the repeated ids (those not cached) are the reads applyDeltas then skips.
    cosmosOperations: result.cosmosOperations + ids.profileReads,
    rewards: ledger.rewards,
    supersededRewards: ledger.superseded,
  };
}

/** The lowest and highest valid sequence numbers of the batch's messages, or undefined when none is valid. */
function sequenceRange(events: readonly ReceivedEvent[]): { first: number; last: number } | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const { sequenceNumber: seq } of events) {
    if (!Number.isSafeInteger(seq) || seq < 0) continue;
    if (seq < first) first = seq;
    if (seq > last) last = seq;
  }
  return last >= 0 ? { first, last } : undefined;
}
