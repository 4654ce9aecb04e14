// Documents of leads (container `leads`) and campaign definitions (container `campaignPlans`).
import type { Campaign, CampaignDetails, Lead, ProductTerms } from './records';

export type LeadDocument = {
  id: string;
  leadId: string;
  age: number;
  incomeBand: string;
  creditScore: number;
  householdSize: number;
  region: string;
  importedAt: string;
};

/** One per campaign, beside its plans in the campaign's partition. */
export type CampaignDocument = {
  id: 'campaign';
  kind: 'campaign';
  campaignId: string;
  name: string;
  product: string;
  startDate: string;
  endDate: string | null;
  status: 'defined';
  updatedAt: string;
} & Partial<FlatProductTerms & FlatCampaignDetails>;

/** Product terms flattened onto the campaign document (present when the input had them). */
type FlatProductTerms = { [K in keyof ProductTerms]: ProductTerms[K] };
type FlatCampaignDetails = { [K in keyof CampaignDetails as `campaign${Capitalize<K>}`]: CampaignDetails[K] };

export const CAMPAIGN_DOCUMENT_ID = 'campaign';

export function leadDocument(lead: Lead, importedAt: string): LeadDocument {
  return {
    id: lead.leadId,
    leadId: lead.leadId,
    age: lead.age,
    incomeBand: lead.incomeBand,
    creditScore: lead.creditScore,
    householdSize: lead.householdSize,
    region: lead.region,
    importedAt,
  };
}

export function campaignDocument(c: Campaign, updatedAt: string): CampaignDocument {
  return {
    id: CAMPAIGN_DOCUMENT_ID,
    kind: 'campaign',
    campaignId: c.campaignId,
    name: c.name,
    product: c.product,
    startDate: c.startDate,
    endDate: c.endDate ?? null,
    status: 'defined',
    updatedAt,
    ...(c.productTerms ?? {}),
    ...(c.details ? flatDetails(c.details) : {}),
  };
}

function flatDetails(d: CampaignDetails): FlatCampaignDetails {
  return {
    campaignCategory: d.category,
    campaignSubCategory: d.subCategory,
    campaignDrivers: d.drivers,
    campaignCallForAction: d.callForAction,
    campaignFocusedGeography: d.focusedGeography,
    campaignTenure: d.tenure,
  };
}
