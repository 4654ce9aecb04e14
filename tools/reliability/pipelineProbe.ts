// What the drivers read from the pipeline's stores: consumer lag (last enqueued sequence number per
// partition vs the triggers' checkpoints), the archive (ground truth) and the Cosmos DB aggregates.
import { EventHubConsumerClient } from '@azure/event-hubs';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { createCosmosClient } from '../../src/clients/cosmosClients';
import { readArchive } from '../../src/archive/archiveReader';
import { checkEventValue } from '../../src/events/eventValidation';
import { decodeCaptureAvro } from '../../src/archive/captureAvro';
import { windowStartMs } from '../../src/aggregation/windows';

export const CHECKPOINT_CONTAINER = 'azure-webjobs-eventhub';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

export interface PartitionLag {
  partitionId: string;
  /** -1 for an empty partition. */
  lastEnqueued: number;
  /** Per consumer group: the checkpointed sequence number (-1 when none yet). */
  checkpoints: Record<string, number>;
}

export interface LagSample {
  partitions: PartitionLag[];
  /** Per consumer group: Σ over partitions of lastEnqueued − checkpoint. */
  lag: Record<string, number>;
  /** Σ over partitions of lastEnqueued + 1 (events ever enqueued, as retention keeps them all). */
  enqueued: number;
}

/** Reads last enqueued sequence numbers from Event Hubs and the checkpoints from Blob storage. */
export class LagProbe {
  private readonly hub: EventHubConsumerClient;
  private readonly checkpoints: ContainerClient;

  constructor(eventHubsConnection: string, hubName: string, blobConnection: string, private readonly consumerGroups: string[]) {
    this.hub = new EventHubConsumerClient('$Default', eventHubsConnection, hubName, { retryOptions: { maxRetries: 1, timeoutInMs: 5_000 } });
    this.checkpoints = BlobServiceClient.fromConnectionString(blobConnection, { retryOptions: { maxTries: 1, tryTimeoutInMs: 5_000 } })
      .getContainerClient(CHECKPOINT_CONTAINER);
  }

  async checkpointsByGroup(): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>();
    for await (const blob of this.checkpoints.listBlobsFlat({ includeMetadata: true, prefix: undefined })) {
      const m = /\/([^/]+)\/checkpoint\/([^/]+)$/.exec(blob.name);
      if (!m) continue;
      const seq = Number(blob.metadata?.sequencenumber);
      if (!Number.isFinite(seq)) continue;
      const group = m[1].toLowerCase();
      if (!out.has(group)) out.set(group, new Map());
      out.get(group)!.set(m[2], seq);
    }
    return out;
  }

  async sample(timeoutMs = 15_000): Promise<LagSample> {
    return withTimeout(this.sampleNow(), timeoutMs, 'lag sample');
  }

  private async sampleNow(): Promise<LagSample> {
    const ids = await this.hub.getPartitionIds();
    const [props, groups] = await Promise.all([
      Promise.all(ids.map((id) => this.hub.getPartitionProperties(id))),
      this.checkpointsByGroup(),
    ]);
    const lag: Record<string, number> = {};
    for (const g of this.consumerGroups) lag[g] = 0;
    let enqueued = 0;
    const partitions = props.map((p) => {
      const last = p.isEmpty ? -1 : p.lastEnqueuedSequenceNumber;
      enqueued += last + 1;
      const checkpoints: Record<string, number> = {};
      for (const g of this.consumerGroups) {
        const cp = groups.get(g.toLowerCase())?.get(p.partitionId) ?? -1;
        checkpoints[g] = cp;
        lag[g] += Math.max(0, last - cp);
      }
      return { partitionId: p.partitionId, lastEnqueued: last, checkpoints };
    });
    return { partitions, lag, enqueued };
  }

  close(): Promise<void> {
    return this.hub.close();
  }
}

/** What the archive holds, deduplicated by (partition, sequence number) as readArchive does. */
export interface ArchiveContents {
  /** Event bodies, one per (partition, sequence number, envelope position), parsed. */
  events: Record<string, unknown>[];
  /** Per partition: sequence numbers (messages) seen, sorted. */
  sequences: Map<string, number[]>;
  /** Records in the blobs beyond one per (partition, sequence number): 0 when archiving is exactly once. */
  rawDuplicates: number;
  /** Bodies that are not JSON objects. */
  unreadable: number;
  /** JSON objects the tracked-event validator refuses: aggregation dead-letters them. */
  invalid: number;
}

export async function readArchiveContents(container: ContainerClient): Promise<ArchiveContents> {
  const events: Record<string, unknown>[] = [];
  const sequences = new Map<string, number[]>();
  let unreadable = 0;
  let invalid = 0;
  for await (const e of readArchive(container)) {
    let list = sequences.get(e.partitionId);
    if (!list) sequences.set(e.partitionId, (list = []));
    // An envelope's events share its sequence number: count the message once.
    if (!e.envelopePosition) list.push(e.sequenceNumber);
    try {
      const body = JSON.parse(e.body.toString('utf8')) as unknown;
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
        events.push(body as Record<string, unknown>);
        if (!checkEventValue(body).ok) invalid++;
      } else unreadable++;
    } catch {
      unreadable++;
    }
  }
  // The blobs themselves, without the reader's deduplication.
  let raw = 0;
  for await (const blob of container.listBlobsFlat()) {
    if (!blob.name.endsWith('.avro')) continue;
    raw += decodeCaptureAvro(await container.getBlobClient(blob.name).downloadToBuffer()).records.length;
  }
  let distinct = 0;
  for (const list of sequences.values()) distinct += list.length;
  return { events, sequences, rawDuplicates: raw - distinct, unreadable, invalid };
}

export async function countBlobs(container: ContainerClient): Promise<number> {
  let n = 0;
  if (!(await container.exists())) return 0;
  for await (const _ of container.listBlobsFlat()) n++;
  return n;
}

// ---- Ground truth: aggregates recomputed from archived events, independently of src/aggregation ----

/** Counters per document group `kind|key|windowMinutes|windowStartMs`; money in integer micro-units. */
export type Expected = Map<string, Record<string, number>>;

const MICRO = 1e6;
const micro = (v: unknown) => Math.round(Number(v ?? 0) * MICRO);

function add(map: Expected, key: string, counters: Record<string, number>): void {
  const into = map.get(key) ?? {};
  for (const [k, v] of Object.entries(counters)) into[k] = (into[k] ?? 0) + v;
  map.set(key, into);
}

const PRODUCT_FIELD: Record<string, string> = { product_view: 'views', add_to_cart: 'addToCarts', remove_from_cart: 'removeFromCarts', purchase: 'purchases' };

/**
 * The counters the aggregates must hold for these events (each user's event id counted once, as
 * the aggregation's event id ledger does, however many copies the archive holds): offer views/clicks, product counters and revenue, event-type counts and channel
 * totals per window, and per-user profile totals.
 */
export function expectedAggregates(events: Record<string, unknown>[], windowsMinutes: number[]): { aggregates: Expected; profiles: Expected } {
  const aggregates: Expected = new Map();
  const profiles: Expected = new Map();
  const seen = new Set<string>();
  for (const e of events) {
    const idKey = `${String(e.userId ?? e.anonymousId)}\u001f${String(e.id)}`;
    if (seen.has(idKey)) continue;
    seen.add(idKey);
    const type = String(e.type);
    const timeMs = Date.parse(String(e.timestamp));
    const context = (e.context ?? {}) as { channel?: string };
    const channel = context.channel || 'direct';
    const isPurchase = type === 'purchase';
    for (const minutes of windowsMinutes) {
      const start = windowStartMs(timeMs, minutes);
      const suffix = `|${minutes}|${start}`;
      add(aggregates, `eventType|${type}${suffix}`, { count: 1 });
      add(aggregates, `channel|${channel}${suffix}`, { events: 1, ...(isPurchase ? { revenue: micro(e.value) } : {}) });
      if ((type === 'offer_view' || type === 'offer_click') && typeof e.offerId === 'string') {
        add(aggregates, `offer|${e.offerId}${suffix}`, type === 'offer_view' ? { views: 1 } : { clicks: 1 });
      }
      if (PRODUCT_FIELD[type] && typeof e.productId === 'string') {
        add(aggregates, `product|${e.productId}${suffix}`, {
          [PRODUCT_FIELD[type]]: 1,
          ...(isPurchase ? { quantity: Number(e.quantity ?? 1), revenue: micro(e.value) } : {}),
        });
      }
    }
    const user = String(e.userId ?? e.anonymousId);
    add(profiles, `profile|${user}`, { events: 1, ...(isPurchase ? { purchases: 1, totalRevenue: micro(e.value) } : {}) });
  }
  return { aggregates, profiles };
}

const KEY_FIELD: Record<string, string> = { offer: 'offerId', product: 'productId', eventType: 'eventType', channel: 'webChannel' };
const MONEY = new Set(['revenue', 'totalRevenue']);

/** The same counters read back from Cosmos DB (documents of one group summed, e.g. a channel's hours). */
export async function storedAggregates(cosmosConnection: string, database = 'personalization'): Promise<{ aggregates: Expected; profiles: Expected; documents: number }> {
  const client = createCosmosClient({ connectionString: cosmosConnection });
  try {
    const db = client.database(database);
    const aggregates: Expected = new Map();
    const profiles: Expected = new Map();
    const { resources } = await db.container('aggregates').items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
    for (const d of resources) {
      const kind = String(d.kind);
      if (!KEY_FIELD[kind]) continue;
      const key = `${kind}|${String(d[KEY_FIELD[kind]])}|${Number(d.windowMinutes)}|${Date.parse(String(d.windowStart))}`;
      const fields =
        kind === 'offer' ? ['views', 'clicks']
          : kind === 'product' ? ['views', 'addToCarts', 'removeFromCarts', 'purchases', 'quantity', 'revenue']
            : kind === 'eventType' ? ['count'] : ['events', 'revenue'];
      const counters: Record<string, number> = {};
      for (const f of fields) counters[f] = MONEY.has(f) ? micro(d[f]) : Number(d[f] ?? 0);
      add(aggregates, key, counters);
    }
    const stored = await db.container('profiles').items.query<Record<string, unknown>>('SELECT c.userId, c.events, c.purchases, c.totalRevenue FROM c').fetchAll();
    for (const p of stored.resources) {
      add(profiles, `profile|${String(p.userId)}`, { events: Number(p.events ?? 0), purchases: Number(p.purchases ?? 0), totalRevenue: micro(p.totalRevenue) });
    }
    return { aggregates, profiles, documents: resources.length + stored.resources.length };
  } finally {
    client.dispose();
  }
}

/** Differences between expected and stored counters (zero counters and absent ones are equal). */
export function diffCounters(expected: Expected, stored: Expected, limit = 20): { mismatches: number; examples: string[] } {
  const keys = new Set([...expected.keys(), ...stored.keys()]);
  let mismatches = 0;
  const examples: string[] = [];
  for (const key of [...keys].sort()) {
    const a = expected.get(key) ?? {};
    const b = stored.get(key) ?? {};
    for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = a[field] ?? 0;
      const y = b[field] ?? 0;
      // Money is stored at 6 decimals; allow one unit of the last place per thousand events summed.
      const tolerance = MONEY.has(field) ? Math.max(1, Math.ceil(Math.abs(x) / 1e9)) : 0;
      if (Math.abs(x - y) > tolerance) {
        mismatches++;
        if (examples.length < limit) examples.push(`${key} ${field}: expected ${MONEY.has(field) ? x / MICRO : x}, stored ${MONEY.has(field) ? y / MICRO : y}`);
      }
    }
  }
  return { mismatches, examples };
}
