// The three inputs of campaign optimization (documented in docs/campaign.md).
import type { Channel } from '../../events/contactCombinations';

export const INCOME_BANDS = ['low', 'lower-middle', 'middle', 'upper-middle', 'high'] as const;
export type IncomeBand = (typeof INCOME_BANDS)[number];

/** What the model knows about a lead (demographics). */
export interface LeadAttributes {
  /** Years, 18–120. */
  age: number;
  incomeBand: IncomeBand;
  /** 300–850. */
  creditScore: number;
  /** People in the household, 1–20. */
  householdSize: number;
  /** Lower-case token, e.g. "north". */
  region: string;
}

export interface Lead extends LeadAttributes {
  leadId: string;
}

export interface Campaign {
  campaignId: string;
  name: string;
  /** Lower-case token; a model feature (one-hot). */
  product: string;
  startDate: string;
  endDate?: string;
  /** The product's terms, when the input has them (the template's Product table): money for plans. */
  productTerms?: ProductTerms;
  /** Descriptive fields of the campaign kept for reports (the template's Campaign_Detail). */
  details?: CampaignDetails;
}

/** What the template's Product table says about a campaign's product. */
export interface ProductTerms {
  productId: string;
  productName: string;
  productCategory: string;
  /** Years the policy runs. */
  termYears: number;
  peopleCovered: number;
  /** Paid per `paymentFrequency` period. */
  premium: number;
  paymentFrequency: 'monthly' | 'quarterly' | 'yearly';
  netAmountInsured: number;
  amountOnMaturity: number;
}

export interface CampaignDetails {
  category: string;
  subCategory: string;
  drivers: string;
  callForAction: number;
  focusedGeography: string;
  /** Tenure_Of_Campaign as given (a count of periods; the template does not say which). */
  tenure: number;
}

/** One contact of a lead in a campaign and whether it converted. */
export interface Touch {
  touchId: string;
  leadId: string;
  campaignId: string;
  channel: Channel;
  /** Index into DAYS / TIME_SLOTS, from touchedAt in its own offset. */
  day: number;
  slot: number;
  /** ISO 8601 with offset, as given; a plain date (YYYY-MM-DD) for the template's touches. */
  touchedAt: string;
  timeMs: number;
  converted: boolean;
}
