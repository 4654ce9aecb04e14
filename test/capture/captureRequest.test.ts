import { describe, it, expect } from 'vitest';
import { parseCaptureBody } from '../../src/capture/captureRequest';

const limits = { maxEvents: 500, maxBytes: 1024 * 1024 };
const now = new Date('2026-11-23T10:00:00Z');
const view = (extra: Record<string, unknown> = {}) => ({ id: 'e1', type: 'product_view', userId: 'u1', productId: 'p1', ...extra });

describe('parseCaptureBody', () => {
  it('accepts one event object and stamps receive time and schema version', () => {
    const r = parseCaptureBody(JSON.stringify(view()), 'application/json; charset=utf-8', limits, now, false);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ id: 'e1', schemaVersion: 1, receivedAt: now.toISOString(), timestamp: now.toISOString() });
  });

  it('accepts text/plain (navigator.sendBeacon) and a missing content type', () => {
    expect(parseCaptureBody(JSON.stringify([view()]), 'text/plain;charset=UTF-8', limits, now, false).ok).toBe(true);
    expect(parseCaptureBody(JSON.stringify([view()]), undefined, limits, now, false).ok).toBe(true);
  });

  it('refuses other content types with 415', () => {
    const r = parseCaptureBody('a=b', 'application/x-www-form-urlencoded', limits, now, false);
    expect(r).toMatchObject({ ok: false, status: 415 });
  });

  it('names each failing field with its index', () => {
    const body = JSON.stringify([view(), { id: 'e2', type: 'offer_click', userId: 'u1' }, { id: 'e3', type: 'nope', anonymousId: 'a' }]);
    const r = parseCaptureBody(body, 'application/json', limits, now, false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(400);
    const fields = r.rejected!.flatMap((x) => x.errors.map((e) => e.field));
    expect(fields).toContain('[1].offerId');
    expect(fields).toContain('[2].type');
    expect(r.error).toMatch(/2 of 3 events are invalid/);
  });

  it('with partial=true keeps the valid events and reports the others', () => {
    const body = JSON.stringify([view(), { id: 'e2', type: 'offer_click', userId: 'u1' }]);
    const r = parseCaptureBody(body, 'application/json', limits, now, true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.events.map((e) => e.id)).toEqual(['e1']);
    expect(r.indexes).toEqual([0]);
    expect(r.rejected[0].index).toBe(1);
  });

  it('requires a user or anonymous id, and the fields each type needs', () => {
    const r = parseCaptureBody(JSON.stringify({ id: 'x', type: 'purchase', productId: 'p' }), 'application/json', limits, now, false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.rejected![0].errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['userId', 'value']));
  });

  it('refuses unknown fields, prototype keys and future timestamps', () => {
    const withUnknown = parseCaptureBody(JSON.stringify(view({ colour: 'red' })), 'application/json', limits, now, false);
    expect(withUnknown.ok).toBe(false);
    if (!withUnknown.ok) expect(withUnknown.rejected![0].errors[0]).toEqual({ field: 'colour', message: 'is not a known field' });
    const proto = parseCaptureBody('{"id":"e","type":"page_view","userId":"u","properties":{"__proto__":"x"}}', 'application/json', limits, now, false);
    expect(proto).toMatchObject({ ok: false, status: 400, error: 'body: the key __proto__ is not allowed' });
    const escaped = parseCaptureBody('{"id":"e","type":"page_view","userId":"u","properties":{"\\u005f_proto__":"x"}}', 'application/json', limits, now, false);
    expect(escaped).toMatchObject({ ok: false, status: 400 });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const future = parseCaptureBody(JSON.stringify(view({ timestamp: '2026-11-23T10:30:00Z' })), 'application/json', limits, now, false);
    expect(future.ok).toBe(false);
  });

  it('normalises timestamps with offsets to UTC', () => {
    const r = parseCaptureBody(JSON.stringify(view({ timestamp: '2026-11-23T11:00:00+02:00' })), 'application/json', limits, now, false);
    expect(r.ok && r.events[0].timestamp).toBe('2026-11-23T09:00:00.000Z');
  });

  it('enforces the event count and byte limits', () => {
    const many = JSON.stringify(Array.from({ length: 3 }, (_, i) => view({ id: `e${i}` })));
    expect(parseCaptureBody(many, 'application/json', { maxEvents: 2, maxBytes: 1e6 }, now, false)).toMatchObject({ ok: false, status: 413 });
    expect(parseCaptureBody(many, 'application/json', { maxEvents: 10, maxBytes: 20 }, now, false)).toMatchObject({ ok: false, status: 413 });
  });

  it('explains empty, malformed and non-object bodies', () => {
    expect(parseCaptureBody('', 'application/json', limits, now, false)).toMatchObject({ ok: false, status: 400 });
    expect(parseCaptureBody('[', 'application/json', limits, now, false)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/not valid JSON/) });
    expect(parseCaptureBody('[]', 'application/json', limits, now, false)).toMatchObject({ ok: false, status: 400 });
    const r = parseCaptureBody('[1, "x"]', 'application/json', limits, now, false);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejected!.map((x) => x.errors[0].field)).toEqual(['[0]', '[1]']);
  });
});

describe('ids that could not key a document', () => {
  it.each([[' '], ['.'], ['..'], ['u\ud800'], ['\udc00x']])('refuses userId %j with a 400 naming the field', (userId) => {
    const r = parseCaptureBody(JSON.stringify([{ id: 'e1', type: 'page_view', userId }]), 'application/json', limits, now, false);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.rejected![0].errors.map((e) => e.field)).toContain('[0].userId');
  });

  it('still accepts ordinary and astral ids', () => {
    expect(parseCaptureBody(JSON.stringify([{ id: 'e1', type: 'page_view', userId: 'ü-😀' }]), 'application/json', limits, now, false).ok).toBe(true);
  });
});
