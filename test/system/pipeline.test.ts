import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { BlobServiceClient } from '@azure/storage-blob';
import { startLocalRuntime, LocalRuntime } from '../../tools/local/localRuntime';
import { silentLogger } from '../../tools/local/host/hostLogger';
import { createCosmosClient } from '../../src/clients/cosmosClients';
import { readArchive } from '../../src/archive';
import { eventually } from './eventually';

const appRoot = path.resolve(__dirname, '..', '..');
const ports = { http: 0, blob: 0, cosmos: 0, eventHubs: 0 };
const OFFERS = ['spring-sale', 'free-shipping', 'bundle'];

interface Sent { type: string; offerId?: string; productId?: string; value?: number }

function makeEvents(round: number, users: number, perUser: number): Sent[][] {
  const batches: Sent[][] = [];
  for (let u = 0; u < users; u++) {
    const batch: (Sent & Record<string, unknown>)[] = [];
    for (let i = 0; i < perUser; i++) {
      const n = u * perUser + i;
      const base = { id: `r${round}-u${u}-${i}`, userId: `user-${u}`, context: { device: 'mobile', channel: u % 2 ? 'web' : 'app' } };
      if (n % 4 === 0) batch.push({ ...base, type: 'offer_view', offerId: OFFERS[n % 3] });
      else if (n % 4 === 1) batch.push({ ...base, type: 'offer_click', offerId: OFFERS[(n + 1) % 3] });
      else if (n % 4 === 2) batch.push({ ...base, type: 'product_view', productId: `p-${n % 5}`, category: 'shoes' });
      else batch.push({ ...base, type: 'add_to_cart', productId: `p-${n % 5}`, quantity: 1 + (n % 3) });
    }
    batches.push(batch);
  }
  return batches;
}

/** Ground truth straight from what was sent: per offer, views and clicks. */
function truth(batches: Sent[][]): Record<string, { views: number; clicks: number }> {
  const t: Record<string, { views: number; clicks: number }> = {};
  for (const e of batches.flat()) {
    if (!e.offerId) continue;
    t[e.offerId] ??= { views: 0, clicks: 0 };
    if (e.type === 'offer_view') t[e.offerId].views++;
    if (e.type === 'offer_click') t[e.offerId].clicks++;
  }
  return t;
}

const same = (a: Record<string, { views: number; clicks: number }>, b: Record<string, { views: number; clicks: number }>) => {
  const norm = (t: typeof a) => JSON.stringify(Object.keys(t).sort().map((k) => [k, t[k].views, t[k].clicks]));
  return norm(a) === norm(b);
};

async function post(runtime: LocalRuntime, body: unknown, query = ''): Promise<Response> {
  return fetch(`${runtime.url}/api/events${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function offerTotals(runtime: LocalRuntime): Promise<Record<string, { views: number; clicks: number }>> {
  const client = createCosmosClient({ connectionString: runtime.env.CosmosDB });
  try {
    const { resources } = await client.database('personalization').container('aggregates').items
      .query<{ offerId: string; views: number; clicks: number }>("SELECT c.offerId, c.views, c.clicks FROM c WHERE c.kind = 'offer' AND c.windowMinutes = 1440")
      .fetchAll();
    const totals: Record<string, { views: number; clicks: number }> = {};
    for (const r of resources) {
      totals[r.offerId] ??= { views: 0, clicks: 0 };
      totals[r.offerId].views += r.views;
      totals[r.offerId].clicks += r.clicks;
    }
    return totals;
  } finally {
    client.dispose();
  }
}

async function archivedCount(runtime: LocalRuntime): Promise<number> {
  const container = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage).getContainerClient('archive');
  let n = 0;
  for await (const _ of readArchive(container)) n++;
  return n;
}


describe('capture pipeline on the local runtime', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));
  let runtime: LocalRuntime;
  const sent: Sent[][] = [];

  beforeAll(async () => {
    runtime = await startLocalRuntime({ appRoot, dataDir, ports, logger: silentLogger, eventHubPartitions: 2 });
  }, 60_000);
  afterAll(async () => runtime?.close());

  it('reports every dependency healthy', async () => {
    const res = await fetch(`${runtime.url}/api/health`);
    const body = (await res.json()) as { status: string; dependencies: Record<string, { ok: boolean }> };
    expect(res.status).toBe(200);
    expect(Object.values(body.dependencies).every((d) => d.ok)).toBe(true);
  });

  it('accepts events, aggregates each exactly once and archives every one', async () => {
    const batches = makeEvents(1, 12, 20);
    for (const batch of batches) {
      const res = await post(runtime, batch);
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: batch.length });
    }
    sent.push(...batches);
    const expected = truth(sent);
    expect(await eventually(() => offerTotals(runtime), (t) => same(t, expected))).toEqual(expected);
    const total = sent.flat().length;
    expect(await eventually(() => archivedCount(runtime), (n) => n >= total)).toBe(total);
  });

  it('refuses a bad batch with the failing fields and sends nothing of it', async () => {
    const res = await post(runtime, [{ id: 'x1', type: 'offer_view', userId: 'u' }, { id: 'x2', type: 'page_view' }]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { rejected: { errors: { field: string }[] }[] };
    expect(body.rejected.flatMap((r) => r.errors.map((e) => e.field))).toEqual(['[0].offerId', '[1].userId']);
  });

  it('dead-letters a body that is not a tracked event, with the reason', async () => {
    const producer = new EventHubProducerClient(runtime.env.EventHubConnection, 'events');
    await producer.sendBatch([{ body: { hello: 'world' } }], { partitionKey: 'someone' });
    await producer.close();
    const container = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage).getContainerClient('deadletter');
    const found = await eventually(async () => {
      for await (const b of container.listBlobsFlat()) {
        const text = (await container.getBlobClient(b.name).downloadToBuffer()).toString();
        if (text.includes('hello')) return text;
      }
      return '';
    }, (t) => t !== '');
    expect(found).toMatch(/type/);
  });

  it('keeps state across a restart and counts nothing twice', async () => {
    await runtime.close();
    runtime = await startLocalRuntime({ appRoot, dataDir, ports, logger: silentLogger, eventHubPartitions: 2 });
    const more = makeEvents(2, 5, 8);
    for (const batch of more) expect((await post(runtime, batch)).status).toBe(202);
    sent.push(...more);
    const expected = truth(sent);
    expect(await eventually(() => offerTotals(runtime), (t) => same(t, expected))).toEqual(expected);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await offerTotals(runtime)).toEqual(expected);
  }, 90_000);

  it('counts an event a client sent again (same id, another request, another batch, the keyed route) once', async () => {
    const [batch] = makeEvents(3, 1, 6);
    expect((await post(runtime, batch)).status).toBe(202);
    expect((await post(runtime, batch)).status).toBe(202); // the answer was lost: the whole batch again
    const fresh = { ...batch[1], id: 'r3-fresh' };
    expect((await post(runtime, [batch[0], fresh])).status).toBe(202); // one copy in another batch, with a new event
    const keyed = await fetch(`${runtime.url}/api/events/server`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-functions-key': runtime.keys.functionKey }, body: JSON.stringify(batch[4]), // an offer_view: it counts in the offer totals
    });
    expect(keyed.status).toBe(202);
    sent.push([...batch, fresh]);
    const expected = truth(sent);
    // The archive keeps every copy; the aggregates count each id once.
    const copies = batch.length * 2 + 2 + 1;
    const archivedCopies = async () => {
      const container = BlobServiceClient.fromConnectionString(runtime.env.ArchiveStorage).getContainerClient('archive');
      let n = 0;
      for await (const e of readArchive(container)) if (/^r3-/.test(String((JSON.parse(e.body.toString('utf8')) as { id?: unknown }).id))) n++;
      return n;
    };
    expect(await eventually(archivedCopies, (n) => n >= copies)).toBe(copies);
    expect(await eventually(() => offerTotals(runtime), (t) => same(t, expected))).toEqual(expected);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await offerTotals(runtime)).toEqual(expected);
  }, 90_000);
});
