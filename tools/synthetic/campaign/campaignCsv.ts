// Campaign records as the three CSV files of the documented input schema.
import { COLUMNS, type CampaignFileTexts } from '../../../src/campaign/data/campaignFiles';
import type { CampaignData } from '../../../src/campaign/data/campaignFiles';
import { writeCsv } from '../../../src/campaign/csv/writeCsv';

const header = (kind: keyof typeof COLUMNS) => COLUMNS[kind].map((c) => c.name);

export function campaignDataToCsv(data: CampaignData): Required<CampaignFileTexts> {
  return {
    leads: writeCsv(header('leads'), data.leads.map((l) => [l.leadId, l.age, l.incomeBand, l.creditScore, l.householdSize, l.region])),
    campaigns: writeCsv(header('campaigns'), data.campaigns.map((c) => [c.campaignId, c.name, c.product, c.startDate, c.endDate])),
    touches: writeCsv(header('touches'), data.touches.map((t) => [t.touchId, t.leadId, t.campaignId, t.channel, t.touchedAt, t.converted])),
  };
}
