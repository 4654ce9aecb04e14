// The campaign data in either input format: our three files (leads.csv, campaigns.csv,
// touches.csv) or the template's four tables. Import and training read through here, so the
// same train → plan → recommend path runs on both.
import { readCampaignFiles, FILE_NAMES, type CampaignData } from '../data/campaignFiles';
import { readCampaignSource, readSourceFiles, type CampaignSource } from '../data/campaignSource';
import { readTemplateFiles, type TemplateImportSummary } from './readTemplateFiles';
import { TEMPLATE_FILES } from './templateTables';

import { CAMPAIGN_FORMATS, type CampaignFormat } from '../../config/campaignRetrainSettings';

export { CAMPAIGN_FORMATS, type CampaignFormat };

export interface CampaignInput {
  data: CampaignData;
  /** Which files were present (for "training needs …" checks). */
  present: { leads: boolean; campaigns: boolean; touches: boolean };
  /** Template format only: what became of each column. */
  summary?: TemplateImportSummary;
}

/** File names of a format, for messages. */
export function formatFiles(format: CampaignFormat): string[] {
  return Object.values(format === 'template' ? TEMPLATE_FILES : FILE_NAMES);
}

export async function readCampaignInput(source: CampaignSource, format: CampaignFormat = 'campaign'): Promise<CampaignInput> {
  if (format === 'template') {
    const texts = await readSourceFiles(source, TEMPLATE_FILES);
    const { data, summary } = readTemplateFiles(texts);
    return { data, summary, present: { leads: texts.leads !== undefined, campaigns: texts.campaigns !== undefined, touches: texts.touches !== undefined } };
  }
  const texts = await readCampaignSource(source);
  return { data: readCampaignFiles(texts), present: { leads: texts.leads !== undefined, campaigns: texts.campaigns !== undefined, touches: texts.touches !== undefined } };
}
