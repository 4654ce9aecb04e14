// Import = check everything, then write. Leads go to `leads`, campaign definitions to
// `campaignPlans`; touches are checked with them (ids, channels, times) and stay in their file
// as the training input. If any row is refused, CampaignDataError lists the problems and
// nothing is written. Writes are upserts by id, so re-running an import converges.
import type { Container } from '@azure/cosmos';
import { readCampaignFiles, type CampaignData, type CampaignFileTexts } from './campaignFiles';
import { bulkUpsert } from './bulkUpsert';
import { campaignDocument, leadDocument } from './campaignDocuments';

export interface ImportTargets {
  leads: Container;
  plans: Container;
}

export interface ImportResult {
  leads: number;
  campaigns: number;
  touches: number;
  written: { leads: number; campaigns: number };
}

export interface ImportOptions {
  dryRun?: boolean;
  now?: Date;
  log?: (message: string) => void;
  /** Leads written so far; when given, replaces the log's "N of M leads written" lines. */
  progress?: (p: { step: string; done: number; total: number }) => void;
}

export async function importCampaignData(texts: CampaignFileTexts, targets: ImportTargets, opts: ImportOptions = {}): Promise<ImportResult & { data: CampaignData }> {
  return writeCampaignData(readCampaignFiles(texts), targets, opts);
}

/** Writes data that has passed every check (our files' or the template's reader). */
export async function writeCampaignData(data: CampaignData, targets: ImportTargets, opts: ImportOptions = {}): Promise<ImportResult & { data: CampaignData }> {
  const result = { leads: data.leads.length, campaigns: data.campaigns.length, touches: data.touches.length, written: { leads: 0, campaigns: 0 }, data };
  if (opts.dryRun) return result;
  const at = (opts.now ?? new Date()).toISOString();
  result.written.leads = await bulkUpsert(targets.leads, data.leads.map((l) => leadDocument(l, at)), (d) => d.leadId, {
    onProgress: (n) => (opts.progress ? opts.progress({ step: 'write leads', done: n, total: data.leads.length }) : opts.log?.(`${n} of ${data.leads.length} leads written`)),
  });
  result.written.campaigns = await bulkUpsert(targets.plans, data.campaigns.map((c) => campaignDocument(c, at)), (d) => d.campaignId);
  return result;
}
