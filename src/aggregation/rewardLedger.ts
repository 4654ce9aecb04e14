// One decision's reward counts once in the aggregates, however often it is posted: an
// at-least-once redelivery of the same reward event, a tracked event the shop sent twice (same
// derived reward id), or a client posting the reward API again for the same eventId, with
// another value too.
//
// Each rewarded decision has a small ledger document in the aggregates container (kind
// `rewardLedger`) that names the reward events counted for it: the event id and where it sits in
// the hub (partition, sequence number), and its value. Before a batch's deltas are computed, the
// batch's rewards are entered in their decisions' ledgers (etag-guarded, so concurrent
// partitions agree on one order); each reward event then gets its share of the decision's reward
// from the ledger alone. That share is a pure function of the ledger, and entries are only ever
// appended, so a batch that is redelivered after a partial write gets the same shares again and
// the documents' applied marks keep the exactly-once effect.
//
// Which value counts follows the trainer's join (RankingRewardAggregation, docs/ranking.md):
// - earliest (default): the first reward the pipeline sees for the decision wins; later posts,
//   whatever their value, count nowhere.
// - sum: each distinct reward event adds its value; the decision counts once in `rewards`, its
//   total is clamped to [RankingRewardMin, RankingRewardMax] as the trainer clamps it, and
//   `positiveRewards` follows whether that total is positive.
// A ledger keeps the policy it was created with, so a setting change does not re-price the
// rewards of decisions already rewarded.
import { createHash } from 'node:crypto';
import { BulkOperationType, type Container, type JSONObject, type OperationInput, type OperationResponse } from '@azure/cosmos';
import { bulk } from './bulkRequests';
import type { RewardAggregation } from '../config/rankingSettings';
import { DEFAULT_RETRY, isTransientError, sleep, type RetryOptions } from '../common/retry';
import { NO_REWARD_CREDIT, type RewardCredit } from './aggregateKinds';
import type { ValidEvent } from './deltas';
import { addMoney, roundMoney } from './money';

export interface RewardPolicy {
  aggregation: RewardAggregation;
  min: number;
  max: number;
}

/** The ranking settings' defaults (RankingRewardAggregation, RankingRewardMin, RankingRewardMax). */
export const DEFAULT_REWARD_POLICY: RewardPolicy = Object.freeze({ aggregation: 'earliest', min: 0, max: 1 });

/** Rewards a `sum` ledger holds; later ones of the same decision count nowhere (and are logged). */
export const MAX_LEDGER_ENTRIES = 100;

export const REWARD_LEDGER_KIND = 'rewardLedger';

export interface LedgerEntry {
  /** The reward event's id. */
  id: string;
  partition: string;
  seq: number;
  value: number;
}

export interface RewardLedgerDocument {
  id: string;
  pk: string;
  kind: typeof REWARD_LEDGER_KIND;
  /** The decision's eventId. */
  eventId: string;
  aggregation: RewardAggregation;
  min: number;
  max: number;
  entries: LedgerEntry[];
  [field: string]: unknown;
}

export interface RewardLedgerDeps {
  aggregates: Container;
  policy?: RewardPolicy;
  retry?: Partial<RetryOptions>;
  /** Rounds a ledger may lose to other writers (412/409) before the batch fails. Default 25. */
  maxConflictRounds?: number;
  log?: (message: string) => void;
}

export interface RewardLedgerResult {
  /** Reward events that name a decision (and so went through a ledger). */
  rewards: number;
  /** Of those, events that add nothing: a later post (earliest), a copy already counted, a full ledger. */
  superseded: number;
  /** Ledger documents created or extended. */
  ledgersWritten: number;
}

/** The ledger's id and partition key: one logical partition per decision. */
export function ledgerIdOf(decisionEventId: string): string {
  return `${REWARD_LEDGER_KIND}:${createHash('sha256').update(decisionEventId, 'utf8').digest('base64url').slice(0, 43)}`;
}

/** The decision a reward event names, if any (rewards of the ranker's API and of tracked events do). */
function decisionOf(valid: ValidEvent): string | undefined {
  if (valid.event.type !== 'reward') return undefined;
  const eventId = valid.event.decision?.eventId;
  return typeof eventId === 'string' && eventId !== '' ? eventId : undefined;
}

/** The share of the ledger's reward that its entry `k` brings. */
export function creditOf(ledger: Pick<RewardLedgerDocument, 'entries' | 'min' | 'max'>, k: number): RewardCredit {
  const clamp = (x: number) => Math.min(ledger.max, Math.max(ledger.min, x));
  let before = 0;
  for (let i = 0; i < k; i++) before = addMoney(before, roundMoney(ledger.entries[i].value));
  const previous = k === 0 ? 0 : clamp(before);
  const after = clamp(addMoney(before, roundMoney(ledger.entries[k].value)));
  return {
    rewards: k === 0 ? 1 : 0,
    rewardSum: addMoney(after, -previous),
    positiveRewards: (after > 0 ? 1 : 0) - (k > 0 && previous > 0 ? 1 : 0),
  };
}

interface LedgerWork {
  eventId: string;
  id: string;
  rewards: ValidEvent[];
  conflicts: number;
  transientFailures: number;
}

/**
 * Enters the reward events of `events` (one partition's batch, in sequence order) in their
 * decisions' ledgers and sets each one's `reward` credit. Throws when Cosmos DB keeps failing
 * (the trigger's retry redelivers the batch, harmlessly).
 */
export async function resolveRewardCredits(partitionId: string, events: ValidEvent[], deps: RewardLedgerDeps): Promise<RewardLedgerResult> {
  const byDecision = new Map<string, LedgerWork>();
  for (const valid of events) {
    const eventId = decisionOf(valid);
    if (eventId === undefined) continue;
    let work = byDecision.get(eventId);
    if (!work) byDecision.set(eventId, (work = { eventId, id: ledgerIdOf(eventId), rewards: [], conflicts: 0, transientFailures: 0 }));
    work.rewards.push(valid);
  }
  const result: RewardLedgerResult = { rewards: 0, superseded: 0, ledgersWritten: 0 };
  if (byDecision.size === 0) return result;
  const policy = deps.policy ?? DEFAULT_REWARD_POLICY;
  const retry = { ...DEFAULT_RETRY, ...deps.retry };
  const maxConflicts = deps.maxConflictRounds ?? 25;
  const container = deps.aggregates;
  let full = 0;

  for (let pending = [...byDecision.values()]; pending.length > 0; ) {
    const reads = await bulk(container, pending.map((w) => ({ operationType: BulkOperationType.Read, id: w.id, partitionKey: w.id })), retry);
    const next: LedgerWork[] = [];
    const writes: OperationInput[] = [];
    const writers: { work: LedgerWork; ledger: RewardLedgerDocument }[] = [];
    pending.forEach((work, i) => {
      const read = reads[i];
      if (read.statusCode !== 200 && read.statusCode !== 404) {
        if (failed(work, read, 'read', retry, maxConflicts)) next.push(work);
        return;
      }
      const existing = read.statusCode === 200 ? (read.resourceBody as RewardLedgerDocument) : undefined;
      const ledger: RewardLedgerDocument = existing
        ? { ...existing, entries: [...existing.entries] }
        : { id: work.id, pk: work.id, kind: REWARD_LEDGER_KIND, eventId: work.eventId, aggregation: policy.aggregation, min: policy.min, max: policy.max, entries: [] };
      let changed = false;
      for (const valid of work.rewards) {
        if (ledger.entries.some((e) => e.id === valid.event.id)) continue;
        const room = ledger.aggregation === 'sum' ? MAX_LEDGER_ENTRIES : 1;
        if (ledger.entries.length >= room) {
          if (ledger.aggregation === 'sum') full++;
          continue;
        }
        ledger.entries.push({ id: valid.event.id, partition: partitionId, seq: valid.sequenceNumber, value: roundMoney(valid.event.value ?? 0) });
        changed = true;
      }
      if (!changed) {
        assignCredits(work, ledger, partitionId, result);
        return;
      }
      const { _rid: _a, _self: _b, _etag: _c, _attachments: _d, _ts: _e, ...body } = ledger;
      writes.push(
        existing
          ? { operationType: BulkOperationType.Replace, id: work.id, partitionKey: work.id, resourceBody: body as JSONObject, ifMatch: read.eTag ?? String(existing._etag) }
          : { operationType: BulkOperationType.Create, partitionKey: work.id, resourceBody: body as JSONObject },
      );
      writers.push({ work, ledger });
    });
    const written = await bulk(container, writes, retry);
    written.forEach((response, i) => {
      const { work, ledger } = writers[i];
      if (response.statusCode === 200 || response.statusCode === 201) {
        result.ledgersWritten++;
        assignCredits(work, ledger, partitionId, result);
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
  if (full > 0) deps.log?.(`reward ledger: ${full} rewards beyond ${MAX_LEDGER_ENTRIES} per decision were not counted`);
  return result;
}

/** Sets each reward event's credit from the (written) ledger: only the occurrence the ledger names counts. */
function assignCredits(work: LedgerWork, ledger: RewardLedgerDocument, partitionId: string, result: RewardLedgerResult): void {
  const credited = new Set<number>();
  for (const valid of work.rewards) {
    result.rewards++;
    const k = ledger.entries.findIndex((e) => e.id === valid.event.id);
    const entry = ledger.entries[k];
    // A copy of a counted reward at another place in the hub (a re-sent tracked event), or twice
    // in one envelope, adds nothing; the very same message redelivered gets its credit again.
    if (entry === undefined || entry.partition !== partitionId || entry.seq !== valid.sequenceNumber || credited.has(k)) {
      valid.reward = NO_REWARD_CREDIT;
      result.superseded++;
      continue;
    }
    credited.add(k);
    valid.reward = creditOf(ledger, k);
  }
}

/** Whether a failed operation is tried again in the next round; throws when it may not be. */
function failed(work: LedgerWork, response: OperationResponse, what: string, retry: RetryOptions, maxConflicts: number): boolean {
  const status = response.statusCode;
  if (status === 412 || status === 409) {
    if (++work.conflicts < maxConflicts) return true;
    throw new Error(`reward ledger ${work.id}: still conflicting after ${maxConflicts} rounds`);
  }
  const error = Object.assign(new Error(`Cosmos DB answered ${status} to the ${what} of reward ledger ${work.id}`), { code: status });
  if (isTransientError(error) && ++work.transientFailures < retry.maxAttempts) return true;
  throw error;
}
