// Queries through the SDK: the engine's SQL answered completely server-side (the query plan makes
// the SDK pass pages through), indexes, partition scoping, paging and continuation tokens, and
// the project's own queries.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Container } from '@azure/cosmos';
import { clientFor, freshContainer, removeTempDirs, signedRequest, start, stopAll, tempDir } from './helpers';
import { aggregatesSql } from '../../../../src/dashboard/aggregatesSql';
import { readOfferAggregates } from '../../../../src/features/priorsProvider';
import { ensureContainers, AGGREGATES_CONTAINER } from '../../../../src/aggregation/containers';
import { readAggregatePage, readAggregateTotals } from '../../../../src/dashboard/readAggregates';
import { viewFor } from '../../../../src/dashboard/aggregateViews';
import { decodeContinuationToken } from '../../../../src/dashboard/continuationToken';

afterEach(stopAll);
afterAll(removeTempDirs);

const KINDS = ['offer', 'product', 'channel', 'offerSegment'];

function aggregateDoc(i: number): Record<string, unknown> {
  const kind = KINDS[i % KINDS.length];
  const offerId = `o${i % 7}`;
  const windowMinutes = [5, 60, 1440][i % 3];
  const start = new Date(Date.UTC(2026, 0, 1) + (i % 50) * 3_600_000).toISOString();
  return {
    id: `${kind}:${offerId}:${windowMinutes}:${i}`,
    pk: `${kind}:${offerId}:2026`,
    kind,
    offerId,
    segment: i % 2 === 0 ? 'mobile' : 'desktop',
    windowMinutes,
    windowStart: start,
    views: i % 10,
    clicks: i % 3,
    decisions: i % 5,
    rewardSum: i % 4,
  };
}

async function load(container: Container, n: number, make = aggregateDoc): Promise<Record<string, unknown>[]> {
  const docs = Array.from({ length: n }, (_, i) => make(i));
  for (let i = 0; i < docs.length; i += 50) await Promise.all(docs.slice(i, i + 50).map((d) => container.items.create(d)));
  return docs;
}

async function all<T>(container: Container, query: string | { query: string; parameters: { name: string; value: any }[] }, options = {}): Promise<T[]> {
  return (await container.items.query<T>(query, options).fetchAll()).resources;
}

describe('queries', () => {
  it('answers filters, projections, ORDER BY, TOP, OFFSET/LIMIT, DISTINCT, GROUP BY and aggregates', async () => {
    const { container } = await freshContainer();
    const docs = await load(container, 200);
    const offers = docs.filter((d) => d.kind === 'offer');

    expect((await all(container, "SELECT * FROM c WHERE c.kind = 'offer'")).length).toBe(offers.length);
    expect(await all(container, 'SELECT VALUE COUNT(1) FROM c')).toEqual([200]);
    expect(await all(container, "SELECT VALUE SUM(c.views) FROM c WHERE c.kind = 'offer'")).toEqual([offers.reduce((n, d) => n + (d.views as number), 0)]);
    const ordered = await all<{ id: string; views: number }>(container, 'SELECT c.id, c.views FROM c ORDER BY c.views DESC');
    expect(ordered.map((d) => d.views)).toEqual([...docs.map((d) => d.views as number)].sort((a, b) => b - a));
    expect(await all(container, 'SELECT TOP 3 VALUE c.views FROM c ORDER BY c.views ASC')).toEqual([0, 0, 0]);
    const paged = await all<string>(container, 'SELECT VALUE c.id FROM c ORDER BY c.id OFFSET 10 LIMIT 5');
    expect(paged).toEqual(docs.map((d) => d.id as string).sort().slice(10, 15));
    expect((await all<string>(container, 'SELECT DISTINCT VALUE c.kind FROM c')).sort()).toEqual([...KINDS].sort());
    const grouped = await all<{ kind: string; n: number }>(container, 'SELECT c.kind, COUNT(1) AS n FROM c GROUP BY c.kind');
    expect(grouped.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual(KINDS.slice().sort().map((kind) => ({ kind, n: 50 })));
    const ranged = await all<string>(container, {
      query: 'SELECT VALUE c.windowStart FROM c WHERE c.windowStart >= @from AND c.windowStart < @to ORDER BY c.windowStart',
      parameters: [
        { name: '@from', value: '2026-01-01T10:00:00.000Z' },
        { name: '@to', value: '2026-01-01T12:00:00.000Z' },
      ],
    });
    expect(ranged.length).toBe(docs.filter((d) => (d.windowStart as string) >= '2026-01-01T10:00:00.000Z' && (d.windowStart as string) < '2026-01-01T12:00:00.000Z').length);
    expect([...ranged].sort()).toEqual(ranged);
  });

  it('keeps indexes right through writes, replaces and deletes', async () => {
    const { container } = await freshContainer();
    await load(container, 60);
    const q = { query: 'SELECT VALUE c.id FROM c WHERE c.views >= @v ORDER BY c.views', parameters: [{ name: '@v', value: 8 }] };
    const before = await all<string>(container, q); // builds the index on views
    expect(before.length).toBe(12);
    const { resources: victims } = await container.items.query<{ id: string; pk: string }>('SELECT c.id, c.pk FROM c WHERE c.views = 9').fetchAll();
    for (const v of victims) await container.item(v.id, v.pk).delete();
    await container.items.upsert({ ...aggregateDoc(1000), views: 100 });
    const { resources: lows } = await container.items.query<Record<string, unknown>>('SELECT * FROM c WHERE c.views = 0').fetchAll();
    await container.item(lows[0].id as string, lows[0].pk as string).replace({ ...lows[0], views: 50 });
    const after = await all<number>(container, { query: 'SELECT VALUE c.views FROM c WHERE c.views >= @v ORDER BY c.views', parameters: [{ name: '@v', value: 8 }] });
    expect(after).toEqual([...Array(6).fill(8), 50, 100]);
    expect(await all(container, 'SELECT VALUE COUNT(1) FROM c WHERE c.views = 0')).toEqual([5]);
  });

  it('scopes a query to the partition key given', async () => {
    const { container } = await freshContainer();
    await load(container, 100);
    const inPartition = await all<{ pk: string }>(container, 'SELECT * FROM c', { partitionKey: 'offer:o1:2026' });
    expect(inPartition.length).toBeGreaterThan(0);
    expect(inPartition.every((d) => d.pk === 'offer:o1:2026')).toBe(true);
    const counted = await all(container, 'SELECT VALUE COUNT(1) FROM c WHERE c.views >= 0', { partitionKey: 'offer:o1:2026' });
    expect(counted).toEqual([inPartition.length]);
    const viaIn = await all(container, "SELECT VALUE COUNT(1) FROM c WHERE c.pk IN ('offer:o1:2026', 'offer:o2:2026')");
    const expected = (await all(container, "SELECT * FROM c WHERE c.pk = 'offer:o1:2026' OR c.pk = 'offer:o2:2026'")).length;
    expect(viaIn).toEqual([expected]);
  });

  it('pages with maxItemCount and continuation tokens, without duplicates or gaps', async () => {
    const { container } = await freshContainer();
    await load(container, 95);
    const query = 'SELECT c.id FROM c ORDER BY c.windowStart';
    const iterator = container.items.query<{ id: string }>(query, { maxItemCount: 10 });
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | undefined;
    for (let page = 0; page < 3; page++) {
      const response = await iterator.fetchNext();
      sizes.push(response.resources.length);
      seen.push(...response.resources.map((r) => r.id));
      token = response.continuationToken;
    }
    expect(sizes).toEqual([10, 10, 10]);
    expect(token).toBeTruthy();
    // A new iterator resumes from the token.
    const rest = await container.items.query<{ id: string }>(query, { maxItemCount: 30, continuationToken: token }).fetchAll();
    seen.push(...rest.resources.map((r) => r.id));
    expect(seen.length).toBe(95);
    expect(new Set(seen).size).toBe(95);
    const whole = (await container.items.query<{ id: string }>(query).fetchAll()).resources.map((r) => r.id);
    expect(seen).toEqual(whole);
  });

  it('resumes a continuation after a restart (the cursor is gone) by recomputing', async () => {
    const dir = tempDir('cosmos-cursor-');
    const first = await start(dir);
    const client = clientFor(first);
    const { database } = await client.databases.createIfNotExists({ id: 'db' });
    const { container } = await database.containers.createIfNotExists({ id: 'c', partitionKey: { paths: ['/pk'] } });
    await load(container, 40);
    const query = "SELECT * FROM c WHERE c.kind IN ('offer', 'product') ORDER BY c.views";
    const firstPage = await container.items.query<{ id: string }>(query, { maxItemCount: 7 }).fetchNext();
    await stopAll();
    const second = await start(dir);
    const again = clientFor(second).database('db').container('c');
    const rest = await again.items.query<{ id: string }>(query, { continuationToken: firstPage.continuationToken, maxItemCount: 100 }).fetchAll();
    const ids = [...firstPage.resources, ...rest.resources].map((r) => r.id);
    const whole = (await again.items.query<{ id: string }>(query).fetchAll()).resources.map((r) => r.id);
    expect(ids).toEqual(whole);
    expect(whole.length).toBe(20);
  });

  it('refuses bad queries and foreign continuation tokens with 400', async () => {
    const { container } = await freshContainer();
    await container.items.create({ id: 'a', pk: 'p' });
    await expect(container.items.query('SELECT * FORM c').fetchAll()).rejects.toMatchObject({ code: 400 });
    await expect(container.items.query('SELECT * FROM c WHERE c.x = @missing').fetchAll()).rejects.toMatchObject({ code: 400 });
    await expect(container.items.query('SELECT * FROM c', { continuationToken: 'garbage' }).fetchNext()).rejects.toMatchObject({ code: 400 });
  });

  it('returns a pass-through query plan, and gives the same answer when the SDK is forced to use it', async () => {
    const { container, cosmos } = await freshContainer();
    await load(container, 50);
    const plan = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', {
      headers: { 'x-ms-cosmos-is-query-plan-request': 'True', 'content-type': 'application/query+json' },
      body: JSON.stringify({ query: 'SELECT c.kind, COUNT(1) AS n FROM c GROUP BY c.kind ORDER BY c.kind' }),
    });
    // ORDER BY with GROUP BY is refused by the engine (400), like an unsupported plan.
    expect([200, 400]).toContain(plan.status);
    const okPlan = await signedRequest(cosmos, 'POST', 'dbs/db/colls/c/docs', {
      headers: { 'x-ms-cosmos-is-query-plan-request': 'True', 'content-type': 'application/query+json' },
      body: JSON.stringify({ query: 'SELECT TOP 5 VALUE COUNT(1) FROM c' }),
    });
    expect(okPlan.status).toBe(200);
    expect(okPlan.body.queryInfo).toMatchObject({ orderBy: [], aggregates: [], top: null, distinctType: 'None' });
    expect(okPlan.body.queryRanges).toEqual([{ min: '', max: 'FF', isMinInclusive: true, isMaxInclusive: false }]);
    for (const query of ['SELECT VALUE COUNT(1) FROM c', 'SELECT TOP 4 c.id FROM c ORDER BY c.id DESC', 'SELECT DISTINCT VALUE c.kind FROM c']) {
      const direct = await all(container, query);
      const forced = await all(container, query, { forceQueryPlan: true });
      expect(forced).toEqual(direct);
    }
  });
});

describe('access paths on a larger container', () => {
  it('single-path and composite indexes give exactly the brute-force answer, in order', async () => {
    const { container, cosmos } = await freshContainer();
    const docs = Array.from({ length: 12_000 }, (_, i) => aggregateDoc(i));
    docs.push({ id: 'no-window', pk: 'offer:o1:2026', kind: 'offer', windowMinutes: 60 }, { id: 'num-window', pk: 'offer:o1:2026', kind: 'offer', windowMinutes: 60, windowStart: 5 });
    cosmos.load('db', 'c', docs);
    const from = '2026-01-01T05:00:00.000Z';
    const to = '2026-01-02T01:00:00.000Z';
    const cases: { query: string; parameters: { name: string; value: any }[]; expect: (d: any) => boolean; order?: 'asc' | 'desc' }[] = [
      {
        query: 'SELECT * FROM c WHERE c.kind = @k AND c.windowMinutes = @w AND c.windowStart >= @from AND c.windowStart < @to ORDER BY c.windowStart ASC',
        parameters: [{ name: '@k', value: 'offer' }, { name: '@w', value: 60 }, { name: '@from', value: from }, { name: '@to', value: to }],
        expect: (d) => d.kind === 'offer' && d.windowMinutes === 60 && typeof d.windowStart === 'string' && d.windowStart >= from && d.windowStart < to,
        order: 'asc',
      },
      {
        query: 'SELECT * FROM c WHERE c.kind = @k AND c.windowMinutes = @w AND c.windowStart > @from ORDER BY c.windowStart DESC',
        parameters: [{ name: '@k', value: 'product' }, { name: '@w', value: 5 }, { name: '@from', value: from }],
        expect: (d) => d.kind === 'product' && d.windowMinutes === 5 && typeof d.windowStart === 'string' && d.windowStart > from,
        order: 'desc',
      },
      {
        query: "SELECT * FROM c WHERE (c.kind = 'offer' OR c.kind = 'offerSegment') AND c.windowMinutes = @w AND c.windowStart <= @to",
        parameters: [{ name: '@w', value: 1440 }, { name: '@to', value: to }],
        expect: (d) => (d.kind === 'offer' || d.kind === 'offerSegment') && d.windowMinutes === 1440 && typeof d.windowStart === 'string' && d.windowStart <= to,
      },
      {
        query: 'SELECT * FROM c WHERE c.kind IN (@a, @b) AND c.windowMinutes = @w',
        parameters: [{ name: '@a', value: 'channel' }, { name: '@b', value: 'product' }, { name: '@w', value: 60 }],
        expect: (d) => (d.kind === 'channel' || d.kind === 'product') && d.windowMinutes === 60,
      },
      {
        query: 'SELECT * FROM c WHERE c.views >= 3 AND c.views < 5 ORDER BY c.views DESC',
        parameters: [],
        expect: (d) => d.views >= 3 && d.views < 5,
        order: 'desc',
      },
    ];
    for (const c of cases) {
      const got = (await container.items.query<any>({ query: c.query, parameters: c.parameters }, { maxItemCount: 700 }).fetchAll()).resources;
      const want = docs.filter(c.expect);
      expect(got.map((d) => d.id).sort()).toEqual(want.map((d) => d.id as string).sort());
      if (c.order) {
        const key = c.query.includes('c.views') ? 'views' : 'windowStart';
        const values = got.map((d) => d[key]);
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(values).toEqual(c.order === 'asc' ? sorted : sorted.reverse());
      }
    }
    // Writes after the indexes exist are reflected.
    await container.items.upsert({ ...docs[0], kind: 'offer', windowMinutes: 60, windowStart: '2026-01-01T06:00:00.000Z', id: 'late' });
    const again = (await container.items.query<any>({ query: cases[0].query, parameters: cases[0].parameters }).fetchAll()).resources;
    expect(again.map((d) => d.id)).toContain('late');
    const store = cosmos.account.container('db', 'c')!;
    expect([...store.indexes.keys()].some((k) => k.startsWith('composite:'))).toBe(true);
  });
});

describe("the project's own queries", () => {
  it('dashboard aggregates query (with and without key) and the priors query', async () => {
    const cosmos = await start();
    const client = clientFor(cosmos);
    await ensureContainers(client, 'personalization');
    const container = client.database('personalization').container(AGGREGATES_CONTAINER);
    const docs = await load(container, 300);
    const view = { docKind: 'offer', keyField: 'offerId' };
    const fromMs = Date.UTC(2026, 0, 1, 5);
    const toMs = Date.UTC(2026, 0, 1, 30);
    const q = { view, windowMinutes: 60, fromMs, toMs } as never;
    const expected = docs
      .filter((d) => d.kind === 'offer' && d.windowMinutes === 60 && (d.windowStart as string) >= new Date(fromMs).toISOString() && (d.windowStart as string) < new Date(toMs).toISOString())
      .map((d) => d.windowStart as string)
      .sort();
    const unkeyed = await all<{ windowStart: string }>(container, aggregatesSql(q, true) as never);
    expect(unkeyed.map((d) => d.windowStart)).toEqual(expected);

    const keyed = await all<{ windowStart: string; offerId: string }>(container, aggregatesSql({ ...(q as object), key: 'o3' } as never, true) as never);
    expect(keyed.every((d) => d.offerId === 'o3')).toBe(true);
    expect(keyed.length).toBe(
      docs.filter((d) => d.kind === 'offer' && d.offerId === 'o3' && d.windowMinutes === 60 && (d.windowStart as string) >= new Date(fromMs).toISOString() && (d.windowStart as string) < new Date(toMs).toISOString()).length,
    );

    // The dashboard's own paging (continuation tokens handed back page after page) and totals.
    const offerView = viewFor('offer')!;
    const base = { view: offerView, windowMinutes: 60, fromMs, toMs };
    const pagedIds: string[] = [];
    let cosmosToken: string | undefined;
    let pages = 0;
    do {
      const page = await readAggregatePage(container, { ...base, mode: { type: 'page', pageSize: 4, cosmosToken } } as never);
      pagedIds.push(...page.items.map((d) => d.windowStart as string));
      pages++;
      cosmosToken = page.continuationToken ? decodeContinuationToken(page.continuationToken).cosmosToken : undefined;
    } while (cosmosToken !== undefined);
    expect(pages).toBeGreaterThan(2);
    expect(pagedIds).toEqual(expected);
    const totals = await readAggregateTotals(container, { ...base, mode: { type: 'totals', top: 100, sort: 'views' } } as never);
    expect(totals.scannedDocuments).toBe(expected.length);
    expect(totals.groups).toBe(new Set(docs.filter((d) => d.kind === 'offer' && d.windowMinutes === 60 && expected.includes(d.windowStart as string)).map((d) => d.offerId)).size);

    const priors = await readOfferAggregates(container, 1440, 30, new Date(Date.UTC(2026, 0, 10)));
    expect(priors.length).toBe(docs.filter((d) => (d.kind === 'offer' || d.kind === 'offerSegment') && d.windowMinutes === 1440).length);
    expect(Object.keys(priors[0]).sort()).toEqual(['clicks', 'decisions', 'offerId', 'rewardSum', 'segment', 'views']);
  });
});
