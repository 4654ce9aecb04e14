// Numeric fields are bounded: a purchase of 1e308 would overflow a revenue total to Infinity (null in JSON).
import { describe, expect, it } from 'vitest';
import { checkEventValue, validateClientEvent } from '../../src/events/eventValidation';
import { MAX_EVENT_VALUE } from '../../src/events/eventSchema';

const now = new Date('2026-11-23T10:00:00Z');
const purchase = (value: number) => ({ id: 'e', type: 'purchase', userId: 'u', productId: 'p', value });

describe('value bounds', () => {
  it('refuses a purchase value past the bound, naming the field, on capture and when read back', () => {
    for (const value of [1e308, MAX_EVENT_VALUE + 0.01]) {
      const r = validateClientEvent(purchase(value), now);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.errors).toEqual([{ field: 'value', message: `must be between -${MAX_EVENT_VALUE} and ${MAX_EVENT_VALUE}` }]);
    }
    const stored = checkEventValue({ ...purchase(1e308), timestamp: now.toISOString(), receivedAt: now.toISOString(), schemaVersion: 1 });
    expect(stored.ok).toBe(false);
    expect(validateClientEvent(purchase(MAX_EVENT_VALUE), now).ok).toBe(true);
  });

  it('keeps quantities within 1-10000', () => {
    expect(validateClientEvent({ ...purchase(5), quantity: 1e9 }, now).ok).toBe(false);
  });
});
