import { describe, expect, it } from 'vitest';
import { envelopeMessages, eventsInBody, packEnvelopes } from '../../src/events/eventEnvelope';

describe('packEnvelopes', () => {
  const texts = ['{"id":"a"}', '{"id":"b"}', '{"id":"c"}', '{"id":"d"}'];

  it('packs events in order into JSON arrays within the byte limit', () => {
    const envelopes = packEnvelopes(texts, 24);
    expect(envelopes.map((e) => e.members)).toEqual([[0, 1], [2, 3]]);
    for (const e of envelopes) expect(Buffer.byteLength(e.text)).toBeLessThanOrEqual(24);
    expect(envelopes.flatMap((e) => JSON.parse(e.text))).toEqual(texts.map((t) => JSON.parse(t)));
  });

  it('sends a lone event as a plain object, and an event over the limit alone', () => {
    const big = JSON.stringify({ id: 'x'.repeat(100) });
    const envelopes = packEnvelopes(['{"id":"a"}', big, '{"id":"b"}'], 40);
    expect(envelopes.map((e) => e.members)).toEqual([[0], [1], [2]]);
    expect(JSON.parse(envelopes[1].text)).toEqual({ id: 'x'.repeat(100) });
    expect(packEnvelopes([], 100)).toEqual([]);
  });

  it('counts multi-byte characters as their UTF-8 bytes', () => {
    const euro = JSON.stringify({ n: '€'.repeat(10) }); // 30 bytes of euro signs
    expect(packEnvelopes([euro, euro], euro.length * 2 + 3).map((e) => e.members)).toEqual([[0], [1]]);
    expect(packEnvelopes([euro, euro], Buffer.byteLength(euro) * 2 + 4).map((e) => e.members)).toEqual([[0, 1]]);
  });
});

describe('eventsInBody', () => {
  it('expands an envelope and wraps anything else', () => {
    expect(eventsInBody([{ a: 1 }, { b: 2 }])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(eventsInBody({ a: 1 })).toEqual([{ a: 1 }]);
    expect(eventsInBody('text')).toEqual(['text']);
  });
});

describe('envelopeMessages', () => {
  const events = Array.from({ length: 6 }, (_, i) => ({ id: `e${i}`, pad: 'x'.repeat(20) }));

  it('sends one user\'s events as one envelope when they fit, a lone event as itself', () => {
    const [only, ...rest] = envelopeMessages(events, 10_000);
    expect(rest).toEqual([]);
    expect(only.members).toEqual([0, 1, 2, 3, 4, 5]);
    expect(JSON.parse(only.body.toString('utf8'))).toEqual(events);
    expect(JSON.parse(envelopeMessages([events[0]], 10).map((m) => m.body.toString())[0])).toEqual(events[0]);
  });

  it('splits, in order, what would not fit', () => {
    const one = Buffer.byteLength(JSON.stringify(events[0]));
    const messages = envelopeMessages(events, 2 * one + 4);
    expect(messages.map((m) => m.members)).toEqual([[0, 1], [2, 3], [4, 5]]);
    for (const m of messages) expect(m.body.length).toBeLessThanOrEqual(2 * one + 4);
    expect(messages.flatMap((m) => JSON.parse(m.body.toString('utf8')))).toEqual(events);
  });
});
