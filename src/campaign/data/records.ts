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
  /** ISO 8601 with offset, as given. */
  touchedAt: string;
  timeMs: number;
  converted: boolean;
}
