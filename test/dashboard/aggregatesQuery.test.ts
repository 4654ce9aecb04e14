// GET /api/aggregates parameter rules, without a store.
import { describe, expect, it } from 'vitest';
import { parseAggregatesQuery, AGGREGATES_LIMITS } from '../../src/dashboard/aggregatesQuery';
import { encodeContinuationToken } from '../../src/dashboard/continuationToken';
import { ParameterError } from '../../src/dashboard/parameterError';
import { parseInstant } from '../../src/common/isoTime';

const NOW = new Date('2025-03-05T12:34:56.000Z');
const WINDOWS = [60, 1440];
const parse = (qs: string) => parseAggregatesQuery(new URLSearchParams(qs), WINDOWS, NOW);

function refusal(qs: string): { parameter: string; message: string } {
  try {
    parse(qs);
  } catch (error) {
    if (error instanceof ParameterError) return { parameter: error.parameter, message: error.message };
    throw error;
  }
  throw new Error(`accepted: ${qs}`);
}

describe('aggregates parameters', () => {
  it('defaults to hourly windows over the last day, first page of 100', () => {
    const q = parse('kind=offer');
    expect(q.view.docKind).toBe('offer');
    expect(q.windowMinutes).toBe(60);
    expect(q.toMs).toBe(NOW.getTime());
    expect(q.fromMs).toBe(NOW.getTime() - 86_400_000);
    expect(q.mode).toEqual({ type: 'page', pageSize: 100, cosmosToken: undefined });
  });

  it('defaults daily windows to the last 30 days and accepts eventType for type', () => {
    const q = parse('kind=eventType&window=1440');
    expect(q.view.apiKind).toBe('type');
    expect(q.view.docKind).toBe('eventType');
    expect(q.toMs - q.fromMs).toBe(30 * 86_400_000);
  });

  it('fills the missing end of a range', () => {
    const fromOnly = parse('kind=product&from=2025-03-01');
    expect(fromOnly.fromMs).toBe(Date.parse('2025-03-01T00:00:00Z'));
    expect(fromOnly.toMs).toBe(Date.parse('2025-03-02T00:00:00Z'));
    const toOnly = parse('kind=product&to=2025-03-01T10:00:00%2B02:00');
    expect(toOnly.toMs).toBe(Date.parse('2025-03-01T08:00:00Z'));
    expect(toOnly.fromMs).toBe(toOnly.toMs - 86_400_000);
  });

  it('makes a totals query with top, ranking by the kind default or by sort', () => {
    expect(parse('kind=product&top=5').mode).toEqual({ type: 'totals', top: 5, sort: 'revenue' });
    expect(parse('kind=offer&top=3&sort=clickThroughRate').mode).toEqual({ type: 'totals', top: 3, sort: 'clickThroughRate' });
    expect(parse('kind=channel&top=2000').mode).toEqual({ type: 'totals', top: 2000, sort: 'events' });
  });

  it.each([
    ['', 'kind', /required/],
    ['kind=visits', 'kind', /one of offer, product, channel, type/],
    ['kind=offer&window=30', 'window', /60, 1440/],
    ['kind=offer&window=1h', 'window', /60, 1440/],
    ['kind=offer&window=', 'window', /empty/],
    ['kind=offer&from=yesterday', 'from', /ISO 8601/],
    ['kind=offer&from=2025-02-30', 'from', /ISO 8601/],
    ['kind=offer&from=2025-03-01T10:00:00', 'from', /offset/],
    ['kind=offer&to=2025-03-01T24:00Z', 'to', /ISO 8601/],
    ['kind=offer&from=2025-03-02&to=2025-03-01', 'to', /later than from/],
    ['kind=offer&from=2025-01-01&to=2025-03-01', 'from', /spans 59 days; at most 41.7 days for window=60/],
    ['kind=offer&window=1440&from=2023-01-01&to=2025-03-01', 'from', /at most 400 days/],
    ['kind=offer&pageSize=0', 'pageSize', /1 to 500/],
    ['kind=offer&pageSize=501', 'pageSize', /1 to 500/],
    ['kind=offer&pageSize=-3', 'pageSize', /1 to 500/],
    ['kind=offer&top=0', 'top', /1 to 2000/],
    ['kind=offer&top=2001', 'top', /1 to 2000/],
    ['kind=offer&top=1.5', 'top', /whole number/],
    ['kind=offer&top=5&sort=revenue', 'sort', /views, clicks/],
    ['kind=offer&sort=views', 'sort', /only applies with top/],
    ['kind=offer&top=5&pageSize=10', 'pageSize', /does not apply with top/],
    ['kind=offer&key=', 'key', /empty/],
    [`kind=offer&key=${'k'.repeat(AGGREGATES_LIMITS.maxKeyLength + 1)}`, 'key', /at most 256/],
    ['kind=offer&windows=60', 'windows', /not a parameter/],
    ['kind=offer&continuationToken=not%20a%20token', 'continuationToken', /not a token this API issued/],
    ['kind=offer&continuationToken=eyJ2IjoxfQ', 'continuationToken', /not a token this API issued/],
  ])('refuses %s naming %s', (qs, parameter, message) => {
    const r = refusal(qs);
    expect(r.parameter).toBe(parameter);
    expect(r.message).toMatch(message);
    expect(r.message.startsWith(`${parameter}: `)).toBe(true);
  });

  it('takes the range of a continuation token and refuses it for another query', () => {
    const scope = { kind: 'offer', windowMinutes: 60, key: 'offer-a', fromMs: Date.parse('2025-03-01T00:00Z'), toMs: Date.parse('2025-03-02T00:00Z') };
    const token = encodeContinuationToken(scope, '{"token":"+RID:x","range":{"min":"","max":"FF"}}');
    const q = parse(`kind=offer&key=offer-a&continuationToken=${token}`);
    expect([q.fromMs, q.toMs]).toEqual([scope.fromMs, scope.toMs]);
    expect(q.mode).toEqual({ type: 'page', pageSize: 100, cosmosToken: '{"token":"+RID:x","range":{"min":"","max":"FF"}}' });
    expect(refusal(`kind=offer&key=offer-b&continuationToken=${token}`).parameter).toBe('continuationToken');
    expect(refusal(`kind=product&key=offer-a&continuationToken=${token}`).parameter).toBe('continuationToken');
    expect(refusal(`kind=offer&key=offer-a&from=2025-02-28&continuationToken=${token}`).parameter).toBe('continuationToken');
    expect(refusal(`kind=offer&key=offer-a&top=3&continuationToken=${token}`).parameter).toBe('continuationToken');
    expect(parse(`kind=offer&key=offer-a&from=2025-03-01&to=2025-03-02&continuationToken=${token}`).fromMs).toBe(scope.fromMs);
  });

  it('parses instants strictly', () => {
    expect(parseInstant('2024-02-29')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(parseInstant('2024-05-01T10:00Z')).toBe(Date.parse('2024-05-01T10:00:00Z'));
    expect(parseInstant('2024-05-01T12:00:00.250+02:00')).toBe(Date.parse('2024-05-01T10:00:00.250Z'));
    for (const bad of ['2023-02-29', '2024-05-01T10:00', '2024-05-01 10:00Z', '1714557600000', '2024-5-1', '2024-05-01T10:61Z']) {
      expect(parseInstant(bad), bad).toBeUndefined();
    }
  });
});
