import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COMBINATIONS, localContactTime } from '../../../src/events/contactCombinations';
import { readCampaignFiles } from '../../../src/campaign/data/campaignFiles';
import { campaignDataToCsv } from '../../../tools/synthetic/campaign/campaignCsv';
import { generateCampaignData } from '../../../tools/synthetic/campaign/generateCampaignData';
import { trueCombinationProbabilities, trueConversionProbability } from '../../../tools/synthetic/campaign/trueConversion';

const digest = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

describe('synthetic campaign data', () => {
  const options = { leads: 800, touches: 4000, seed: 11, days: 28 };

  it('is identical for the same seed and different for another', () => {
    const a = campaignDataToCsv(generateCampaignData(options));
    const b = campaignDataToCsv(generateCampaignData(options));
    const c = campaignDataToCsv(generateCampaignData({ ...options, seed: 12 }));
    for (const kind of ['leads', 'campaigns', 'touches'] as const) expect(digest(a[kind])).toBe(digest(b[kind]));
    expect(digest(a.touches)).not.toBe(digest(c.touches));
  });

  it('writes CSV files that pass the import checks and read back to the same records', () => {
    const data = generateCampaignData(options);
    const back = readCampaignFiles(campaignDataToCsv(data));
    expect(back.leads).toEqual(data.leads);
    expect(back.campaigns).toEqual(data.campaigns);
    expect(back.touches).toEqual(data.touches);
  });

  it('orders touches by time, and each touch carries the local day and slot of its timestamp', () => {
    const { touches } = generateCampaignData(options);
    for (let i = 1; i < touches.length; i++) expect(touches[i].timeMs).toBeGreaterThanOrEqual(touches[i - 1].timeMs);
    for (const t of touches.slice(0, 200)) expect(localContactTime(t.touchedAt)).toMatchObject({ day: t.day, slot: t.slot });
  });

  it('draws outcomes from the true probabilities', () => {
    const data = generateCampaignData({ leads: 2000, touches: 40_000, seed: 3 });
    const expected = data.touchProbability.reduce((a, b) => a + b, 0);
    const observed = data.touches.filter((t) => t.converted).length;
    // Within 4 standard deviations of the sum of Bernoulli draws.
    let variance = 0;
    for (const p of data.touchProbability) variance += p * (1 - p);
    expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(variance));
  });

  it('gives different leads different best combinations', () => {
    const { leads } = generateCampaignData({ leads: 3000, touches: 10, seed: 1 });
    const best = new Map<number, number>();
    for (const lead of leads) {
      const p = trueCombinationProbabilities(lead, 'savings');
      let k = 0;
      for (let j = 1; j < p.length; j++) if (p[j] > p[k]) k = j;
      best.set(k, (best.get(k) ?? 0) + 1);
      expect(p[k]).toBeCloseTo(trueConversionProbability(lead, 'savings', COMBINATIONS[k].c, COMBINATIONS[k].d, COMBINATIONS[k].s), 12);
    }
    expect(best.size).toBeGreaterThan(8);
    expect(Math.max(...best.values()) / leads.length).toBeLessThan(0.5);
  });
});

describe('local contact time', () => {
  it('takes the day and slot from the timestamp in its own offset', () => {
    expect(localContactTime('2025-03-03T18:30:00+01:00')).toMatchObject({ day: 0, slot: 2 });
    expect(localContactTime('2025-03-03T23:30:00-05:00')).toMatchObject({ day: 0, slot: 2, timeMs: Date.parse('2025-03-04T04:30:00Z') });
    expect(localContactTime('2025-03-09T11:59:59.5Z')).toMatchObject({ day: 6, slot: 0 });
    expect(localContactTime('2025-03-05T12:00:00Z')).toMatchObject({ day: 2, slot: 1 });
    expect(localContactTime('2025-03-05T17:00:00Z')).toMatchObject({ day: 2, slot: 2 });
  });

  it('refuses timestamps without an offset or with impossible values', () => {
    for (const bad of ['2025-03-03T18:30:00', '2025-02-30T10:00:00Z', '2025-03-03T24:00:00Z', '03/03/2025 10:00', '']) expect(localContactTime(bad)).toBeUndefined();
  });
});
