// The one tracked-event validator: what capture accepts, every reader accepts; what capture
// refuses, the readers (aggregation, trainer, campaign import) now refuse too, naming the field.
import { describe, expect, it } from 'vitest';
import { checkEventValue, validateClientEvent } from '../../src/events/eventValidation';
import type { TrackedEvent } from '../../src/events/eventSchema';
import { parseLoggedEvent } from '../../src/events/learningEvents';
import { computeDeltas } from '../../src/aggregation/deltas';
import { touchesFromEvents } from '../../src/campaign/data/archiveTouches';
import { makeEvents } from '../aggregation/fixtures/generatedEvents';
import { recentEvents } from '../dashboard/recentEvents';
import { generateDecisionLog } from '../../tools/synthetic/decisions/syntheticDecisionLog';
import { createWorld } from '../../tools/simulator/simWorld';
import { simulateOffline } from '../../tools/simulator/offlineLog';

const received = new Date('2026-11-23T10:00:00Z');

/** Client events using every field and type capture knows. */
const CLIENT_EVENTS: Record<string, unknown>[] = [
  { id: 'e1', type: 'page_view', userId: 'u1', context: { device: 'mobile', page: '/p', referrer: 'https://x', channel: 'web', locale: 'de-DE', campaign: 'spring', userAgent: 'ua' } },
  { id: 'e2', type: 'product_view', anonymousId: 'a1', productId: 'p1', category: 'shoes', timestamp: '2026-11-23T11:00:00+02:00' },
  { id: 'e3', type: 'add_to_cart', userId: 'u1', productId: 'p1', quantity: 2 },
  { id: 'e4', type: 'remove_from_cart', userId: 'u1', productId: 'p1' },
  { id: 'e5', type: 'purchase', userId: 'u1', productId: 'p1', value: 0, currency: 'EUR', quantity: 10_000, schemaVersion: 1 },
  { id: 'e6', type: 'offer_view', userId: 'u1', offerId: 'o1', properties: { slot: 'hero', rank: 1, personalised: true } },
  { id: 'e7', type: 'offer_click', userId: 'ü-😀', offerId: 'o1', timestamp: '2026-11-23T10:04:59Z' },
  { id: 'e8', type: 'campaign_touch', userId: 'u1', leadId: 'L1', campaignId: 'C1', channel: 'sms', timestamp: '2026-11-20T18:30:00+01:00' },
  { id: 'e9', type: 'campaign_response', userId: 'u1', leadId: 'L1', campaignId: 'C1', touchId: 'e8', timestamp: '2026-11-21T09:00:00-05:00' },
  { id: 'x'.repeat(128), type: 'page_view', userId: '😀'.repeat(64), category: '😀'.repeat(256) },
];

function captured(input: Record<string, unknown>): TrackedEvent {
  const result = validateClientEvent(input, received);
  if (!result.ok) throw new Error(`${JSON.stringify(input)}: ${JSON.stringify(result.errors)}`);
  return result.event;
}

function expectStoredValid(events: unknown[]): void {
  for (const e of events) {
    const checked = checkEventValue(JSON.parse(JSON.stringify(e)));
    if (!checked.ok) throw new Error(`${JSON.stringify(e).slice(0, 300)}: ${checked.reason}`);
  }
}

describe('what capture accepts, every reader accepts', () => {
  it('client events of every type and field, as capture stores them', () => {
    expectStoredValid(CLIENT_EVENTS.map(captured));
  });

  it('the test fixtures of aggregation and the dashboard, and the learning loop as the ranker and the tools write it', () => {
    expectStoredValid(makeEvents(2000, 5));
    expectStoredValid(recentEvents({ count: 500, seed: 2, endMs: received.getTime() }));
    expectStoredValid(generateDecisionLog({ decisions: 300, startMs: received.getTime() - 86_400_000 }).events);
    expectStoredValid(simulateOffline(createWorld({ seed: 4, users: 50, offers: 8 }), { decisions: 100, clientEvents: true }).events);
  });
});

/** A stored event capture would have written, with one field changed. */
const stored = (over: Record<string, unknown>) => ({ ...captured({ id: 'e', type: 'page_view', userId: 'u', timestamp: '2026-11-23T09:00:00Z' }), ...over });

// Each was let through by aggregation's own checks before; capture refused (or could not store) it.
const NEWLY_REFUSED: [string, Record<string, unknown>, string][] = [
  ['an unknown field', stored({ colour: 'red' }), 'colour'],
  ['an unknown context field', stored({ context: { shoeSize: 42 } }), 'context.shoeSize'],
  ['a device outside the list', stored({ context: { device: 'fridge' } }), 'context.device'],
  ['a 257-character category', stored({ category: 'c'.repeat(257) }), 'category'],
  ['a currency that is not ISO 4217', stored({ currency: 'euro' }), 'currency'],
  ['a quantity above 10,000', stored({ quantity: 10_001 }), 'quantity'],
  ['a prototype key in properties', stored({ properties: JSON.parse('{"__proto__": 1}') }), 'properties.__proto__'],
  ['a nested property value', stored({ properties: { a: { b: 1 } } }), 'properties.a'],
  ['51 properties', stored({ properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }), 'properties'],
  ['another schema version', stored({ schemaVersion: 2 }), 'schemaVersion'],
  ['a timestamp without seconds', stored({ timestamp: '2026-11-23T09:00Z' }), 'timestamp'],
  ['a date that does not exist', stored({ timestamp: '2026-02-30T09:00:00.000Z' }), 'timestamp'],
  ['a timestamp far after its receive time', stored({ timestamp: '2026-11-23T10:05:01.000Z' }), 'timestamp'],
  ['a receivedAt that is no time', stored({ receivedAt: 'now' }), 'receivedAt'],
  ['a decision member on a client event', stored({ decision: { rewardActionId: 'o1' } }), 'decision'],
  ['a day on a page view', stored({ day: 'mon' }), 'day'],
  ['a campaign channel outside the list', stored({ type: 'campaign_touch', leadId: 'L', campaignId: 'C', channel: 'fax', day: 'mon', timeSlot: 'evening' }), 'channel'],
  ['a campaign touch without its lead', stored({ type: 'campaign_touch', campaignId: 'C', channel: 'sms', day: 'mon', timeSlot: 'evening' }), 'leadId'],
  ['a reward without its value', stored({ type: 'reward', offerId: 'o1', decision: { eventId: 'x', rewardActionId: 'o1' } }), 'value'],
];

describe('what capture refuses, aggregation now refuses too', () => {
  it.each(NEWLY_REFUSED)('%s: dead-lettered with the field named', (_what, event, field) => {
    const checked = checkEventValue(event);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.map((e) => e.field)).toContain(field);
    expect(checked.reason.startsWith(`${field}: `)).toBe(true);
    const { poison, events } = computeDeltas({
      fullyQualifiedNamespace: 'ns', eventHubName: 'events', consumerGroup: 'aggregate', partitionId: '0',
      events: [{ body: Buffer.from(JSON.stringify([stored({}), event])), sequenceNumber: 0, offset: '0', enqueuedTimeUtc: received, properties: {} }],
    }, [60]);
    expect(events).toHaveLength(1);
    expect(poison.map((p) => p.reason)).toEqual([`[1] ${checked.reason}`]);
  });

  it('capture refuses the client-side counterparts with the same fields', () => {
    for (const [, event, field] of NEWLY_REFUSED) {
      if (field === 'receivedAt' || field === 'decision' || field === 'day' || event.type === 'reward') continue;
      const { receivedAt: _r, schemaVersion, day: _d, timeSlot: _t, ...input } = event;
      const result = validateClientEvent({ ...input, ...(schemaVersion !== 1 ? { schemaVersion } : {}) }, received);
      expect(result.ok, field).toBe(false);
      if (!result.ok) expect(result.errors.map((e) => e.field), field).toContain(field);
    }
  });
});

describe('capture, with the stricter of the two old rules', () => {
  it('refuses ids of more than 128 UTF-16 units (aggregation dead-lettered them), still counting astral characters once elsewhere', () => {
    const long = validateClientEvent({ id: 'e', type: 'page_view', userId: '😀'.repeat(65) }, received);
    expect(long).toMatchObject({ ok: false, errors: [{ field: 'userId', message: 'must be a string of 1-128 characters' }] });
    expect(validateClientEvent({ id: 'e', type: 'page_view', userId: 'u', category: '😀'.repeat(256) }, received).ok).toBe(true);
  });

  it('refuses RFC 3339 times Date cannot read (they used to throw in toISOString) with a 400 naming the timestamp', () => {
    for (const timestamp of ['2016-12-31T23:59:60Z', '2026-11-23T10:00:00+01']) {
      const result = validateClientEvent({ id: 'e', type: 'page_view', userId: 'u', timestamp }, received);
      expect(result.ok ? [] : result.errors.map((e) => e.field)).toEqual(['timestamp']);
    }
  });

  it('still accepts the other RFC 3339 spellings and stores them in UTC', () => {
    for (const timestamp of ['2026-11-23t09:00:00z', '2026-11-23 09:00:00Z', '2026-11-23T10:00:00+0100']) {
      expect(captured({ id: 'e', type: 'page_view', userId: 'u', timestamp }).timestamp).toBe('2026-11-23T09:00:00.000Z');
    }
  });
});

describe('the trainer reads loop events through the same validator', () => {
  const [decision] = generateDecisionLog({ decisions: 1, startMs: received.getTime() - 3_600_000 }).events;
  const copy = () => JSON.parse(JSON.stringify(decision)) as Record<string, unknown>;

  it('accepts what the ranker writes', () => {
    expect(parseLoggedEvent(copy()).kind).toBe('decision');
  });

  it.each([
    ['without a user', { userId: undefined, anonymousId: undefined }, /: userId: userId or anonymousId is required$/],
    ['with an unknown field', { note: 'x' }, /: note: is not a known field$/],
    ['with an id longer than 128', { id: 'd'.repeat(129) }, /: id: must be a string of 1-128 characters$/],
    ['without a timestamp', { timestamp: undefined }, /: timestamp: is required$/],
  ])('counts a decision event %s as malformed, naming the field', (_what, over, error) => {
    const parsed = parseLoggedEvent({ ...copy(), ...over });
    expect(parsed).toMatchObject({ kind: 'malformed', type: 'decision' });
    expect((parsed as { error: string }).error).toMatch(/^decision event /);
    expect((parsed as { error: string }).error).toMatch(error);
  });
});

describe('the campaign import reads campaign events through the same validator', () => {
  it('skips campaign events capture would refuse', () => {
    const touch = captured({ id: 't', type: 'campaign_touch', userId: 'u', leadId: 'L', campaignId: 'C', channel: 'sms', timestamp: '2026-11-20T18:30:00+01:00' });
    const { touches, stats } = touchesFromEvents([touch, { ...touch, id: 't2', leadId: 'L'.repeat(129) }, { ...touch, id: 't3', colour: 'red' }]);
    expect(touches.map((t) => t.touchId)).toEqual(['t']);
    expect(stats).toMatchObject({ touchEvents: 3, skipped: 2 });
  });
});
