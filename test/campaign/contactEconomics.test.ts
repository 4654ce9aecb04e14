// Where a plan's revenue per conversion comes from, and the profit of one contact.
import { describe, expect, it } from 'vitest';
import { combinationCosts, contactEconomics, expectedProfit } from '../../src/campaign/plan/contactEconomics';
import { capacityNodes } from '../../src/campaign/plan/capacityNodes';
import { CAMPAIGN_DEFAULTS } from '../../src/config/campaignSettings';
import { COMBINATIONS } from '../../src/events/contactCombinations';

const costs = CAMPAIGN_DEFAULTS.contactCost;

describe('contact economics', () => {
  it('takes the campaign’s own revenue, then its product’s yearly premium, then the setting by product, then *', () => {
    const settings = { savings: 800, '*': 100 };
    expect(contactEconomics({ product: 'savings', revenuePerConversion: 50, annualPremium: 12000 }, settings, costs)).toMatchObject({ revenuePerConversion: 50, revenueSource: 'campaign' });
    expect(contactEconomics({ product: 'savings', annualPremium: 12000 }, settings, costs)).toMatchObject({ revenuePerConversion: 12000, revenueSource: 'campaign:annualPremium' });
    expect(contactEconomics({ product: 'Savings' }, settings, costs)).toMatchObject({ revenuePerConversion: 800, revenueSource: 'setting:savings' });
    expect(contactEconomics({ product: 'term-life' }, settings, costs)).toMatchObject({ revenuePerConversion: 100, revenueSource: 'setting:*' });
  });

  it('charges each combination its contact channel’s cost', () => {
    const e = contactEconomics({ product: 'x' }, { '*': 100 }, costs);
    const byCombination = combinationCosts(e);
    for (const c of COMBINATIONS) expect(byCombination[c.index]).toBe(costs[c.channel]);
    expect(expectedProfit(0.07, costs.call, e)).toBeCloseTo(2, 12);
  });

  it('makes one capacity resource per day and slot, or per day, of each limited channel', () => {
    const nodes = capacityNodes({ call: { limit: 5, per: 'slot' }, email: { limit: 100, per: 'day' } });
    expect(nodes.nodes).toBe(1 + 7 + 21);
    expect(nodes.labels).toContain('call sat evening');
    expect(nodes.labels).toContain('email tue');
    for (const c of COMBINATIONS) {
      const label = nodes.labels[nodes.nodeOf[c.index]];
      expect(label).toBe(c.channel === 'sms' ? 'unlimited' : c.channel === 'call' ? `call ${c.day} ${c.timeSlot}` : `email ${c.day}`);
    }
  });
});
