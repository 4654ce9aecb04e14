// The event's JSON Schema (for the OpenAPI description) agrees with the validator capture uses.
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventJsonSchema } from '../../src/events/eventJsonSchema';
import { BROWSER_EVENT_TYPES, CLIENT_EVENT_TYPES, SERVER_TO_SERVER_EVENT_TYPES } from '../../src/events/eventSchema';
import { validateClientEvent } from '../../src/events/eventValidation';

const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const check = ajv.compile(eventJsonSchema(BROWSER_EVENT_TYPES));
// The keyed route's schema: every client type, purchases and campaign events included.
const checkServer = ajv.compile(eventJsonSchema(CLIENT_EVENT_TYPES));
const now = new Date('2026-11-23T10:00:00Z');

const VALID = [
  { id: 'e1', type: 'page_view', anonymousId: 'anon-1', context: { device: 'mobile', page: '/p' } },
  { id: 'e2', type: 'add_to_cart', userId: 'u', userToken: 't', productId: 'p', value: 5, currency: 'EUR', quantity: 2 },
  { id: 'e3', type: 'offer_click', userId: 'u', offerId: 'o', decisionId: 'abc~DEF', properties: { slot: 'hero', rank: 1, on: true } },
];
const INVALID: [string, unknown][] = [
  ['no user', { id: 'e', type: 'page_view' }],
  ['value past the bound', { id: 'e', type: 'add_to_cart', userId: 'u', productId: 'p', value: 1e308 }],
  ['unknown field', { id: 'e', type: 'page_view', userId: 'u', colour: 'red' }],
  ['unknown context field', { id: 'e', type: 'page_view', userId: 'u', context: { os: 'x' } }],
  ['bad device', { id: 'e', type: 'page_view', userId: 'u', context: { device: 'watch' } }],
  ['lower-case currency', { id: 'e', type: 'page_view', userId: 'u', currency: 'eur' }],
  ['too many properties', { id: 'e', type: 'page_view', userId: 'u', properties: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }],
  ['id too long', { id: 'x'.repeat(129), type: 'page_view', userId: 'u' }],
  ['server type', { id: 'e', type: 'campaign_touch', userId: 'u', leadId: 'L', campaignId: 'C', channel: 'sms', timestamp: '2026-11-20T18:30:00+01:00' }],
  ['purchase (a server type)', { id: 'e', type: 'purchase', userId: 'u', productId: 'p', value: 5 }],
];

describe('event JSON Schema', () => {
  it('accepts what the validator accepts', () => {
    for (const e of VALID) {
      expect(validateClientEvent(e, now).ok).toBe(true);
      expect(check(e), JSON.stringify(check.errors)).toBe(true);
    }
  });

  it.each(INVALID)('refuses what the validator refuses: %s', (_, e) => {
    expect(check(e)).toBe(false);
    const type = (e as { type: string }).type;
    if (!(SERVER_TO_SERVER_EVENT_TYPES as readonly string[]).includes(type)) expect(validateClientEvent(e, now).ok).toBe(false);
  });

  it('describes purchases on the keyed route as the validator checks them', () => {
    const purchase = { id: 'e2', type: 'purchase', userId: 'u', productId: 'p', value: 5, currency: 'EUR', quantity: 2 };
    expect(validateClientEvent(purchase, now).ok).toBe(true);
    expect(checkServer(purchase), JSON.stringify(checkServer.errors)).toBe(true);
    for (const bad of [{ ...purchase, value: undefined }, { ...purchase, value: 1e308 }]) {
      const e = JSON.parse(JSON.stringify(bad)) as unknown;
      expect(validateClientEvent(e, now).ok).toBe(false);
      expect(checkServer(e)).toBe(false);
    }
  });
});
