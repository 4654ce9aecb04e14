// The query texts this project sends to Cosmos DB (copied from src/), run against small data sets.
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../../../tools/emulators/cosmos/query';

type Doc = Record<string, unknown>;
const run = (text: string, docs: Doc[], params?: { name: string; value: unknown }[]) => [...compileQuery(text, params).run(docs as never)];

describe('dashboard aggregates query (src/dashboard/aggregatesSql.ts)', () => {
  const keyed =
    'SELECT * FROM c WHERE c.kind = @kind AND c.windowMinutes = @window AND c.windowStart >= @from AND c.windowStart < @to AND c.pk IN (@pk0, @pk1) AND c.offerId = @key ORDER BY c.windowStart ASC';
  const params = [
    { name: '@kind', value: 'offer' },
    { name: '@window', value: 60 },
    { name: '@from', value: '2024-12-31T22:00:00.000Z' },
    { name: '@to', value: '2025-01-01T02:00:00.000Z' },
    { name: '@pk0', value: 'offer:o1:2024' },
    { name: '@pk1', value: 'offer:o1:2025' },
    { name: '@key', value: 'o1' },
  ];
  const doc = (id: string, over: Doc) => ({ id, kind: 'offer', windowMinutes: 60, offerId: 'o1', pk: 'offer:o1:2025', windowStart: '2025-01-01T00:00:00.000Z', ...over });
  const docs = [
    doc('late', { windowStart: '2025-01-01T01:00:00.000Z' }),
    doc('early', { windowStart: '2024-12-31T23:00:00.000Z', pk: 'offer:o1:2024' }),
    doc('atTo', { windowStart: '2025-01-01T02:00:00.000Z' }),
    doc('atFrom', { windowStart: '2024-12-31T22:00:00.000Z', pk: 'offer:o1:2024' }),
    doc('otherKey', { offerId: 'o2' }),
    doc('otherWindow', { windowMinutes: 1440 }),
    doc('otherKind', { kind: 'offerSegment' }),
    doc('otherPk', { pk: 'offer:o1:2023' }),
    doc('numericStart', { windowStart: 1735689600000 }),
    doc('mid', {}),
  ];

  it('returns the matching windows oldest first, excluding the upper bound', () => {
    expect(run(keyed, docs, params).map((d) => (d as Doc).id)).toEqual(['atFrom', 'early', 'mid', 'late']);
  });

  it('exposes the index predicates and the ORDER BY path', () => {
    const q = compileQuery(keyed, params);
    expect(q.orderBy).toEqual({ path: ['windowStart'], descending: false });
    expect(q.streaming).toBe(false);
    expect(q.indexPredicates).toEqual([
      { path: ['kind'], op: 'eq', values: ['offer'] },
      { path: ['windowMinutes'], op: 'eq', values: [60] },
      { path: ['pk'], op: 'in', values: ['offer:o1:2024', 'offer:o1:2025'] },
      { path: ['offerId'], op: 'eq', values: ['o1'] },
      { path: ['windowStart'], op: 'range', lower: '2024-12-31T22:00:00.000Z', lowerInclusive: true, upper: '2025-01-01T02:00:00.000Z', upperInclusive: false },
    ]);
  });

  it('the unordered totals variant streams', () => {
    const text = 'SELECT * FROM c WHERE c.kind = @kind AND c.windowMinutes = @window AND c.windowStart >= @from AND c.windowStart < @to';
    const q = compileQuery(text, params.slice(0, 4));
    expect(q.streaming).toBe(true);
    expect(q.orderBy).toBeUndefined();
    expect([...q.run(docs as never)].map((d) => (d as Doc).id)).toEqual(['late', 'early', 'atFrom', 'otherKey', 'otherPk', 'mid']);
  });
});

describe('priors query (src/features/priorsProvider.ts)', () => {
  const text =
    'SELECT c.offerId, c.segment, c.views, c.clicks, c.decisions, c.rewardSum FROM c ' +
    "WHERE (c.kind = 'offer' OR c.kind = 'offerSegment') AND c.windowMinutes = @minutes AND c.windowStart >= @since";
  const params = [{ name: '@minutes', value: 1440 }, { name: '@since', value: '2025-01-01T00:00:00.000Z' }];
  const docs = [
    { kind: 'offer', offerId: 'o1', views: 10, clicks: 2, decisions: 10, rewardSum: 1.5, windowMinutes: 1440, windowStart: '2025-01-02T00:00:00.000Z', _ts: 1 },
    { kind: 'offerSegment', offerId: 'o1', segment: 'mobile', views: 4, clicks: 1, windowMinutes: 1440, windowStart: '2025-01-03T00:00:00.000Z' },
    { kind: 'channel', offerId: 'o1', views: 99, windowMinutes: 1440, windowStart: '2025-01-03T00:00:00.000Z' },
    { kind: 'offer', offerId: 'o2', views: 1, windowMinutes: 60, windowStart: '2025-01-03T00:00:00.000Z' },
    { kind: 'offer', offerId: 'o3', views: 1, windowMinutes: 1440, windowStart: '2024-12-31T00:00:00.000Z' },
  ];

  it('projects the requested fields, omitting missing ones', () => {
    expect(run(text, docs, params)).toEqual([
      { offerId: 'o1', views: 10, clicks: 2, decisions: 10, rewardSum: 1.5 },
      { offerId: 'o1', segment: 'mobile', views: 4, clicks: 1 },
    ]);
  });

  it('turns the OR of kinds into an IN predicate', () => {
    expect(compileQuery(text, params).indexPredicates).toEqual([
      { path: ['kind'], op: 'in', values: ['offer', 'offerSegment'] },
      { path: ['windowMinutes'], op: 'eq', values: [1440] },
      { path: ['windowStart'], op: 'range', lower: '2025-01-01T00:00:00.000Z', lowerInclusive: true },
    ]);
  });
});

describe('campaign plan queries (src/campaign/plan/runCampaignPlan.ts)', () => {
  const filter = 'c.campaignId = @c AND c.kind = @k AND c.modelVersion = @v';
  const params = [{ name: '@c', value: 'camp' }, { name: '@k', value: 'leadPlan' }, { name: '@v', value: 'm1' }, { name: '@r', value: 'run2' }];
  const docs = [
    { id: 'a', campaignId: 'camp', kind: 'leadPlan', modelVersion: 'm1', runId: 'run1' },
    { id: 'b', campaignId: 'camp', kind: 'leadPlan', modelVersion: 'm1', runId: 'run2' },
    { id: 'c', campaignId: 'camp', kind: 'leadPlan', modelVersion: 'm0', runId: 'run1' },
    { id: 'd', campaignId: 'camp', kind: 'summary', modelVersion: 'm1' },
    { id: 'e', campaignId: 'camp', kind: 'leadPlan', modelVersion: 'm1' },
  ];

  it('counts with SELECT VALUE COUNT(1) (unused parameters are fine)', () => {
    expect(run(`SELECT VALUE COUNT(1) FROM c WHERE ${filter}`, docs, params)).toEqual([3]);
  });

  it('finds stale ids with != (documents without runId are not returned, as in Cosmos)', () => {
    expect(run(`SELECT c.id FROM c WHERE ${filter} AND c.runId != @r`, docs, params)).toEqual([{ id: 'a' }]);
  });
});

describe('other project queries', () => {
  it('lead source projection (src/campaign/plan/leadSource.ts)', () => {
    const text = 'SELECT c.id, c.leadId, c.age, c.incomeBand, c.creditScore, c.householdSize, c.region FROM c';
    expect(run(text, [{ id: '1', leadId: 'L1', age: 40, incomeBand: 'mid', creditScore: 700, householdSize: 3, region: 'N', extra: true, _rid: 'x' }])).toEqual([
      { id: '1', leadId: 'L1', age: 40, incomeBand: 'mid', creditScore: 700, householdSize: 3, region: 'N' },
    ]);
  });

  it('active catalog (src/ranking/catalog/catalogStore.ts)', () => {
    const docs = [{ id: 'a', active: true }, { id: 'b', active: false }, { id: 'c', active: 'true' }, { id: 'd' }];
    const q = compileQuery('SELECT * FROM c WHERE c.active = true');
    expect([...q.run(docs as never)]).toEqual([{ id: 'a', active: true }]);
    expect(q.indexPredicates).toEqual([{ path: ['active'], op: 'eq', values: [true] }]);
    expect(run('SELECT * FROM c', docs)).toEqual(docs);
  });

  it('profiles probe (tools/reliability/pipelineProbe.ts)', () => {
    expect(run('SELECT c.userId, c.events, c.purchases, c.totalRevenue FROM c', [{ userId: 'u', events: 3, purchases: 0, totalRevenue: 0, id: 'u' }])).toEqual([
      { userId: 'u', events: 3, purchases: 0, totalRevenue: 0 },
    ]);
  });

  it('latest plans (src/dashboard/campaignPlanSummary.ts)', () => {
    const docs = [
      { id: 'a', updatedAt: '2025-01-02T00:00:00Z' },
      { id: 'b', updatedAt: '2025-01-05T00:00:00Z' },
      { id: 'c' },
      { id: 'd', updatedAt: '2025-01-03T00:00:00Z' },
    ];
    const q = compileQuery('SELECT TOP 2 * FROM c ORDER BY c.updatedAt DESC');
    expect(q.orderBy).toEqual({ path: ['updatedAt'], descending: true });
    expect([...q.run(docs as never)].map((d) => (d as Doc).id)).toEqual(['b', 'd']);
    expect(run('SELECT TOP 2 * FROM c', docs).map((d) => (d as Doc).id)).toEqual(['a', 'b']);
  });
});
