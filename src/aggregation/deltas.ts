// The CPU half of aggregation: turns one partition's batch into per-document deltas, without I/O.
// Each delta also remembers which events made it, so the I/O half can rebuild it without the
// events a stored document has already applied.
import type { OperationResponse } from '@azure/cosmos';
import type { TrackedEvent } from '../events/eventSchema';
import type { ReceivedBatch, ReceivedEvent } from '../events/receivedBatch';
import { eventsInBody } from '../events/eventEnvelope';
import { checkEventValue, decodeBody } from '../events/eventValidation';
import {
  addEventToCounters, campaignOf, channelOf, countsForWebChannel, countsForOffer, countsForProduct, decisionSourceOf, offerOf, zeroCounters,
  type AggregateKind, type Counters, type RewardCredit, offerSegmentOf,
} from './aggregateKinds';
import { addEventToProfile, emptyProfile, eventIdKey, remembersId, type ProfileAccumulator } from './profile';
import { hourOfDay, isoDayOfWeek, validateWindows, windowStartMs } from './windows';

export interface ValidEvent {
  event: TrackedEvent;
  sequenceNumber: number;
  timeMs: number;
  /** When the hub enqueued the message (epoch ms), if the trigger said; tells a restarted hub from a redelivery. */
  enqueuedMs?: number;
  /** Where in the hub it is: `partition/sequence/position` (events of one envelope share the sequence number). */
  place: string;
  /** What the user's profile remembers of the id (eventIdKey), for the tracked events whose ids it remembers (remembersId). */
  idKey?: string;
  /** A reward event's share of its decision's reward (set by resolveRewardCredits); counted as it is when absent. */
  reward?: RewardCredit;
}

export interface PoisonEvent {
  event: ReceivedEvent;
  /** Which event of an envelope message (see src/events/eventEnvelope.ts) is bad; `event.body` is then that event alone. */
  position?: number;
  reason: string;
}

interface DeltaBase {
  /** Indexes into `ComputedDeltas.events`, ascending sequence numbers. */
  eventIndexes: number[];
  minSeq: number;
  maxSeq: number;
}

export interface AggregateDelta extends DeltaBase {
  target: 'aggregates';
  kind: AggregateKind;
  /** The fields that identify the document besides its window (offerId, productId, …). */
  keyFields: Record<string, string | number>;
  /** Key value used in the id and partition key (offerId, productId, channel, eventType). */
  keyValue: string;
  windowMinutes: number;
  windowStartMs: number;
  counters: Counters;
}

export interface ProfileDelta extends DeltaBase {
  target: 'profiles';
  /** userId, or anonymousId for anonymous users. */
  userKey: string;
  anonymous: boolean;
  profile: ProfileAccumulator;
}

export type DocumentDelta = AggregateDelta | ProfileDelta;

/** A batch's bodies checked and expanded: the valid events in sequence order, and the rest. */
export interface DecodedBatch {
  partitionId: string;
  events: ValidEvent[];
  poison: PoisonEvent[];
}

export interface ComputedDeltas extends DecodedBatch {
  deltas: DocumentDelta[];
  /** Profile documents the batch read already (id → the read's answer), so applyDeltas need not read them again. */
  prefetchedProfiles?: ReadonlyMap<string, OperationResponse>;
}

function keyFieldsOf(kind: AggregateKind, keyValue: string, timeMs: number): Record<string, string | number> {
  switch (kind) {
    case 'eventType': return { eventType: keyValue };
    case 'offer': return { offerId: keyValue };
    case 'offerSegment': {
      const cut = keyValue.lastIndexOf('|');
      return { offerId: keyValue.slice(0, cut), segment: keyValue.slice(cut + 1) };
    }
    case 'product': return { productId: keyValue };
    case 'decisionSource': return { source: keyValue };
    case 'campaign': return { campaignId: keyValue };
    case 'channel': return { webChannel: keyValue, dayOfWeek: isoDayOfWeek(timeMs), hourOfDay: hourOfDay(timeMs) };
  }
}

function touch(delta: DeltaBase, index: number, seq: number): void {
  delta.eventIndexes.push(index);
  if (seq < delta.minSeq) delta.minSeq = seq;
  if (seq > delta.maxSeq) delta.maxSeq = seq;
}

/** Adds one event to the profile or aggregate it belongs to (used both here and for rebuilds). */
export function addEventToDelta(delta: DocumentDelta, valid: ValidEvent): void {
  if (delta.target === 'profiles') addEventToProfile(delta.profile, valid.event, valid.timeMs, valid);
  else addEventToCounters(delta.kind, delta.counters, valid.event, valid.reward);
}

/** A copy of `delta` holding only the events with a sequence number above `afterSeq`. */
export function rebuildDelta(delta: DocumentDelta, events: ValidEvent[], afterSeq: number): DocumentDelta {
  const rebuilt: DocumentDelta =
    delta.target === 'profiles'
      ? { ...delta, eventIndexes: [], minSeq: Infinity, maxSeq: -Infinity, profile: emptyProfile() }
      : { ...delta, eventIndexes: [], minSeq: Infinity, maxSeq: -Infinity, counters: zeroCounters(delta.kind) };
  for (const index of delta.eventIndexes) {
    const valid = events[index];
    if (valid.sequenceNumber <= afterSeq) continue;
    touch(rebuilt, index, valid.sequenceNumber);
    addEventToDelta(rebuilt, valid);
  }
  return rebuilt;
}

/** Checks and expands every body of the batch (envelopes into their events); bad ones become poison. */
export function decodeBatch(batch: ReceivedBatch): DecodedBatch {
  const events: ValidEvent[] = [];
  const poison: PoisonEvent[] = [];
  for (const received of batch.events) {
    const seq = received.sequenceNumber;
    if (!Number.isSafeInteger(seq) || seq < 0) {
      poison.push({ event: received, reason: 'sequenceNumber: must be a non-negative integer' });
      continue;
    }
    const enqueuedMs = received.enqueuedTimeUtc instanceof Date && !Number.isNaN(received.enqueuedTimeUtc.getTime()) ? received.enqueuedTimeUtc.getTime() : undefined;
    const decoded = decodeBody(received.body);
    if (!decoded.ok) {
      poison.push({ event: received, reason: decoded.reason });
      continue;
    }
    const items = eventsInBody(decoded.value);
    if (items.length === 0) poison.push({ event: received, reason: 'body: is an empty envelope (array)' });
    for (let position = 0; position < items.length; position++) {
      const check = checkEventValue(items[position]);
      if (!check.ok) {
        // One bad event of an envelope goes to the dead letters alone; the others count.
        poison.push(
          Array.isArray(decoded.value)
            ? { event: { ...received, body: JSON.stringify(items[position]) }, position, reason: `[${position}] ${check.reason}` }
            : { event: received, reason: check.reason },
        );
        continue;
      }
      const valid: ValidEvent = { event: check.event, sequenceNumber: seq, timeMs: check.timeMs, enqueuedMs, place: `${batch.partitionId}/${seq}/${position}` };
      if (remembersId(check.event)) valid.idKey = eventIdKey(check.event.id);
      events.push(valid);
    }
  }
  return { partitionId: batch.partitionId, events, poison };
}

/** The per-document deltas of a batch (decoded here unless given, e.g. with reward credits set). */
export function computeDeltas(batch: ReceivedBatch, windowsMinutes: number[], decoded: DecodedBatch = decodeBatch(batch)): ComputedDeltas {
  validateWindows(windowsMinutes);
  const largestWindow = Math.max(...windowsMinutes);
  const { events, poison } = decoded;
  const aggregates = new Map<string, AggregateDelta>();
  const profiles = new Map<string, ProfileDelta>();

  const aggregate = (
    mapKey: string, kind: AggregateKind, keyValue: string, minutes: number, start: number, valid: ValidEvent,
  ): AggregateDelta => {
    let delta = aggregates.get(mapKey);
    if (delta === undefined) {
      delta = {
        target: 'aggregates', kind, keyValue, keyFields: keyFieldsOf(kind, keyValue, valid.timeMs),
        windowMinutes: minutes, windowStartMs: start, counters: zeroCounters(kind),
        eventIndexes: [], minSeq: Infinity, maxSeq: -Infinity,
      };
      aggregates.set(mapKey, delta);
    }
    return delta;
  };

  for (let index = 0; index < events.length; index++) {
    const valid = events[index];
    const { event, timeMs, sequenceNumber: seq, reward } = valid;

    const userKey = event.userId ?? event.anonymousId!;
    let profile = profiles.get(userKey);
    if (profile === undefined) {
      profile = {
        target: 'profiles', userKey, anonymous: event.userId === undefined, profile: emptyProfile(),
        eventIndexes: [], minSeq: Infinity, maxSeq: -Infinity,
      };
      profiles.set(userKey, profile);
    }
    touch(profile, index, seq);
    addEventToProfile(profile.profile, event, timeMs, valid);

    const offerId = countsForOffer(event) ? offerOf(event) : undefined;
    const productId = countsForProduct(event) ? event.productId : undefined;
    const channel = countsForWebChannel(event) ? channelOf(event) : undefined;
    const decisionSource = decisionSourceOf(event);
    const campaignId = campaignOf(event);
    const segment = offerId !== undefined ? offerSegmentOf(event) : undefined;
    const slot = `${isoDayOfWeek(timeMs)}\u001f${hourOfDay(timeMs)}`;
    for (const minutes of windowsMinutes) {
      const start = windowStartMs(timeMs, minutes);
      const suffix = `\u001f${minutes}\u001f${start}`;
      let d = aggregate(`t\u001f${event.type}${suffix}`, 'eventType', event.type, minutes, start, valid);
      touch(d, index, seq);
      d.counters.count++;
      if (channel !== undefined) {
        d = aggregate(`c\u001f${channel}\u001f${slot}${suffix}`, 'channel', channel, minutes, start, valid);
        touch(d, index, seq);
        addEventToCounters('channel', d.counters, event, reward);
      }
      if (offerId !== undefined) {
        d = aggregate(`o\u001f${offerId}${suffix}`, 'offer', offerId, minutes, start, valid);
        touch(d, index, seq);
        addEventToCounters('offer', d.counters, event, reward);
        // Per-segment counts feed the ranker's cold-start priors, which read the largest window only.
        if (segment !== undefined && minutes === largestWindow) {
          d = aggregate(`s\u001f${offerId}|${segment}${suffix}`, 'offerSegment', `${offerId}|${segment}`, minutes, start, valid);
          touch(d, index, seq);
          addEventToCounters('offerSegment', d.counters, event);
        }
      }
      if (campaignId !== undefined) {
        d = aggregate(`m\u001f${campaignId}${suffix}`, 'campaign', campaignId, minutes, start, valid);
        touch(d, index, seq);
        addEventToCounters('campaign', d.counters, event);
      }
      if (decisionSource !== undefined) {
        d = aggregate(`r\u001f${decisionSource}${suffix}`, 'decisionSource', decisionSource, minutes, start, valid);
        touch(d, index, seq);
        addEventToCounters('decisionSource', d.counters, event, reward);
      }
      if (productId !== undefined) {
        d = aggregate(`p\u001f${productId}${suffix}`, 'product', productId, minutes, start, valid);
        touch(d, index, seq);
        addEventToCounters('product', d.counters, event);
      }
    }
  }
  return { partitionId: decoded.partitionId, events, poison, deltas: [...aggregates.values(), ...profiles.values()] };
}
