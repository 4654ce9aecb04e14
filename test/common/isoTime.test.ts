// isRfc3339DateTime took over ajv-formats' "date-time" check from the event schema: same answers.
import { describe, expect, it } from 'vitest';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isRfc3339DateTime, parseCanonicalIsoTime, parseIsoTime } from '../../src/common/isoTime';

const ajvDateTime = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;

const CASES = [
  '2026-11-23T10:00:00Z', '2026-11-23T10:00:00.000Z', '2026-11-23T10:00:00.123456789Z', '2026-11-23t10:00:00z', '2026-11-23 10:00:00Z',
  '2026-11-23T10:00:00+02:00', '2026-11-23T10:00:00-0530', '2026-11-23T10:00:00+01', '2026-11-23T10:00:00', '2026-11-23T10:00Z',
  '2026-11-23', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2024-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z', '2026-11-23T24:00:00Z', '2026-11-23T23:60:00Z', '2016-12-31T23:59:60Z', '2016-12-31T23:59:60+00:00',
  '2017-01-01T00:59:60+01:00', '2016-12-31T22:59:60Z', '2026-11-23T10:00:00+24:00', '2026-11-23T10:00:00+02:60', '2026-11-23T10:00:00ZZ',
  '2026-11-23TT10:00:00Z', ' 2026-11-23T10:00:00Z', '2026-11-23T10:00:00Z ', '26-11-23T10:00:00Z', '2026-11-23T10:00:00.Z', '',
  '2026-11-23\t10:00:00Z', '2026-11-23T1:00:00Z',
];

describe('isRfc3339DateTime', () => {
  it.each(CASES)('%j: as ajv-formats (full mode)', (s) => {
    expect(isRfc3339DateTime(s)).toBe(ajvDateTime(s));
  });
});

describe('parseCanonicalIsoTime', () => {
  it('reads only valid toISOString() forms; parseIsoTime falls back for the rest', () => {
    expect(parseCanonicalIsoTime('2024-02-29T12:00:00.000Z')).toBe(Date.parse('2024-02-29T12:00:00.000Z'));
    expect(parseCanonicalIsoTime('2024-02-29T12:00:00Z')).toBe(Date.parse('2024-02-29T12:00:00Z'));
    expect(parseCanonicalIsoTime('2023-02-29T12:00:00.000Z')).toBeNaN();
    expect(parseCanonicalIsoTime('2024-02-29T13:00:00+01:00')).toBeNaN();
    expect(parseIsoTime('2024-02-29T13:00:00+01:00')).toBe(Date.parse('2024-02-29T12:00:00Z'));
  });
});
