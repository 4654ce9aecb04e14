// Money per contact option: a conversion earns the product's revenue, a contact costs its
// channel's price, so option k of a lead with conversion probability p_k has
//   expected revenue p_k·revenue, cost cost(channel_k), expected profit p_k·revenue − cost.
// The revenue comes from the campaign document: its `revenuePerConversion`, else the product's
// premium for one year (`premium` × payments a year by `paymentFrequency`, which the template
// import puts there from the Product table: a conversion is a policy sold, and its first year of
// premium is what the campaign earns for certain); else CampaignProductRevenue by product, else
// its `*` entry.
import { COMBINATIONS } from '../../events/contactCombinations';
import type { ContactChannelName } from '../../config/campaignSettings';

export interface ContactEconomics {
  revenuePerConversion: number;
  /** Where the revenue came from: `campaign`, `setting:<product>` or `setting:*`. */
  revenueSource: string;
  costPerContact: Record<ContactChannelName, number>;
}

export function contactEconomics(
  campaign: { product: string; revenuePerConversion?: number; annualPremium?: number },
  productRevenue: Record<string, number>,
  costPerContact: Record<ContactChannelName, number>,
): ContactEconomics {
  if (campaign.revenuePerConversion !== undefined) return { revenuePerConversion: campaign.revenuePerConversion, revenueSource: 'campaign', costPerContact };
  if (campaign.annualPremium !== undefined) return { revenuePerConversion: campaign.annualPremium, revenueSource: 'campaign:annualPremium', costPerContact };
  const own = productRevenue[campaign.product.toLowerCase()];
  if (own !== undefined) return { revenuePerConversion: own, revenueSource: `setting:${campaign.product.toLowerCase()}`, costPerContact };
  return { revenuePerConversion: productRevenue['*'] ?? 0, revenueSource: 'setting:*', costPerContact };
}

/** Cost of each of the 63 combinations (its channel's). */
export function combinationCosts(e: ContactEconomics): Float64Array {
  return Float64Array.from(COMBINATIONS, (c) => e.costPerContact[c.channel]);
}

/** Expected profit of lead i's combination k from its probability. */
export function expectedProfit(probability: number, cost: number, e: ContactEconomics): number {
  return probability * e.revenuePerConversion - cost;
}

