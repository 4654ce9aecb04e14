import { describe, expect, it } from 'vitest';
import { compactStamp, hourOfDay, isoDayOfWeek, validateWindows, windowEndMs, windowStartMs } from '../../src/aggregation/windows';
import { encodeKeyPart, profileDocumentId } from '../../src/aggregation/documentKeys';
import { addMoney, roundMoney } from '../../src/aggregation/money';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('tumbling windows', () => {
  it('hourly windows start on the hour, the end is exclusive', () => {
    expect(iso(windowStartMs(t('2024-03-03T10:59:59.999Z'), 60))).toBe('2024-03-03T10:00:00.000Z');
    expect(iso(windowStartMs(t('2024-03-03T11:00:00.000Z'), 60))).toBe('2024-03-03T11:00:00.000Z');
    expect(iso(windowEndMs(t('2024-03-03T10:00:00Z'), 60))).toBe('2024-03-03T11:00:00.000Z');
    expect(iso(windowStartMs(t('2024-03-03T10:44:00Z'), 15))).toBe('2024-03-03T10:30:00.000Z');
  });

  it('daily windows split at midnight UTC, whatever offset the timestamp was written with', () => {
    expect(iso(windowStartMs(t('2024-03-03T23:59:59.999Z'), 1440))).toBe('2024-03-03T00:00:00.000Z');
    expect(iso(windowStartMs(t('2024-03-04T00:00:00.000Z'), 1440))).toBe('2024-03-04T00:00:00.000Z');
    expect(iso(windowStartMs(t('2024-03-04T01:30:00+02:00'), 1440))).toBe('2024-03-03T00:00:00.000Z');
    expect(iso(windowStartMs(t('2024-02-29T12:00:00Z'), 1440))).toBe('2024-02-29T00:00:00.000Z');
    expect(iso(windowStartMs(t('2024-12-31T23:59:59Z'), 1440))).toBe('2024-12-31T00:00:00.000Z');
  });

  it('weekly windows run Monday to Monday', () => {
    // 2024-03-03 is a Sunday, 2024-03-04 a Monday.
    expect(iso(windowStartMs(t('2024-03-03T23:59:59Z'), 10080))).toBe('2024-02-26T00:00:00.000Z');
    expect(iso(windowStartMs(t('2024-03-04T00:00:00Z'), 10080))).toBe('2024-03-04T00:00:00.000Z');
    expect(iso(windowStartMs(t('2024-03-10T23:59:59Z'), 10080))).toBe('2024-03-04T00:00:00.000Z');
    // Other multi-day windows count from the Unix epoch (2024-03-04 is day 19786, an even day).
    expect(iso(windowStartMs(t('2024-03-05T12:00:00Z'), 2880))).toBe('2024-03-04T00:00:00.000Z');
  });

  it('day of week (ISO, Monday = 1) and hour of day are UTC', () => {
    expect(isoDayOfWeek(t('2024-03-03T23:59:59Z'))).toBe(7);
    expect(isoDayOfWeek(t('2024-03-04T00:00:00Z'))).toBe(1);
    expect(isoDayOfWeek(t('2024-03-04T00:30:00+01:00'))).toBe(7);
    expect(hourOfDay(t('2024-03-03T23:59:59Z'))).toBe(23);
    expect(hourOfDay(t('2024-03-04T00:00:00Z'))).toBe(0);
    expect(hourOfDay(t('2024-03-04T09:15:00+05:30'))).toBe(3);
  });

  it('compact stamps and window validation', () => {
    expect(compactStamp(t('2024-03-04T09:00:00Z'))).toBe('20240304T0900Z');
    expect(() => validateWindows([60, 1440, 10080])).not.toThrow();
    expect(() => validateWindows([7])).toThrow(/windowsMinutes: 7/);
    expect(() => validateWindows([])).toThrow(/windowsMinutes/);
  });
});

describe('document keys', () => {
  it('escapes characters Cosmos ids may not hold, injectively', () => {
    expect(encodeKeyPart('summer-sale_2024.v1')).toBe('summer-sale_2024.v1');
    expect(encodeKeyPart('a/b')).toBe('a~002fb');
    expect(encodeKeyPart('a~002fb')).not.toBe(encodeKeyPart('a/b'));
    expect(encodeKeyPart('x?y#z\\')).not.toMatch(/[/\\?#]/);
    const long = encodeKeyPart('é'.repeat(128));
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).not.toBe(encodeKeyPart('é'.repeat(127)));
  });

  it('a profile id is the user id unless that is not a valid id', () => {
    expect(profileDocumentId('user-42')).toBe('user-42');
    expect(profileDocumentId('tenant/42')).toBe('tenant~002f42');
  });
});

describe('money sums', () => {
  it('do not depend on grouping', () => {
    const values = [0.1, 0.2, 0.3, 19.99, 5.01, 1e-7, 123456.789];
    const left = values.reduce((a, v) => addMoney(a, roundMoney(v)), 0);
    const right = [...values].reverse().reduce((a, v) => addMoney(a, roundMoney(v)), 0);
    const pairs = addMoney(values.slice(0, 3).reduce((a, v) => addMoney(a, roundMoney(v)), 0), values.slice(3).reduce((a, v) => addMoney(a, roundMoney(v)), 0));
    expect(left).toBe(right);
    expect(left).toBe(pairs);
    expect(left).toBe(123482.389);
  });
});
