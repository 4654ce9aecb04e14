// The fast campaign row writer builds exactly what the project's feature builder builds from the
// same contract, and the contract check refuses models that are not campaign models.
import { describe, expect, it } from 'vitest';
import { COMBINATIONS, COMBINATION_COUNT } from '../../src/events/contactCombinations';
import { buildCampaignContract, campaignLayout } from '../../src/campaign/features/campaignContract';
import { expandCombinations, leadContext, leadMatrix } from '../../src/campaign/features/campaignRows';
import { buildFeatureRow } from '../../src/features/featureBuilder';
import { contractWidth } from '../../src/features/featureContract';
import type { LeadAttributes } from '../../src/campaign/data/records';

const layout = campaignLayout(buildCampaignContract({ regions: ['east', 'north', 'south'], products: ['savings', 'term-life'] }));

describe('campaign feature rows', () => {
  it('lays out lead columns first, then channel, day and slot', () => {
    expect(layout.width).toBe(contractWidth(layout.contract));
    expect(layout.columnNames).toEqual([
      'age', 'creditScore', 'householdSize', 'incomeLevel', 'region=east', 'region=north', 'region=south', 'product=savings', 'product=term-life',
      'channel=email', 'channel=sms', 'channel=call', 'day=mon', 'day=tue', 'day=wed', 'day=thu', 'day=fri', 'day=sat', 'day=sun',
      'timeSlot=morning', 'timeSlot=afternoon', 'timeSlot=evening',
    ]);
    expect(layout.leadWidth).toBe(9);
  });

  it('equals buildFeatureRow for every combination, including unknown regions and products', () => {
    const leads: [LeadAttributes, string][] = [
      [{ age: 34, incomeBand: 'middle', creditScore: 710, householdSize: 3, region: 'north' }, 'savings'],
      [{ age: 70, incomeBand: 'high', creditScore: 820, householdSize: 1, region: 'atlantis' }, 'term-life'],
      [{ age: 19, incomeBand: 'low', creditScore: 300, householdSize: 9, region: 'east' }, 'unknown-product'],
    ];
    for (const [lead, product] of leads) {
      const rows = expandCombinations(layout, leadMatrix(layout, [lead], product), 0, 1);
      expect(rows.length).toBe(COMBINATION_COUNT * layout.width);
      for (const c of COMBINATIONS) {
        const action = new Map<string, string>([['channel', c.channel], ['day', c.day], ['timeSlot', c.timeSlot]]);
        const expected = buildFeatureRow({ context: leadContext(lead, product), action, profile: undefined, prior: 0, nowMs: 0 }, layout.contract);
        expect(Array.from(rows.subarray(c.index * layout.width, (c.index + 1) * layout.width))).toEqual(Array.from(expected));
      }
    }
  });

  it('refuses a contract that is not a campaign contract, naming the feature', () => {
    const contract = structuredClone(layout.contract);
    expect(() => campaignLayout({ ...contract, features: contract.features.slice(1) })).toThrow(/features: are \[creditScore/);
    const wrongDays = structuredClone(layout.contract);
    const day = wrongDays.features[7];
    if (day.source === 'action' && day.encoding.type === 'onehot') day.encoding.vocabulary = ['mon', 'tue'];
    expect(() => campaignLayout(wrongDays)).toThrow(/features\[7\]: vocabulary must be \[mon, tue, wed/);
    expect(() => campaignLayout({ version: 2, features: [] })).toThrow(/features\.version|version/);
  });
});
