// Aggregation benchmark: the batch handler's own CPU work (events/s, no Cosmos DB), the number
// of Cosmos DB operations it needs per event and per distinct document, and the end-to-end rate
// against the local Cosmos DB emulator in its own process (as under `npm start`), every partition's
// batches handled at once as the Functions host does (each partition in order).
//   npx tsc -p tsconfig.json && node dist/bench/run.js process [events=200000] [sampleBatches=20 per partition, 0 = CPU only]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import type { TrackedEvent } from '../src/events/eventSchema';
import type { ReceivedBatch, ReceivedEvent } from '../src/events/receivedBatch';
import { partitionKeyOf } from '../src/events/eventSchema';
import { partitionIndexForKey } from '../src/events/partitionKeyHash';
import { seededRandom } from '../src/learners/epsilonGreedy';
import { computeDeltas } from '../src/aggregation/deltas';
import { foldDelta, locate, type StoredDocument } from '../src/aggregation/documents';
import { aggregateBatch } from '../src/aggregation/aggregateBatch';
import { documentCacheFor, DOCUMENT_CACHE_BUDGET_BYTES } from '../src/aggregation/documentCache';
import { ensureContainers, AGGREGATES_CONTAINER, PROFILES_CONTAINER } from '../src/aggregation/containers';
import { startCosmosService } from '../tools/local/localServices';
import { createProgressRenderer } from '../tools/cli/progress';
import { nonNegativeInteger, positional, positiveInteger } from '../tools/cli/commandLine';

const USERS = 10_000;
const OFFERS = 50;
const PRODUCTS = 500;
const BATCH = 500;
const PARTITIONS = 8;
const WINDOWS = [60, 1440];
const TYPES: [TrackedEvent['type'], number][] = [
  ['page_view', 30], ['product_view', 25], ['add_to_cart', 8], ['remove_from_cart', 2], ['purchase', 3],
  ['offer_view', 15], ['offer_click', 4], ['decision', 10], ['reward', 3], ['activation', 2],
];
const CHANNELS = ['web', 'app', 'email', 'social', undefined];
const CATEGORIES = Array.from({ length: 40 }, (_, i) => `category-${i}`);

function generator(seed: number) {
  // (An LCG here used to lose its low bits in floating point and cycle through ~2,000 users.)
  const rnd = seededRandom(seed);
  const total = TYPES.reduce((n, [, w]) => n + w, 0);
  const pickType = () => {
    let r = rnd() * total;
    for (const [type, w] of TYPES) if ((r -= w) < 0) return type;
    return 'page_view';
  };
  // Popularity is skewed, as in a real shop: a few products and offers get most of the traffic.
  const skewed = (n: number) => Math.floor(n * rnd() * rnd());
  let clock = Date.parse('2025-06-01T00:00:00Z');
  let n = 0;
  return (): TrackedEvent => {
    clock += Math.floor(rnd() * 40); // ~50 events/s of event time
    const type = pickType();
    const user = Math.floor(rnd() * USERS);
    const timestamp = new Date(clock).toISOString();
    const e: TrackedEvent = {
      id: `evt-${seed}-${n++}`, type, schemaVersion: 1, timestamp, receivedAt: timestamp,
      ...(user % 5 === 0 ? { anonymousId: `anon-${user}` } : { userId: `user-${user}` }),
      context: { device: 'mobile', page: '/products', ...(rnd() < 0.8 ? { channel: CHANNELS[Math.floor(rnd() * CHANNELS.length)] } : {}) },
    };
    if (type === 'product_view' || type === 'add_to_cart' || type === 'remove_from_cart' || type === 'purchase') {
      const product = skewed(PRODUCTS);
      e.productId = `sku-${product}`;
      e.category = CATEGORIES[product % CATEGORIES.length];
      if (type === 'purchase') {
        e.value = Math.round(rnd() * 20_000) / 100;
        e.quantity = 1 + Math.floor(rnd() * 3);
        e.currency = 'EUR';
      }
    }
    if (type === 'offer_view' || type === 'offer_click' || type === 'reward' || type === 'activation') e.offerId = `offer-${skewed(OFFERS)}`;
    if (type === 'reward') e.value = rnd() < 0.3 ? 1 : 0;
    if (type === 'decision') {
      e.offerId = `offer-${skewed(OFFERS)}`;
      e.decision = { rewardActionId: e.offerId, policy: 'epsilon-greedy', probability: rnd() };
    }
    return e;
  };
}

/**
 * Batches as the partitions' consumers receive them: each event goes to the partition of its
 * partition key (the user, as the capture function sends it), sequence numbers per partition.
 */
function makeBatches(events: number, seed: number, asBytes: boolean): ReceivedBatch[] {
  const next = generator(seed);
  const sequences = new Array<number>(PARTITIONS).fill(0);
  const filling: ReceivedEvent[][] = Array.from({ length: PARTITIONS }, () => []);
  const batches: ReceivedBatch[] = [];
  for (let made = 0; made < events; made++) {
    const event = next();
    const partition = partitionIndexForKey(partitionKeyOf(event), PARTITIONS);
    const list = filling[partition];
    list.push({
      body: asBytes ? Buffer.from(JSON.stringify(event)) : event,
      sequenceNumber: sequences[partition]++,
      offset: '0',
      enqueuedTimeUtc: new Date(),
      properties: {},
    });
    if (list.length === BATCH) {
      batches.push({ fullyQualifiedNamespace: 'bench', eventHubName: 'events', consumerGroup: 'aggregate', partitionId: String(partition), events: list });
      filling[partition] = [];
    }
  }
  return batches;
}

function timeCpu(batches: ReceivedBatch[], fold: boolean): { eventsPerSec: number; documentsPerBatch: number } {
  const store = new Map<string, StoredDocument>();
  let events = 0;
  let documents = 0;
  const started = process.hrtime.bigint();
  for (const batch of batches) {
    const computed = computeDeltas(batch, WINDOWS);
    events += batch.events.length;
    documents += computed.deltas.length;
    if (!fold) continue;
    for (const delta of computed.deltas) {
      const location = locate(delta);
      const key = `${location.container}/${location.id}`;
      store.set(key, foldDelta(store.get(key), delta, location, computed.partitionId));
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { eventsPerSec: Math.round(events / seconds), documentsPerBatch: Math.round(documents / batches.length) };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const totalEvents = positional(args, 0, 'events', positiveInteger, 200_000);
  const sampleBatches = positional(args, 1, 'sampleBatches', nonNegativeInteger, 20);

  const objects = makeBatches(totalEvents, 7, false);
  const bytes = makeBatches(Math.min(totalEvents, 100_000), 7, true);
  timeCpu(objects.slice(0, 20), true); // warm-up
  // Best of three: the machine is shared, and the slower runs measure the neighbours.
  const best = (batches: ReceivedBatch[], fold: boolean) =>
    [1, 2, 3].map(() => timeCpu(batches, fold)).reduce((a, b) => (b.eventsPerSec > a.eventsPerSec ? b : a));
  const deltasOnly = best(objects, false);
  const withFold = best(objects, true);
  const fromBytes = best(bytes, true);

  const cpu = {
    computeDeltasEventsPerSec: deltasOnly.eventsPerSec,
    handlerCpuEventsPerSec: withFold.eventsPerSec,
    handlerCpuEventsPerSecFromJsonBytes: fromBytes.eventsPerSec,
    cpuEvents: totalEvents,
    distinctDocumentsPerBatchOf500: withFold.documentsPerBatch,
  };
  if (sampleBatches === 0) return cpu;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-process-'));
  const cosmos = await startCosmosService(dataDir, 0, () => {});
  const client = new CosmosClient({ connectionString: cosmos.connectionString, connectionPolicy: { enableEndpointDiscovery: false } });
  try {
    // A quarter more than needed: the users do not spread over the partitions exactly evenly.
    const all = makeBatches(Math.ceil(sampleBatches * PARTITIONS * BATCH * 1.25), 11, false);
    const byPartition = Array.from({ length: PARTITIONS }, (_, p) => all.filter((b) => b.partitionId === String(p)).slice(0, sampleBatches));
    const sample = byPartition[0];
    const progress = createProgressRenderer(process.stderr);
    /** The partitions' batches into a fresh database, each partition in order, the partitions at once. */
    const aggregateInto = async (database: string, partitions: ReceivedBatch[][], step: string) => {
      await ensureContainers(client, database);
      const db = client.database(database);
      const deps = { aggregates: db.container(AGGREGATES_CONTAINER), profiles: db.container(PROFILES_CONTAINER), windowsMinutes: WINDOWS };
      const total = partitions.reduce((n, b) => n + b.length, 0);
      const tally = { events: 0, documents: 0, operations: 0, seconds: 0, deps };
      let done = 0;
      const started = Date.now();
      await Promise.all(partitions.map(async (batches) => {
        for (const batch of batches) {
          const r = await aggregateBatch(batch, deps);
          tally.events += r.events;
          tally.documents += r.documents;
          tally.operations += r.cosmosOperations;
          progress.update({ step, done: ++done, total });
        }
      }));
      progress.end();
      tally.seconds = (Date.now() - started) / 1000;
      return tally;
    };
    // One consumer (one partition, as before the emulator existed), then every partition at once.
    const single = await aggregateInto('bench-one', [sample], 'one partition');
    const { events, documents, operations, seconds, deps } = await aggregateInto('bench', byPartition, 'all partitions');
    // What the versions it wrote last (read instead of Cosmos DB: src/aggregation/documentCache.ts) hold now.
    const caches = [documentCacheFor(deps.profiles), documentCacheFor(deps.aggregates)];
    const cached = { entries: caches.reduce((n, c) => n + c.size, 0), estimatedBytes: caches.reduce((n, c) => n + c.estimatedBytes, 0) };
    // The hub delivering batches again (the caches are forgotten then: every document is read).
    let replayOperations = 0;
    for (const batch of sample.slice(0, 3)) replayOperations += (await aggregateBatch(batch, deps)).cosmosOperations;
    const endToEnd = Math.round(events / seconds);
    return {
      ...cpu,
      sampleEvents: events,
      sampleDistinctDocuments: documents,
      cosmosOperationsPer1000Events: Math.round((operations / events) * 1000 * 10) / 10,
      cosmosOperationsPerDistinctDocument: Math.round((operations / documents) * 100) / 100,
      replayCosmosOperationsPerDistinctDocument: Math.round((replayOperations / sample.slice(0, 3).reduce((n, b) => n + computeDeltas(b, WINDOWS).deltas.length, 0)) * 100) / 100,
      endToEndOnePartitionEventsPerSec: Math.round(single.events / single.seconds),
      endToEndEventsPerSec: endToEnd,
      endToEndEventsPerSecTarget: 5000,
      endToEndPartitions: PARTITIONS,
      documentCacheEntries: cached.entries,
      documentCacheEstimatedMb: Math.round(cached.estimatedBytes / 1e5) / 10,
      documentCacheBudgetMbPerContainer: DOCUMENT_CACHE_BUDGET_BYTES / 1024 / 1024,
      users: USERS,
      offers: OFFERS,
      products: PRODUCTS,
      batchSize: BATCH,
      windowsMinutes: WINDOWS,
    };
  } finally {
    client.dispose();
    await cosmos.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
