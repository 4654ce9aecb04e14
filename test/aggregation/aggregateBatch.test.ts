// Aggregation against the Cosmos DB stand-in through the real SDK: totals match an independent
// ground truth, and redelivery, re-cut batches, partial application and concurrent consumers
// leave them unchanged.
import { describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { aggregateBatch } from '../../src/aggregation/aggregateBatch';
import { computeDeltas } from '../../src/aggregation/deltas';
import { applyDeltas } from '../../src/aggregation/applyDeltas';
import { locate } from '../../src/aggregation/documents';
import type { TrackedEvent } from '../../src/events/eventSchema';
import type { ReceivedEvent } from '../../src/events/receivedBatch';
import {
  aggregateKeyOf, batchOf, cut, expectedAggregates, expectedProfiles, makeEvents, toPartitions,
} from './fixtures/generatedEvents';
import { useAggregationCosmos } from './fixtures/aggregationCosmos';

const WINDOWS = [60, 1440];
const PARTITIONS = 4;
const cosmos = useAggregationCosmos('agg');
const freshDatabase = (name: string) => cosmos.fresh(name);

async function readAll(container: Container): Promise<Record<string, unknown>[]> {
  const { resources } = await container.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
  return resources;
}

/** Documents without server fields, sorted, with float affinities rounded (their sums depend on grouping). */
async function contents(c: { aggregates: Container; profiles: Container }): Promise<unknown[]> {
  const docs = [...(await readAll(c.aggregates)), ...(await readAll(c.profiles))];
  return docs
    .map(({ _rid, _self, _etag, _ts, _attachments, ...rest }) => {
      if (rest.categoryAffinity) {
        rest.categoryAffinity = Object.fromEntries(
          Object.entries(rest.categoryAffinity as Record<string, number>).map(([k, v]) => [k, Number(v.toPrecision(10))]),
        );
      }
      return rest;
    })
    .sort((a, b) => `${a.kind}:${a.id}`.localeCompare(`${b.kind}:${b.id}`));
}

/** Each document's etag, which changes with every write. */
async function etags(c: { aggregates: Container; profiles: Container }): Promise<Record<string, unknown>> {
  const docs = [...(await readAll(c.aggregates)), ...(await readAll(c.profiles))];
  return Object.fromEntries(docs.map((d) => [`${String(d.kind)}:${String(d.id)}`, d._etag]));
}

async function expectGroundTruth(c: { aggregates: Container; profiles: Container }, events: TrackedEvent[]): Promise<void> {
  const truth = expectedAggregates(events);
  const docs = await readAll(c.aggregates);
  expect(docs.length).toBe(truth.size);
  for (const doc of docs) {
    const expected = truth.get(aggregateKeyOf(doc));
    expect(expected, `unexpected document ${String(doc.id)}`).toBeDefined();
    for (const [field, value] of Object.entries(expected!)) {
      if (field === 'revenue' || field === 'rewardSum') expect(doc[field] as number).toBeCloseTo(value as number, 6);
      else expect(doc[field], `${String(doc.id)}.${field}`).toBe(value);
    }
    const fields = Object.entries(doc).filter(([k, v]) => typeof v === 'number' && !k.startsWith('_') && !['windowMinutes', 'dayOfWeek', 'hourOfDay', 'schemaVersion', 'clickThroughRate', 'conversionRate', 'meanReward'].includes(k));
    for (const [field, value] of fields) if (!(field in expected!)) expect(value, `${String(doc.id)}.${field}`).toBe(0);
  }
  const profiles = expectedProfiles(events);
  const stored = await readAll(c.profiles);
  expect(stored.length).toBe(profiles.size);
  for (const doc of stored) {
    const want = profiles.get(doc.userId as string)!;
    expect(want, `unexpected profile ${String(doc.userId)}`).toBeDefined();
    expect(doc.id).toBe(doc.userId);
    expect(doc.events).toBe(want.events);
    for (const [type, n] of Object.entries(doc.counts as Record<string, number>)) expect(n).toBe(want.counts[type] ?? 0);
    expect(doc.totalRevenue as number).toBeCloseTo(want.totalRevenue, 6);
    expect(doc.firstSeen).toBe(want.firstSeen);
    expect(doc.lastSeen).toBe(want.lastSeen);
    expect((doc.lastPurchase as { productId: string } | null)?.productId ?? null).toBe(want.lastPurchaseProductId);
    expect((doc.recentProducts as { productId: string }[]).map((r) => r.productId)).toEqual(want.recentProductIds);
    expect(doc.categoryCounts).toEqual(want.categoryCounts);
    for (const [category, score] of Object.entries(want.categoryAffinity)) {
      expect((doc.categoryAffinity as Record<string, number>)[category]).toBeCloseTo(score, 9);
    }
  }
}

async function runPartitionsInterleaved(
  c: { aggregates: Container; profiles: Container },
  partitions: Map<string, ReceivedEvent[]>,
  sizes: number[],
  from = (_events: ReceivedEvent[]) => 0,
) {
  const results = await Promise.all(
    [...partitions].map(async ([partitionId, events]) => {
      const out = [];
      for (const batch of cut(events.slice(from(events)), sizes)) {
        out.push(await aggregateBatch(batchOf(partitionId, batch), { ...c, windowsMinutes: WINDOWS }));
      }
      return out;
    }),
  );
  return results.flat();
}

const POISON: unknown[] = [
  'not json at all',
  { type: 'page_view', id: 'x1', userId: 'u-poison' }, // no timestamp
  { type: 'teleport', id: 'x2', userId: 'u-poison', timestamp: '2024-03-03T10:00:00Z' },
  { type: 'purchase', id: 'x3', userId: 'u-poison', timestamp: '2024-03-03T10:00:00Z', productId: 'p-1' }, // no value
  [1, 2, 3],
];

describe('aggregateBatch against the Cosmos DB stand-in', () => {
  const events = makeEvents(1200, 1);
  const bodies: unknown[] = [...events];
  POISON.forEach((p, i) => bodies.splice(100 + i * 211, 0, p));
  const partitions = toPartitions(bodies, PARTITIONS);

  it('matches the ground truth, and redelivery and re-cut batches change nothing', async () => {
    const c = await freshDatabase('truth');
    const first = await runPartitionsInterleaved(c, partitions, [150]);
    // The array is an envelope of three events, each of them bad.
    expect(first.reduce((n, r) => n + r.poison.length, 0)).toBe(POISON.length + 2);
    expect(first.flatMap((r) => r.poison.map((p) => p.reason))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^body/), expect.stringMatching(/^timestamp/), expect.stringMatching(/^type/), expect.stringMatching(/^value/)]),
    );
    expect(first.reduce((n, r) => n + r.applied, 0)).toBe(events.length);
    expect(first.reduce((n, r) => n + r.skippedDuplicates, 0)).toBe(0);
    await expectGroundTruth(c, events);
    const before = await contents(c);
    const etagsBefore = await etags(c);

    const replay = await runPartitionsInterleaved(c, partitions, [150]);
    expect(replay.reduce((n, r) => n + r.applied, 0)).toBe(0);
    expect(replay.reduce((n, r) => n + r.skippedDuplicates, 0)).toBe(events.length);
    // A pure replay only reads: at most one operation per document, and no document written.
    for (const r of replay) expect(r.cosmosOperations).toBeLessThanOrEqual(r.documents);
    expect(await etags(c)).toEqual(etagsBefore);
    expect(await contents(c)).toEqual(before);

    const recut = await runPartitionsInterleaved(c, partitions, [37, 113, 7], (list) => Math.floor(list.length / 3));
    expect(recut.reduce((n, r) => n + r.applied, 0)).toBe(0);
    expect(await contents(c)).toEqual(before);
  });

  it('counts each event of an envelope message once, and dead-letters only its bad events', async () => {
    const c = await freshDatabase('envelopes');
    // Every three messages of a partition become one envelope (what the capture endpoint sends).
    const enveloped = new Map(
      [...partitions].map(([partitionId, list]) => {
        const out: ReceivedEvent[] = [];
        for (let i = 0; i < list.length; i += 3) {
          const bodies = list.slice(i, i + 3).map((e) => e.body);
          out.push({ ...list[i], sequenceNumber: out.length, offset: String(out.length * 100), body: Buffer.from(JSON.stringify(bodies)) });
        }
        return [partitionId, out];
      }),
    );
    const first = await runPartitionsInterleaved(c, enveloped, [40]);
    expect(first.reduce((n, r) => n + r.applied, 0)).toBe(events.length);
    const poison = first.flatMap((r) => r.poison);
    // Inside an envelope, 'not json at all' is a string event and [1, 2, 3] one array event.
    expect(poison).toHaveLength(POISON.length);
    for (const p of poison) {
      expect(p.position).toBeTypeOf('number');
      expect(p.reason).toMatch(/^\[\d\] /);
      // The dead letter holds the bad event alone, not its envelope.
      expect(POISON).toContainEqual(JSON.parse(p.event.body as string));
    }
    await expectGroundTruth(c, events);
    const replay = await runPartitionsInterleaved(c, enveloped, [17]);
    expect(replay.reduce((n, r) => n + r.applied, 0)).toBe(0);
    await expectGroundTruth(c, events);
  });

  it('counts the events of a hub whose sequence numbers started again, and still skips their redelivery', async () => {
    const c = await freshDatabase('restart');
    const [partitionId, list] = [...partitions][0];
    const isEvent = (b: unknown): b is TrackedEvent => events.includes(b as TrackedEvent);
    const half = Math.floor(list.length / 2);
    const restartedAt = list[list.length - 1].enqueuedTimeUtc.getTime() + 60_000;
    // The hub recreated: sequence numbers from 0 again, below the documents' marks, enqueued later.
    const restarted = list.slice(half).map((e, i) => ({ ...e, sequenceNumber: i, enqueuedTimeUtc: new Date(restartedAt + i) }));
    const logs: string[] = [];
    const deps = { ...c, windowsMinutes: WINDOWS, log: (line: string) => logs.push(line) };
    for (const batch of cut(list.slice(0, half), [40])) await aggregateBatch(batchOf(partitionId, batch), deps);
    let applied = 0;
    for (const batch of cut(restarted, [40])) applied += (await aggregateBatch(batchOf(partitionId, batch), deps)).applied;
    expect(applied).toBe(restarted.map((e) => e.body).filter(isEvent).length);
    await expectGroundTruth(c, list.map((e) => e.body).filter(isEvent));
    expect(logs).toContainEqual(expect.stringMatching(/^partition \d+: sequence numbers started again/));
    // Redelivered, the restarted hub's events are already counted: marks follow the new sequence.
    for (const batch of cut(restarted, [25])) expect((await aggregateBatch(batchOf(partitionId, batch), deps)).applied).toBe(0);
    await expectGroundTruth(c, list.map((e) => e.body).filter(isEvent));
  });

  it('writes a document shared by batches handed over together once: one read and one write in all', async () => {
    const c = await freshDatabase('group-commit');
    const batches = [...partitions].map(([partitionId, list]) => batchOf(partitionId, list.slice(0, 60)));
    const documents = new Set(batches.flatMap((b) => computeDeltas(b, WINDOWS).deltas.map((d) => JSON.stringify(locate(d)))));
    const perBatch = batches.reduce((n, b) => n + computeDeltas(b, WINDOWS).deltas.length, 0);
    expect(documents.size).toBeLessThan(perBatch * 0.8); // the partitions' batches do share documents
    const results = await Promise.all(batches.map((b) => aggregateBatch(b, { ...c, windowsMinutes: WINDOWS })));
    const operations = results.reduce((n, r) => n + r.cosmosOperations, 0);
    // Each batch reports its share of the shared documents' operations, rounded.
    expect(Math.abs(operations - 2 * documents.size)).toBeLessThanOrEqual(batches.length);
    const sent = batches.flatMap((b) => b.events.map((e) => e.body)).filter((b): b is TrackedEvent => events.includes(b as TrackedEvent));
    expect(results.reduce((n, r) => n + r.applied, 0)).toBe(sent.length);
    await expectGroundTruth(c, sent);
  });

  it('uses one write per distinct document and a read for those it did not write last, and only the read on redelivery', async () => {
    const c = await freshDatabase('operations');
    const [partitionId, list] = [...partitions][0];
    const written = new Set<string>();
    for (const batch of cut(list, [100])) {
      const received = batchOf(partitionId, batch);
      const r = await aggregateBatch(received, { ...c, windowsMinutes: WINDOWS });
      // The versions this process wrote last need no read (src/aggregation/documentCache.ts).
      const locations = computeDeltas(received, WINDOWS).deltas.map((d) => locate(d));
      const unread = locations.filter((l) => !written.has(`${l.container}/${l.id}`)).length;
      expect(r.cosmosOperations).toBe(r.documents + unread);
      for (const l of locations) written.add(`${l.container}/${l.id}`);
    }
    expect(written.size).toBeLessThan(cut(list, [100]).reduce((n, b) => n + computeDeltas(batchOf(partitionId, b), WINDOWS).deltas.length, 0));
    const partitionEvents = list.map((e) => e.body).filter((b): b is TrackedEvent => events.includes(b as TrackedEvent));
    await expectGroundTruth(c, partitionEvents);
    for (const batch of cut(list, [70])) {
      const r = await aggregateBatch(batchOf(partitionId, batch), { ...c, windowsMinutes: WINDOWS });
      expect([r.applied, r.cosmosOperations]).toEqual([0, r.documents]);
    }
  });

  it('recovers from a crash part-way through a batch, redelivered from an earlier checkpoint in other batch sizes', async () => {
    const c = await freshDatabase('crash');
    for (const [partitionId, list] of partitions) {
      const batches = cut(list, [120]);
      // Batch 0 completes; batch 1 crashes after writing a third of its documents; no checkpoint moved past batch 0.
      await aggregateBatch(batchOf(partitionId, batches[0]), { ...c, windowsMinutes: WINDOWS });
      const computed = computeDeltas(batchOf(partitionId, batches[1]), WINDOWS);
      await applyDeltas({ ...computed, deltas: computed.deltas.filter((_, i) => i % 3 === 0) }, c);
    }
    const redelivered = await runPartitionsInterleaved(c, partitions, [45, 200], (list) => Math.min(60, list.length));
    expect(redelivered.reduce((n, r) => n + r.skippedDuplicates, 0)).toBeGreaterThan(0);
    await expectGroundTruth(c, events);
  });

  it('two consumers processing overlapping ranges of the same partitions at once count each event once', async () => {
    const c = await freshDatabase('handover');
    // Both consumers start at or before the last checkpoint (a quarter in), as a handover does.
    for (const [partitionId, list] of partitions) {
      await aggregateBatch(batchOf(partitionId, list.slice(0, Math.floor(list.length / 4))), { ...c, windowsMinutes: WINDOWS });
    }
    await Promise.all([
      runPartitionsInterleaved(c, new Map([...partitions].map(([p, l]) => [p, l.slice(0, Math.floor((l.length * 3) / 4))])), [50], (l) => Math.floor(l.length / 3)),
      runPartitionsInterleaved(c, partitions, [80, 30], (l) => Math.floor(l.length / 8)),
    ]);
    await expectGroundTruth(c, events);
  });
});
