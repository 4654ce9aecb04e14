// Purchase history → tracked `purchase` events → the raw archive, in Capture's format and layout,
// written by the archive function's own ArchiveWriter. A basket (invoice) of one shopper is one
// message, an envelope of its lines, as the capture endpoint sends one request's events of a
// user; messages are keyed by shopper and hashed to partitions as Event Hubs does, numbered in
// time order per partition and enqueued at the purchase time. The numbering is deterministic,
// so importing the same file again writes nothing new (the writer skips archived sequence
// numbers). Imports go under their own hub path (`history-<source>/events/<partition>/…`), so they
// never interleave with the live hub's sequence numbers; training reads every hub path.
import type { ContainerClient } from '@azure/storage-blob';
import { ArchiveWriter } from '../../archive/archiveWriter';
import { validateClientEvent } from '../../events/eventValidation';
import { envelopeMessages } from '../../events/eventEnvelope';
import { partitionIndexForKey } from '../../events/partitionKeyHash';
import type { ClientEvent, TrackedEvent } from '../../events/eventSchema';
import type { ReceivedBatch, ReceivedEvent } from '../../events/receivedBatch';
import type { HistoryLine } from './historyRows';
import { HistoryFileError } from './readCsvFile';

export const HISTORY_ENVELOPE_BYTES = 192 * 1024;

export interface Basket {
  basket: string;
  /** userId, or the guest's anonymousId. */
  key: string;
  guest: boolean;
  timeMs: number;
  events: TrackedEvent[];
}

export interface BasketOptions {
  /** Prefix of event ids, so two sources never share one. Default `history`. */
  source?: string;
  /** 'basket': a guest checkout becomes an anonymous shopper of one basket; 'skip': left out. */
  guests?: 'basket' | 'skip';
  currency?: string;
}

/** Groups time-ordered lines into baskets (one shopper's invoice) of validated purchase events. */
export function basketsOf(lines: readonly HistoryLine[], opts: BasketOptions = {}): { baskets: Basket[]; skippedGuestLines: number } {
  const source = opts.source ?? 'history';
  const currency = opts.currency ?? 'GBP';
  const open = new Map<string, Basket>();
  const baskets: Basket[] = [];
  let skippedGuestLines = 0;
  for (const line of lines) {
    const guest = line.user === undefined;
    if (guest && opts.guests === 'skip') {
      skippedGuestLines++;
      continue;
    }
    const key = guest ? `guest-${line.basket}` : line.user!;
    const id = `${line.basket}\u0000${key}`;
    let basket = open.get(id);
    if (!basket) {
      basket = { basket: line.basket, key, guest, timeMs: line.timeMs, events: [] };
      open.set(id, basket);
      baskets.push(basket);
    }
    const receivedAt = new Date(line.timeMs);
    const event: ClientEvent = {
      id: `${source}:${line.basket}:${basket.events.length}`,
      type: 'purchase',
      ...(guest ? { anonymousId: key } : { userId: key }),
      timestamp: receivedAt.toISOString(),
      productId: line.item,
      value: Math.round(line.quantity * line.unitPrice * 100) / 100,
      quantity: line.quantity,
      currency,
      ...(line.category ? { category: line.category.slice(0, 128) } : {}),
      properties: {
        basketId: line.basket,
        unitPrice: line.unitPrice,
        ...(line.country ? { country: line.country.slice(0, 128) } : {}),
      },
    };
    const checked = validateClientEvent(event, receivedAt);
    if (!checked.ok) {
      const first = checked.errors[0];
      throw new HistoryFileError(`line ${line.line}`, `makes an invalid event: ${first.field} ${first.message}`);
    }
    basket.events.push(checked.event);
  }
  return { baskets, skippedGuestLines };
}

export interface HistoryArchiveOptions {
  source?: string;
  partitions?: number;
  /** Messages per write (one Avro block per window touched). Default 2,000. */
  batchSize?: number;
  /** Window of one blob chain; a day keeps a history of years to a few thousand blobs. Default 1440. */
  windowMinutes?: number;
  progress?: (p: { step: string; done: number; total?: number }) => void;
}

export interface HistoryArchiveResult {
  messages: number;
  events: number;
  archived: number;
  skippedDuplicates: number;
  blobs: number;
  hubPath: string;
}

/** Writes baskets to the archive container; returns what was written. */
export async function writeHistoryArchive(container: ContainerClient, baskets: readonly Basket[], opts: HistoryArchiveOptions = {}): Promise<HistoryArchiveResult> {
  const source = (opts.source ?? 'history').replace(/[^A-Za-z0-9-]/g, '-');
  const partitions = opts.partitions ?? 4;
  const batchSize = opts.batchSize ?? 2000;
  const writer = new ArchiveWriter(container, { windowMinutes: opts.windowMinutes ?? 1440 });
  const namespace = `history-${source}`;
  const byPartition = new Map<string, ReceivedEvent[]>();
  let events = 0;
  const ordered = [...baskets].sort((a, b) => a.timeMs - b.timeMs);
  for (const basket of ordered) {
    const partitionId = String(partitionIndexForKey(basket.key, partitions));
    let list = byPartition.get(partitionId);
    if (!list) byPartition.set(partitionId, (list = []));
    for (const message of envelopeMessages(basket.events, HISTORY_ENVELOPE_BYTES)) {
      const seq = list.length;
      list.push({ body: message.body, sequenceNumber: seq, offset: String(seq), enqueuedTimeUtc: new Date(basket.timeMs), partitionKey: basket.key, properties: {} });
    }
    events += basket.events.length;
  }
  const messages = [...byPartition.values()].reduce((n, l) => n + l.length, 0);
  const result: HistoryArchiveResult = { messages, events, archived: 0, skippedDuplicates: 0, blobs: 0, hubPath: `${namespace}/events` };
  const blobs = new Set<string>();
  let done = 0;
  for (const [partitionId, list] of [...byPartition].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    for (let i = 0; i < list.length; i += batchSize) {
      const batch: ReceivedBatch = {
        fullyQualifiedNamespace: `${namespace}.servicebus.windows.net`,
        eventHubName: 'events',
        consumerGroup: 'archive',
        partitionId,
        events: list.slice(i, i + batchSize),
      };
      const written = await writer.write(batch);
      result.archived += written.archived;
      result.skippedDuplicates += written.skippedDuplicates;
      for (const b of written.blobs) blobs.add(b);
      done += batch.events.length;
      opts.progress?.({ step: 'write archive', done, total: messages });
    }
  }
  result.blobs = blobs.size;
  return result;
}
